#include "engine/folder_checks.h"

#include "editing/token_library.h"
#include "io/json_config.h"
#include "pipeline/captioner.h"
#include "pipeline/diffusion_model.h"
#include "pipeline/inversion_cache.h"
#include "pipeline/model_folder.h"
#include "pipeline/single_file_checkpoint.h"
#include "runtime/compute.h"
#include "runtime/error.h"
#include "engine/precision_choice.h"

namespace partedit {
namespace fs = std::filesystem;

namespace {

// The default side from the folder's UNet and VAE configs (the loader's rule); 0 when a
// config does not read (the load itself then says why).
int64_t configured_default_size(const DiffusersFolder& folder) {
  try {
    return default_image_size(UNet2DConditionConfig::from_json(JsonConfig::load(folder.unet / "config.json")),
                              AutoencoderKLConfig::from_json(JsonConfig::load(folder.vae / "config.json")));
  } catch (const Error&) {
    return 0;
  }
}

}  // namespace

ModelPathCheck check_model_path(const fs::path& path, const fs::path& config_dir) {
  ModelPathCheck check;
  check.single_file = !path.empty() && is_single_file_checkpoint(path);
  try {
    if (!check.single_file) {
      check.default_size = configured_default_size(inspect_diffusers_folder(path));
      return check;
    }
    ModelLoadOptions options;
    options.config_dir = config_dir;
    const auto checkpoint = SingleFileCheckpoint::open(path, options);
    check.family = checkpoint_family_name(checkpoint.family());
    check.shape_name = checkpoint.shape_name();
    check.default_size = configured_default_size(checkpoint.configs());
  } catch (const Error& e) {
    check.problem = e.what();
  }
  return check;
}

std::string caption_folder_problem(const fs::path& folder) {
  try {
    check_blip2_folder(folder);
    return {};
  } catch (const Error& e) {
    return e.what();
  }
}

uint64_t inversion_cache_usage(const fs::path& folder) {
  try {
    const InversionCache cache(folder.empty() ? default_inversion_cache_dir() : folder);
    uint64_t total = 0;
    for (const auto& entry : cache.entries()) total += entry.bytes;
    return total;
  } catch (const Error&) {  // no default folder (no HOME): nothing kept
    return 0;
  }
}

EngineDefaults engine_defaults() {
  EngineDefaults d;
  try {  // without HOME or XDG_DATA_HOME there is no default; the setting must then be given
    d.token_folder = default_user_token_dir();
    d.cache_folder = default_inversion_cache_dir();
  } catch (const Error&) {
  }
  try {
    d.cache_limit = default_inversion_cache_limit();
  } catch (const Error&) {  // a malformed PARTEDIT_CACHE_LIMIT: the built-in limit
    d.cache_limit = kDefaultInversionCacheLimit;
  }
  d.cuda = cuda_available();
  const CpuBf16Support bf16 = cpu_bf16_support();
  d.native_bf16 = bf16.native();
  d.cpu_bf16 = bf16.describe();
  return d;
}

}  // namespace partedit
