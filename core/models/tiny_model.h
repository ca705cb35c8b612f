#pragma once
// Small random-weight Stable Diffusion folders (diffusers layout) for tests and benchmarks:
// `partedit-cli make-tiny-model` and the benchmarks' "medium" model. The folders are
// complete (model_index.json, unet, vae, text encoders, tokenizers, scheduler) and load
// with the same loaders as real checkpoints.
#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace partedit {

struct TinyModelOptions {
  std::string family = "sdxl";   // sdxl | sd15 | sd21
  std::vector<int64_t> widths;   // UNet block_out_channels; empty = family default:
                                 // sdxl (8, 16, 32), sd15/sd21 (8, 16, 32, 32)
  int64_t norm_num_groups = 0;   // UNet GroupNorm groups; 0 = 8
  int64_t sample_size = 16;      // latent size; images are 8x larger
  uint64_t seed = 0;
  // sdxl only: the real SDXL-base shapes instead of the small ones (UNet 2.57 B parameters,
  // CLIP ViT-L and OpenCLIP ViT-bigG text encoders, the SDXL VAE, latent 128), weights stored
  // in fp16 as the published fp16 folders: 6.9 GB on disk, 10 GB of memory while writing.
  // widths, norm_num_groups and sample_size are then those of SDXL-base. For benchmarks.
  bool full_size = false;
};

// The full-size SDXL-base shape (TinyModelOptions::full_size) with random weights.
TinyModelOptions full_size_sdxl_options(uint64_t seed = 0);

// The "medium" benchmark model: tiny-sdxl's structure with block_out_channels
// (64, 128, 256), norm_num_groups 32, 256x256 images (latent 32), the tiny text encoders.
TinyModelOptions medium_sdxl_options(uint64_t seed = 0);

struct TinyModelSummary {
  // (component folder name, parameter count) in writing order: unet, vae, text_encoder(s).
  std::vector<std::pair<std::string, int64_t>> parameters;
  int64_t vocab_size = 0;  // entries of vocab.json
  int64_t count(const std::string& component) const;  // 0 if absent
};

// Checks the options (family, widths divisible by the groups and heads, size) and fills in
// the family defaults; throws partedit::Error naming the option at fault.
TinyModelOptions resolve_tiny_model_options(TinyModelOptions options);

// Writes the complete folder into out_dir (created if missing; existing files are
// overwritten: refusing a non-empty folder is the caller's choice). Same options and seed
// give byte-identical files.
TinyModelSummary write_tiny_model(const TinyModelOptions& options, const std::filesystem::path& out_dir);

}  // namespace partedit
