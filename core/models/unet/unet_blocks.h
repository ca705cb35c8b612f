#pragma once
// The UNet blocks of SD 1.x/2.x/SDXL (diffusers unet_2d_blocks.py): CrossAttnDownBlock2D,
// DownBlock2D, UNetMidBlock2DCrossAttn, CrossAttnUpBlock2D, UpBlock2D. Keys: resnets.M,
// attentions.M (Transformer2DModel), downsamplers.0.conv, upsamplers.0.conv.
#include <vector>

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/pimpl.h>

#include "nn/resnet.h"
#include "nn/transformer.h"

namespace partedit {

struct UNetBlockOptions {
  int64_t in_channels = 0;          // down/mid: the block's input; up: the skip width of the last resnet
  int64_t out_channels = 0;
  int64_t prev_output_channel = 0;  // up blocks: width of the input coming from below
  int64_t temb_channels = 0;
  int64_t num_layers = 1;           // resnets (up blocks: layers_per_block + 1; mid: attention layers)
  int64_t transformer_layers = 1;   // BasicTransformerBlocks per attention
  int64_t num_attention_heads = 1;
  int64_t cross_attention_dim = 0;
  int64_t resnet_groups = 32;
  double resnet_eps = 1e-5;
  double output_scale_factor = 1.0;  // resnet output scale (mid block: mid_block_scale_factor)
  bool use_linear_projection = false;
  bool add_sampler = false;          // add_downsample / add_upsample
  int64_t downsample_padding = 1;
};

// A down block: pushes each resnet(/attention) output and the downsampled output to `skips`.
class UNetDownBlock : public torch::nn::Module {
 public:
  virtual at::Tensor forward(const at::Tensor& x, const at::Tensor& temb, const at::Tensor& context,
                             std::vector<at::Tensor>& skips) = 0;
  virtual std::vector<Transformer2DModel> transformers() const { return {}; }  // execution order
};

// An up block: pops one skip per resnet from the back of `skips`; the upsampler takes the
// spatial size of the skip that remains last (diffusers' upsample_size), so odd sizes work.
class UNetUpBlock : public torch::nn::Module {
 public:
  virtual at::Tensor forward(const at::Tensor& x, std::vector<at::Tensor>& skips, const at::Tensor& temb,
                             const at::Tensor& context) = 0;
  virtual std::vector<Transformer2DModel> transformers() const { return {}; }

 protected:
  std::vector<ResnetBlock2D> resnets_;
};

class DownBlock2DImpl : public UNetDownBlock {
 public:
  explicit DownBlock2DImpl(const UNetBlockOptions& options);
  at::Tensor forward(const at::Tensor& x, const at::Tensor& temb, const at::Tensor& context,
                     std::vector<at::Tensor>& skips) override;  // [B, C_in, H, W] -> [B, C_out, H/2, W/2]

  torch::nn::ModuleList resnets{nullptr}, downsamplers{nullptr};

 protected:
  std::vector<ResnetBlock2D> resnets_;
  Downsample2D downsampler_{nullptr};
};
TORCH_MODULE(DownBlock2D);

class CrossAttnDownBlock2DImpl : public DownBlock2DImpl {
 public:
  explicit CrossAttnDownBlock2DImpl(const UNetBlockOptions& options);
  at::Tensor forward(const at::Tensor& x, const at::Tensor& temb, const at::Tensor& context,
                     std::vector<at::Tensor>& skips) override;
  std::vector<Transformer2DModel> transformers() const override { return attentions_; }

  torch::nn::ModuleList attentions{nullptr};

 private:
  std::vector<Transformer2DModel> attentions_;
};
TORCH_MODULE(CrossAttnDownBlock2D);

class UNetMidBlock2DCrossAttnImpl : public torch::nn::Module {
 public:
  explicit UNetMidBlock2DCrossAttnImpl(const UNetBlockOptions& options);
  at::Tensor forward(const at::Tensor& x, const at::Tensor& temb, const at::Tensor& context);  // [B, C, H, W]
  const std::vector<Transformer2DModel>& transformers() const { return attentions_; }

  torch::nn::ModuleList attentions{nullptr}, resnets{nullptr};

 private:
  std::vector<Transformer2DModel> attentions_;
  std::vector<ResnetBlock2D> resnets_;
};
TORCH_MODULE(UNetMidBlock2DCrossAttn);

class UpBlock2DImpl : public UNetUpBlock {
 public:
  explicit UpBlock2DImpl(const UNetBlockOptions& options);
  at::Tensor forward(const at::Tensor& x, std::vector<at::Tensor>& skips, const at::Tensor& temb,
                     const at::Tensor& context) override;  // [B, C_prev, H, W] -> [B, C_out, 2H, 2W]

  torch::nn::ModuleList resnets{nullptr}, upsamplers{nullptr};

 protected:
  at::Tensor upsample(const at::Tensor& x, const std::vector<at::Tensor>& skips);
  Upsample2D upsampler_{nullptr};
};
TORCH_MODULE(UpBlock2D);

class CrossAttnUpBlock2DImpl : public UpBlock2DImpl {
 public:
  explicit CrossAttnUpBlock2DImpl(const UNetBlockOptions& options);
  at::Tensor forward(const at::Tensor& x, std::vector<at::Tensor>& skips, const at::Tensor& temb,
                     const at::Tensor& context) override;
  std::vector<Transformer2DModel> transformers() const override { return attentions_; }

  torch::nn::ModuleList attentions{nullptr};

 private:
  std::vector<Transformer2DModel> attentions_;
};
TORCH_MODULE(CrossAttnUpBlock2D);

}  // namespace partedit
