#pragma once
// diffusers' AutoencoderKL configuration (vae/config.json), parsed once; field names as in
// the file.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace partedit {

class JsonConfig;

struct AutoencoderKLConfig {
  int64_t in_channels = 3;
  int64_t out_channels = 3;
  std::vector<std::string> down_block_types;  // "DownEncoderBlock2D" only
  std::vector<std::string> up_block_types;    // "UpDecoderBlock2D" only
  std::vector<int64_t> block_out_channels;
  int64_t layers_per_block = 1;
  int64_t latent_channels = 4;
  int64_t norm_num_groups = 32;
  std::string act_fn = "silu";                // the only activation SD/SDXL VAEs use
  int64_t sample_size = 32;                   // image size the VAE was trained at (tile size)
  double scaling_factor = 0.18215;
  std::optional<double> shift_factor;         // SD3/Flux-style VAEs; absent for SD/SDXL
  std::vector<double> latents_mean;           // per-channel statistics (Playground-style VAEs);
  std::vector<double> latents_std;            // empty when null in the file
  bool force_upcast = true;                   // true: the VAE is not fp16-safe, run it in fp32
  bool use_quant_conv = true;
  bool use_post_quant_conv = true;
  bool mid_block_add_attention = true;

  // Image pixels per latent pixel: 2^(number of blocks - 1) (8 for SD/SDXL).
  int64_t downscale_factor() const { return int64_t{1} << (block_out_channels.size() - 1); }

  // Required: block_out_channels, down_block_types, up_block_types, layers_per_block,
  // latent_channels. The rest default as in diffusers' AutoencoderKL.
  static AutoencoderKLConfig from_json(const JsonConfig& cfg);
};

}  // namespace partedit
