#pragma once
// Single-file checkpoints (one .safetensors in the original SGM/LDM layout, as model sites
// and other tools share them): the family from the keys, the configs and tokenizers of the
// shape (shipped with PartEdit, or a --config folder), and each component's weights read
// through the checkpoint layout table, converted tensor by tensor from the mapped file.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "io/renamed_weights.h"
#include "models/checkpoint_layout.h"
#include "pipeline/model_folder.h"
#include "pipeline/model_load_options.h"

namespace partedit {

struct UNet2DConditionConfig;
struct AutoencoderKLConfig;
struct CLIPTextConfig;

// True when `path` is a file named *.safetensors (any case): what the loaders treat as a
// single-file checkpoint.
bool is_single_file_checkpoint(const std::filesystem::path& path);

// The folder of the shipped model configs: $PARTEDIT_MODEL_CONFIGS_DIR, else
// <exe>/../share/partedit/model_configs (installed), else the source tree's
// resources/model_configs (build tree). Empty when none exists.
std::filesystem::path shipped_model_configs_dir();

// The shipped shape for a family (the subfolder of shipped_model_configs_dir()):
//   SDXL -> sdxl-base-1.0, SD 1.x -> sd-1.5,
//   SD 2.x -> sd-2.x-768-v, or sd-2.x-512-base when prediction_type is "epsilon".
// A safetensors file does not say which SD 2.x model it is. diffusers' single-file loader
// takes every SD 2.x checkpoint for stabilityai/stable-diffusion-2-1, the 768 v-prediction
// model, unless told otherwise (its older converter guessed from a .ckpt's global_step);
// we do the same, and an explicit epsilon prediction type picks the 512 base model, the
// SD 2.x shape trained for it.
std::string shipped_shape_name(CheckpointFamily family, const std::string& prediction_type);

class SingleFileCheckpoint {
 public:
  // Maps the file, reads its family from the keys and finds the configs (options.config_dir
  // or the shipped shape). Throws Error naming the file when it is not a safetensors file,
  // its keys match no family, it holds tensors no component takes, or the config folder
  // is of another family.
  static SingleFileCheckpoint open(const std::filesystem::path& file, const ModelLoadOptions& options);

  const std::filesystem::path& path() const { return path_; }
  CheckpointFamily family() const { return family_; }
  const DiffusersFolder& configs() const { return configs_; }  // config and tokenizer folders
  // The folder shipped configs share vocab.json and merges.txt from (empty for --config).
  const std::filesystem::path& vocabulary_dir() const { return vocabulary_dir_; }
  const std::string& shape_name() const { return shape_name_; }  // shipped shape, or the --config folder

  RenamedWeights unet_weights(const UNet2DConditionConfig& config) const;
  RenamedWeights vae_weights(const AutoencoderKLConfig& config) const;
  RenamedWeights text_encoder_weights(size_t index, const CLIPTextConfig& config) const;  // 0, or 1 for SDXL

 private:
  RenamedWeights weights_of(ComponentLayout layout) const;

  std::filesystem::path path_;
  std::shared_ptr<const SafetensorsFile> file_;
  CheckpointFamily family_ = CheckpointFamily::SD1;
  DiffusersFolder configs_;
  std::filesystem::path vocabulary_dir_;
  std::string shape_name_;
};

}  // namespace partedit
