#include "pipeline/single_file_checkpoint.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "partedit_build_info.h"
#include "io/safetensors.h"
#include "io/weights.h"
#include "models/clip/clip_text_model.h"
#include "models/unet/unet_config.h"
#include "models/vae/vae_config.h"
#include "runtime/error.h"
#include "runtime/message_text.h"
#include "runtime/text.h"
#include "runtime/executable_dir.h"

namespace partedit {
namespace fs = std::filesystem;

namespace {

// The file prefixes of each family's text encoders (the UNet and VAE prefixes are shared).
std::vector<std::string> text_encoder_prefixes(CheckpointFamily family) {
  switch (family) {
    case CheckpointFamily::SDXL: return {"conditioner.embedders.0.transformer.", "conditioner.embedders.1.model."};
    case CheckpointFamily::SD2: return {"cond_stage_model.model."};
    case CheckpointFamily::SD1: return {"cond_stage_model.transformer."};
  }
  return {};
}

// Tensors outside every component of the family, other than the known unused ones: refused
// up front, before minutes of loading, like the folder loader's "unexpected" list.
void check_no_stray_tensors(const SafetensorsFile& file, CheckpointFamily family) {
  std::vector<std::string> owned = text_encoder_prefixes(family);
  owned.push_back("model.diffusion_model.");
  owned.push_back("first_stage_model.");
  const auto ignored = checkpoint_ignored_keys();
  std::vector<std::string> stray;
  for (const auto& entry : file.entries())
    if (!matches_name_pattern(entry.name, owned) && !matches_name_pattern(entry.name, ignored))
      stray.push_back(printable_excerpt(entry.name, 120));
  if (!stray.empty())
    throw Error("weights in " + file.path().string() + " do not match the model (" + checkpoint_family_name(family) +
                " checkpoint)\n  unexpected in the file (" + std::to_string(stray.size()) +
                "): " + capped_list(stray, 10));
}

}  // namespace

bool is_single_file_checkpoint(const fs::path& path) {
  const std::string ext = lower_ascii(path.extension().string());
  std::error_code ec;
  return ext == ".safetensors" && fs::is_regular_file(path, ec);
}

fs::path shipped_model_configs_dir() {
  if (const char* env = std::getenv("PARTEDIT_MODEL_CONFIGS_DIR"); env && *env) return fs::path(env);
  std::vector<fs::path> candidates;
  if (const fs::path exe = current_executable_dir(); !exe.empty())
    candidates.push_back(exe / ".." / "share" / "partedit" / "model_configs");
#ifdef PARTEDIT_SOURCE_MODEL_CONFIGS_DIR
  candidates.push_back(PARTEDIT_SOURCE_MODEL_CONFIGS_DIR);
#endif
  std::error_code ec;
  for (const auto& candidate : candidates)
    if (fs::is_directory(candidate / "clip-vocabulary", ec)) return fs::weakly_canonical(candidate, ec);
  return {};
}

std::string shipped_shape_name(CheckpointFamily family, const std::string& prediction_type) {
  switch (family) {
    case CheckpointFamily::SDXL: return "sdxl-base-1.0";
    case CheckpointFamily::SD1: return "sd-1.5";
    case CheckpointFamily::SD2: return prediction_type == "epsilon" ? "sd-2.x-512-base" : "sd-2.x-768-v";
  }
  return {};
}

SingleFileCheckpoint SingleFileCheckpoint::open(const fs::path& path, const ModelLoadOptions& options) {
  SingleFileCheckpoint c;
  c.path_ = path;
  c.file_ = std::make_shared<SafetensorsFile>(path);
  const auto family = detect_checkpoint_family(*c.file_);
  if (!family) {
    std::vector<std::string> keys;
    for (const auto& entry : c.file_->entries()) keys.push_back(printable_excerpt(entry.name, 120));
    std::sort(keys.begin(), keys.end());
    // One component of a diffusers folder (its UNet, VAE or text encoder file) is a common mix-up.
    const bool component = std::any_of(keys.begin(), keys.end(), [](const std::string& k) {
      return k.rfind("down_blocks.", 0) == 0 || k.rfind("encoder.down_blocks.", 0) == 0 || k.rfind("text_model.", 0) == 0;
    });
    throw Error(path.string() + " is not a checkpoint of a known family: its tensor names have none of the text " +
                "encoder prefixes conditioner.embedders.1.model. (SDXL), cond_stage_model.model. (SD 2.x) or " +
                "cond_stage_model.transformer. (SD 1.x); it holds " + std::to_string(keys.size()) +
                " tensors: " + capped_list(keys, 5) +
                (component ? ". Its names are those of one component of a diffusers model: give the model folder "
                             "that holds it (with model_index.json)"
                           : ""));
  }
  c.family_ = *family;
  check_no_stray_tensors(*c.file_, c.family_);

  if (!options.config_dir.empty()) {
    c.configs_ = inspect_diffusers_folder(options.config_dir);
    c.shape_name_ = c.configs_.folder.string();
  } else {
    const fs::path shipped = shipped_model_configs_dir();
    if (shipped.empty())
      throw Error("the model configs shipped with PartEdit were not found (share/partedit/model_configs next to " +
                  std::string("the program, or $PARTEDIT_MODEL_CONFIGS_DIR); give the configs of ") + path.string() +
                  " as a diffusers folder (--config DIR)");
    c.shape_name_ = shipped_shape_name(c.family_, options.prediction_type);
    c.configs_ = inspect_diffusers_folder(shipped / c.shape_name_);
    c.vocabulary_dir_ = shipped / "clip-vocabulary";
  }
  const bool two_encoders = c.configs_.text_encoders.size() == 2;
  if (two_encoders != (c.family_ == CheckpointFamily::SDXL))
    throw Error("the configs in " + c.configs_.folder.string() + " are for " +
                (two_encoders ? "an SDXL model (two text encoders)" : "an SD 1.x/2.x model (one text encoder)") +
                ", but " + path.string() + " is an " + checkpoint_family_name(c.family_) + " checkpoint");
  return c;
}

RenamedWeights SingleFileCheckpoint::weights_of(ComponentLayout layout) const {
  return RenamedWeights(file_, layout.component, layout.prefix, std::move(layout.rules), std::move(layout.ignored));
}

RenamedWeights SingleFileCheckpoint::unet_weights(const UNet2DConditionConfig& config) const {
  return weights_of(unet_checkpoint_layout(config));
}

RenamedWeights SingleFileCheckpoint::vae_weights(const AutoencoderKLConfig& config) const {
  return weights_of(vae_checkpoint_layout(config));
}

RenamedWeights SingleFileCheckpoint::text_encoder_weights(size_t index, const CLIPTextConfig& config) const {
  const std::string prefix = text_encoder_prefixes(family_).at(index);
  switch (family_) {
    case CheckpointFamily::SD1: return weights_of(clip_checkpoint_layout("text encoder", prefix));
    case CheckpointFamily::SD2:
      return weights_of(open_clip_checkpoint_layout("text encoder", prefix, config, /*drops_last_block=*/true));
    case CheckpointFamily::SDXL:
      if (index == 0) return weights_of(clip_checkpoint_layout("text encoder", prefix));
      return weights_of(open_clip_checkpoint_layout("text encoder 2", prefix, config, /*drops_last_block=*/false));
  }
  throw Error("unknown checkpoint family");
}

}  // namespace partedit
