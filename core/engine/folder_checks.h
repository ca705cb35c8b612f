#pragma once
// What a front end checks before it sets an engine up, without loading anything: whether a
// path is a model the loader would take (its own first checks and messages), whether a
// folder is a BLIP-2 model, what the inversion cache holds, and the defaults it falls back
// to. These read the folders, so the app runs them on its engine thread.
#include <cstdint>
#include <filesystem>
#include <string>

#include "runtime/byte_size.h"

namespace partedit {

struct ModelPathCheck {
  std::string problem;       // "" when the path looks loadable
  bool single_file = false;  // a single-file .safetensors checkpoint rather than a diffusers folder
  std::string family;        // a single file's family ("SDXL"), when it opened
  std::string shape_name;    // a single file's shipped config set ("sdxl-base-1.0"), when it opened
  int64_t default_size = 0;  // the side it generates at by default (its configs'); 0 when unknown
};

// A diffusers folder, or a single-file checkpoint read with the configs of `config_dir`
// ("" = the shipped ones).
ModelPathCheck check_model_path(const std::filesystem::path& path, const std::filesystem::path& config_dir = {});
// "" when `folder` looks like a BLIP-2 folder (Flan-T5 or OPT) the captioner would load.
std::string caption_folder_problem(const std::filesystem::path& folder);
// Bytes the inversion cache in `folder` holds ("" = the default folder; 0 when unreadable);
// format_byte_size words it.
uint64_t inversion_cache_usage(const std::filesystem::path& folder);

// Where the engine looks when a setting is left empty.
struct EngineDefaults {
  std::filesystem::path token_folder;  // the user's part tokens
  std::filesystem::path cache_folder;  // the inversion cache
  uint64_t cache_limit = 0;            // bytes ($PARTEDIT_CACHE_LIMIT, else the built-in limit)
  bool cuda = false;                   // a CUDA device is usable by this build
  bool native_bf16 = false;            // the CPU computes bf16 natively (AVX512-BF16 or AMX)
  std::string cpu_bf16;                // which of those it has: "AMX-BF16 and AVX512-BF16"
};
EngineDefaults engine_defaults();

}  // namespace partedit
