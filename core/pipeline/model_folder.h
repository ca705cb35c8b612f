#pragma once
// The first check of a model path: a folder. A file given instead is named as such (a
// single-file checkpoint, or a file inside the folder), not reported as missing.
#include <filesystem>
#include <string>
#include <vector>

namespace partedit {

// Throws Error unless `folder` is a directory. `what` names it in messages ("model folder",
// "BLIP-2 model folder"); `marker` is the file that makes it one ("model_index.json").
void require_model_folder(const std::filesystem::path& folder, const std::string& what, const std::string& marker);

// The component folders of a diffusers text-to-image folder (model_index.json, unet/, vae/,
// text_encoder/, tokenizer/, scheduler/; SDXL also text_encoder_2/ and tokenizer_2/).
struct DiffusersFolder {
  std::filesystem::path folder;  // normalised, without a trailing separator
  std::filesystem::path unet, vae, scheduler;
  std::vector<std::filesystem::path> text_encoders, tokenizers;  // one, or two for SDXL
};

// What DiffusionModel::load checks before reading any weights, with its messages: the
// folder, model_index.json listing the components, each component's folder and config.
// Quick enough for a dialog to check a folder as it is chosen.
DiffusersFolder inspect_diffusers_folder(const std::filesystem::path& folder);

}  // namespace partedit
