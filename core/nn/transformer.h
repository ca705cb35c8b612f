#pragma once
// diffusers' spatial transformer of the SD/SDXL UNets: `BasicTransformerBlock` (attention.py:
// norm1 + self-attention attn1, norm2 + cross-attention attn2, norm3 + GEGLU feed-forward `ff`)
// and `Transformer2DModel` (transformer_2d.py, continuous input: GroupNorm `norm`, `proj_in`,
// `transformer_blocks.N`, `proj_out`, residual).
#include <vector>

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/pimpl.h>

#include "nn/attention.h"
#include "nn/layers.h"

namespace partedit {

// GEGLU (activations.py): one projection to 2 * dim_out, split into value and gate,
// value * gelu(gate) (exact erf GELU).
class GEGLUImpl : public torch::nn::Module {
 public:
  GEGLUImpl(int64_t dim_in, int64_t dim_out);
  at::Tensor forward(const at::Tensor& x);  // [B, N, dim_in] -> [B, N, dim_out]
  Linear proj{nullptr};
};
TORCH_MODULE(GEGLU);

// FeedForward (attention.py) with activation_fn "geglu": net.0 = GEGLU, net.1 = dropout
// (no parameters), net.2 = Linear back to dim.
class FeedForwardImpl : public torch::nn::Module {
 public:
  FeedForwardImpl(int64_t dim, int64_t inner_dim);
  at::Tensor forward(const at::Tensor& x);  // [B, N, dim]
  torch::nn::ModuleList net{nullptr};

 private:
  GEGLU geglu_{nullptr};  // net.0
  Linear out_{nullptr};   // net.2
};
TORCH_MODULE(FeedForward);

struct BasicTransformerBlockOptions {
  int64_t dim = 0;                  // = heads * head_dim
  int64_t num_attention_heads = 0;
  int64_t attention_head_dim = 0;
  int64_t cross_attention_dim = 0;  // width of encoder_hidden_states
  double norm_eps = 1e-5;           // LayerNorm eps (diffusers default)
};

class BasicTransformerBlockImpl : public torch::nn::Module {
 public:
  explicit BasicTransformerBlockImpl(const BasicTransformerBlockOptions& options);
  // x: [B, N, dim] with N = height * width; context: [B, M, cross_attention_dim].
  at::Tensor forward(const at::Tensor& x, const at::Tensor& context, int64_t height, int64_t width);

  torch::nn::LayerNorm norm1{nullptr}, norm2{nullptr}, norm3{nullptr};
  Attention attn1{nullptr}, attn2{nullptr};
  FeedForward ff{nullptr};
};
TORCH_MODULE(BasicTransformerBlock);

struct Transformer2DModelOptions {
  int64_t num_attention_heads = 0;
  int64_t attention_head_dim = 0;
  int64_t in_channels = 0;          // inner dim = heads * head_dim (equal to in_channels in SD/SDXL)
  int64_t num_layers = 1;           // transformer_blocks
  int64_t cross_attention_dim = 0;
  int64_t norm_num_groups = 32;
  bool use_linear_projection = false;  // Linear proj_in/proj_out (SD 2.x, SDXL), else 1x1 Conv (SD 1.x)
};

class Transformer2DModelImpl : public torch::nn::Module {
 public:
  explicit Transformer2DModelImpl(const Transformer2DModelOptions& options);
  // x: [B, C, H, W]; context: [B, M, cross_attention_dim] -> [B, C, H, W] (residual included).
  at::Tensor forward(const at::Tensor& x, const at::Tensor& context);

  const std::vector<BasicTransformerBlock>& blocks() const { return blocks_; }

  torch::nn::GroupNorm norm{nullptr};
  Linear proj_in_linear{nullptr}, proj_out_linear{nullptr};  // registered as proj_in/proj_out
  Conv2d proj_in_conv{nullptr}, proj_out_conv{nullptr};      // the same, SD 1.x form
  torch::nn::ModuleList transformer_blocks{nullptr};

 private:
  std::vector<BasicTransformerBlock> blocks_;  // transformer_blocks, typed
  bool use_linear_projection_;
};
TORCH_MODULE(Transformer2DModel);

}  // namespace partedit
