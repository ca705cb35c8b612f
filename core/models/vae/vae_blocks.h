#pragma once
// The building blocks of diffusers' AutoencoderKL (models/autoencoders/vae.py and
// unets/unet_2d_blocks.py): DownEncoderBlock2D, UpDecoderBlock2D, UNetMidBlock2D, Encoder,
// Decoder. Member names are the checkpoint key segments (encoder.down_blocks.0.resnets.0...).
// They live in partedit::vae because "Encoder"/"Decoder" are too generic for the shared
// namespace.
#include <cstdint>

#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/pimpl.h>

#include "models/vae/vae_config.h"
#include "nn/layers.h"

namespace partedit::vae {

struct VaeBlockOptions {
  int64_t in_channels = 0;
  int64_t out_channels = 0;
  int64_t num_layers = 1;   // resnets in the block
  int64_t groups = 32;
  double eps = 1e-6;        // vae.py passes resnet_eps = 1e-6 everywhere
  bool add_sampler = true;  // a Downsample2D / Upsample2D after the resnets
};

// unet_2d_blocks.py DownEncoderBlock2D: resnets.*, downsamplers.0 (padding 0 = asymmetric pad).
class DownEncoderBlock2DImpl : public torch::nn::Module {
 public:
  explicit DownEncoderBlock2DImpl(const VaeBlockOptions& options);
  at::Tensor forward(const at::Tensor& x);  // [B, C_in, H, W] -> [B, C_out, H/2, W/2] (or H, W)
  torch::nn::ModuleList resnets{nullptr}, downsamplers{nullptr};
};
TORCH_MODULE(DownEncoderBlock2D);

// unet_2d_blocks.py UpDecoderBlock2D: resnets.*, upsamplers.0.
class UpDecoderBlock2DImpl : public torch::nn::Module {
 public:
  explicit UpDecoderBlock2DImpl(const VaeBlockOptions& options);
  at::Tensor forward(const at::Tensor& x);  // [B, C_in, H, W] -> [B, C_out, 2H, 2W] (or H, W)
  torch::nn::ModuleList resnets{nullptr}, upsamplers{nullptr};
};
TORCH_MODULE(UpDecoderBlock2D);

struct UNetMidBlock2DOptions {
  int64_t channels = 0;
  int64_t groups = 32;
  double eps = 1e-6;
  int64_t attention_head_dim = 0;  // 0 = channels (the VAE: one head)
  bool add_attention = true;
};

// unet_2d_blocks.py UNetMidBlock2D without time embedding: resnets.0, attentions.0, resnets.1.
class UNetMidBlock2DImpl : public torch::nn::Module {
 public:
  explicit UNetMidBlock2DImpl(const UNetMidBlock2DOptions& options);
  at::Tensor forward(const at::Tensor& x);  // [B, C, H, W] -> [B, C, H, W]
  torch::nn::ModuleList resnets{nullptr}, attentions{nullptr};  // attentions empty without attention
};
TORCH_MODULE(UNetMidBlock2D);

// vae.py Encoder (double_z): image -> 2 * latent_channels moments (before quant_conv).
class EncoderImpl : public torch::nn::Module {
 public:
  explicit EncoderImpl(const AutoencoderKLConfig& config);
  at::Tensor forward(const at::Tensor& image);  // [B, C_in, H, W] -> [B, 2 * latent, H/f, W/f]
  Conv2d conv_in{nullptr}, conv_out{nullptr};
  torch::nn::ModuleList down_blocks{nullptr};
  UNetMidBlock2D mid_block{nullptr};
  torch::nn::GroupNorm conv_norm_out{nullptr};
};
TORCH_MODULE(Encoder);

// vae.py Decoder: latent (after post_quant_conv) -> image.
class DecoderImpl : public torch::nn::Module {
 public:
  explicit DecoderImpl(const AutoencoderKLConfig& config);
  at::Tensor forward(const at::Tensor& z);  // [B, latent, h, w] -> [B, C_out, h*f, w*f]
  Conv2d conv_in{nullptr}, conv_out{nullptr};
  UNetMidBlock2D mid_block{nullptr};
  torch::nn::ModuleList up_blocks{nullptr};
  torch::nn::GroupNorm conv_norm_out{nullptr};
};
TORCH_MODULE(Decoder);

}  // namespace partedit::vae
