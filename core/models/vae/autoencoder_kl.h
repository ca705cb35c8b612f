#pragma once
// diffusers' AutoencoderKL (models/autoencoders/autoencoder_kl.py): encoder + quant_conv ->
// diagonal Gaussian over latents; post_quant_conv + decoder -> image. Parameter names are the
// checkpoint keys: encoder.*, decoder.*, quant_conv.*, post_quant_conv.*.
#include <cstdint>
#include <filesystem>

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>
#include <c10/core/ScalarType.h>
#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

#include "models/vae/vae_blocks.h"
#include "models/vae/vae_config.h"
#include "nn/layers.h"

namespace partedit {

class WeightSource;

// vae.py DiagonalGaussianDistribution: moments split into mean and log-variance.
struct LatentDistribution {
  at::Tensor mean;    // [B, latent, h, w]
  at::Tensor logvar;  // [B, latent, h, w], clamped to [-30, 20]
  // mean + exp(logvar / 2) * noise; noise: [B, latent, h, w] standard normal.
  at::Tensor sample(const at::Tensor& noise) const;
};

// Memory savers for large images (diffusers' enable_slicing / enable_tiling). Tiled results
// differ slightly from whole-image results (group norms see one tile at a time; tiles overlap
// by 1/4 and are blended linearly).
struct VaeMemoryOptions {
  bool slicing = false;          // encode/decode one batch element at a time
  bool tiling = false;           // tile images larger than tile_sample_size
  int64_t tile_sample_size = 0;  // image-space tile edge; 0 = config.sample_size; multiple of 4 * downscale
};

class AutoencoderKLImpl : public torch::nn::Module {
 public:
  explicit AutoencoderKLImpl(const AutoencoderKLConfig& config);

  // image [B, in_channels, H, W] in [-1, 1], H and W multiples of the downscale factor;
  // converted to the module's device and dtype. Moments via encoder + quant_conv.
  LatentDistribution encode(const at::Tensor& image);
  // z = latents / scaling_factor, [B, latent, h, w] -> raw image [B, out_channels, 8h, 8w]
  // (not clamped), in the module's dtype.
  at::Tensor decode(const at::Tensor& z);
  const AutoencoderKLConfig& config() const { return config_; }

  void set_memory_options(const VaeMemoryOptions& options);
  const VaeMemoryOptions& memory_options() const { return memory_; }

  vae::Encoder encoder{nullptr};
  vae::Decoder decoder{nullptr};
  Conv2d quant_conv{nullptr}, post_quant_conv{nullptr};  // absent when the config disables them

 private:
  at::Tensor encode_moments(const at::Tensor& image);  // [B, 2 * latent, h, w], whole image
  at::Tensor decode_whole(const at::Tensor& z);         // [B, out, 8h, 8w], whole latent
  at::Tensor to_module(const at::Tensor& x) const;      // to the parameters' device and dtype
  int64_t tile_sample_size() const;

  AutoencoderKLConfig config_;
  VaeMemoryOptions memory_;
};
TORCH_MODULE(AutoencoderKL);

// Reads vae_folder/config.json and the weights (diffusion_pytorch_model[.fp16].safetensors,
// the fp16 variant first when prefer_fp16_weights), on `device` in `dtype`, in eval mode.
AutoencoderKL load_vae(const std::filesystem::path& vae_folder, c10::Device device, c10::ScalarType dtype,
                       bool prefer_fp16_weights);
// The same from a parsed config and any weight source (a single-file checkpoint's VAE).
AutoencoderKL load_vae(const AutoencoderKLConfig& config, const WeightSource& weights, c10::Device device,
                       c10::ScalarType dtype);

// Pipeline space (diffusers' SDXL pipeline): latents -> decode(latents / scaling_factor
// [+ shift_factor]; with latents_mean/std: latents * std / scaling_factor + mean) ->
// (x / 2 + 0.5).clamp(0, 1). Returns [B, 3, 8h, 8w] float32 on the VAE's device. Throws
// Error when the decoder gives NaN/Inf (damaged weights, an fp16 overflow) instead of
// returning an image of undefined pixels.
at::Tensor latents_to_image(AutoencoderKL& vae, const at::Tensor& latents);
// The inverse: image in [0, 1] [B, 3, H, W] -> scaling_factor * posterior mean (with the
// same shift / mean-std handling). Returns [B, latent, H/8, W/8] float32; throws Error when
// the encoder gives NaN/Inf.
at::Tensor image_to_latents(AutoencoderKL& vae, const at::Tensor& image01);

}  // namespace partedit
