#pragma once
// diffusers' ResnetBlock2D (the "default" time-embedding norm form used by SD/SDXL UNets
// and the VAE) and the 2x down/up-sampling convolutions.
#include <torch/nn/module.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/pimpl.h>

#include "nn/layers.h"

namespace partedit {

struct ResnetBlock2DOptions {
  int64_t in_channels = 0;
  int64_t out_channels = 0;       // 0 = in_channels
  int64_t temb_channels = 0;      // 0 = no time embedding (VAE)
  int64_t groups = 32;
  int64_t groups_out = 0;         // 0 = groups
  double eps = 1e-6;
  double output_scale_factor = 1.0;
  bool use_in_shortcut = false;   // forced when in != out
};

class ResnetBlock2DImpl : public torch::nn::Module {
 public:
  explicit ResnetBlock2DImpl(const ResnetBlock2DOptions& options);
  // x: [B, C_in, H, W]; temb: [B, temb_channels] (already activated by the caller) or undefined.
  at::Tensor forward(const at::Tensor& x, const at::Tensor& temb = {});

  torch::nn::GroupNorm norm1{nullptr}, norm2{nullptr};
  Conv2d conv1{nullptr}, conv2{nullptr}, conv_shortcut{nullptr};
  Linear time_emb_proj{nullptr};

 private:
  double output_scale_factor_;
};
TORCH_MODULE(ResnetBlock2D);

// Downsample2D with a 3x3 stride-2 convolution. padding = 1 (UNet) or 0 with an
// asymmetric (0, 1, 0, 1) pad first (VAE encoder).
class Downsample2DImpl : public torch::nn::Module {
 public:
  Downsample2DImpl(int64_t channels, int64_t out_channels, int64_t padding);
  at::Tensor forward(const at::Tensor& x);  // [B, C, H, W] -> [B, C_out, H/2, W/2]
  Conv2d conv{nullptr};

 private:
  int64_t padding_;
};
TORCH_MODULE(Downsample2D);

// Upsample2D: nearest 2x (or to an explicit size) then a 3x3 convolution.
class Upsample2DImpl : public torch::nn::Module {
 public:
  Upsample2DImpl(int64_t channels, int64_t out_channels);
  // output_size: {H, W} to match a skip connection, or empty for 2x.
  at::Tensor forward(const at::Tensor& x, c10::IntArrayRef output_size = {});
  Conv2d conv{nullptr};
};
TORCH_MODULE(Upsample2D);

}  // namespace partedit
