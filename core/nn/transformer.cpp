#include "nn/transformer.h"

#include <ATen/ATen.h>
#include <ATen/core/grad_mode.h>
#include <torch/nn/modules/dropout.h>

namespace partedit {

namespace {
// In-place updates of intermediate results are safe whenever no autograd graph is recorded.
bool grad_free() { return !at::GradMode::is_enabled(); }

// out + residual, where `out` is an attention layer's output. Reuses out's storage unless a
// controller saw it in on_output (it may have kept a reference).
at::Tensor add_attention_residual(at::Tensor out, const at::Tensor& residual, const Attention& layer) {
  if (layer->controller()) return out + residual;
  return out.add_(residual);  // to_out's fresh result; its autograd needs neither operand
}
}  // namespace

GEGLUImpl::GEGLUImpl(int64_t dim_in, int64_t dim_out) {
  proj = register_module("proj", Linear(dim_in, dim_out * 2));
}

at::Tensor GEGLUImpl::forward(const at::Tensor& x) {
  // diffusers activations.py GEGLU: hidden, gate = proj(x).chunk(2, -1); hidden * gelu(gate)
  const auto parts = proj(x).chunk(2, -1);  // 2 x [B, N, dim_out], views
  auto gated = at::gelu(parts[1]);           // [B, N, dim_out]
  if (grad_free()) return gated.mul_(parts[0]);
  return parts[0] * gated;
}

FeedForwardImpl::FeedForwardImpl(int64_t dim, int64_t inner_dim) {
  net = register_module("net", torch::nn::ModuleList());
  geglu_ = GEGLU(dim, inner_dim);
  out_ = Linear(inner_dim, dim);
  net->push_back(geglu_);
  net->push_back(torch::nn::Dropout(0.0));  // net.1 is dropout: no parameters, never called
  net->push_back(out_);
}

at::Tensor FeedForwardImpl::forward(const at::Tensor& x) {
  return out_(geglu_(x));  // [B, N, dim]
}

BasicTransformerBlockImpl::BasicTransformerBlockImpl(const BasicTransformerBlockOptions& o) {
  auto layer_norm = [&] {
    return torch::nn::LayerNorm(torch::nn::LayerNormOptions({o.dim}).eps(o.norm_eps).elementwise_affine(true));
  };
  AttentionOptions self_attn;
  self_attn.query_dim = o.dim;
  self_attn.heads = o.num_attention_heads;
  self_attn.dim_head = o.attention_head_dim;
  AttentionOptions cross_attn = self_attn;
  cross_attn.cross_attention_dim = o.cross_attention_dim;

  norm1 = register_module("norm1", layer_norm());
  attn1 = register_module("attn1", Attention(self_attn));
  norm2 = register_module("norm2", layer_norm());
  attn2 = register_module("attn2", Attention(cross_attn));
  norm3 = register_module("norm3", layer_norm());
  ff = register_module("ff", FeedForward(o.dim, o.dim * 4));
}

at::Tensor BasicTransformerBlockImpl::forward(const at::Tensor& x, const at::Tensor& context, int64_t height,
                                              int64_t width) {
  // diffusers attention.py BasicTransformerBlock.forward, norm_type "layer_norm"
  // 1. self-attention
  auto h = add_attention_residual(attn1->forward(norm1(x), at::Tensor(), height, width), x, attn1);  // [B, N, dim]
  // 2. cross-attention
  h = add_attention_residual(attn2->forward(norm2(h), context, height, width), h, attn2);  // [B, N, dim]
  // 3. feed-forward (its output is private: add in place)
  return ff(norm3(h)).add_(h);  // [B, N, dim]
}

Transformer2DModelImpl::Transformer2DModelImpl(const Transformer2DModelOptions& o)
    : use_linear_projection_(o.use_linear_projection) {
  const int64_t inner = o.num_attention_heads * o.attention_head_dim;
  norm = register_module(
      "norm", torch::nn::GroupNorm(torch::nn::GroupNormOptions(o.norm_num_groups, o.in_channels).eps(1e-6).affine(true)));
  if (use_linear_projection_)
    proj_in_linear = register_module("proj_in", Linear(o.in_channels, inner));
  else
    proj_in_conv = register_module("proj_in", Conv2d(o.in_channels, inner, 1));

  transformer_blocks = register_module("transformer_blocks", torch::nn::ModuleList());
  BasicTransformerBlockOptions block;
  block.dim = inner;
  block.num_attention_heads = o.num_attention_heads;
  block.attention_head_dim = o.attention_head_dim;
  block.cross_attention_dim = o.cross_attention_dim;
  for (int64_t i = 0; i < o.num_layers; ++i) {
    blocks_.emplace_back(block);
    transformer_blocks->push_back(blocks_.back());
  }

  if (use_linear_projection_)
    proj_out_linear = register_module("proj_out", Linear(inner, o.in_channels));
  else
    proj_out_conv = register_module("proj_out", Conv2d(inner, o.in_channels, 1));
}

at::Tensor Transformer2DModelImpl::forward(const at::Tensor& x, const at::Tensor& context) {
  // diffusers transformer_2d.py Transformer2DModel, continuous input
  const int64_t b = x.size(0), height = x.size(2), width = x.size(3);
  // 1. input: norm, projection, [B, C, H, W] -> [B, HW, inner]
  auto h = norm(x);  // [B, C, H, W]
  if (use_linear_projection_) {
    h = proj_in_linear(h.permute({0, 2, 3, 1}).reshape({b, height * width, -1}));  // [B, HW, inner]
  } else {
    h = proj_in_conv(h);                                                // [B, inner, H, W]
    h = h.permute({0, 2, 3, 1}).reshape({b, height * width, h.size(1)});  // [B, HW, inner]
  }
  // 2. blocks
  for (auto& block : blocks_) h = block(h, context, height, width);  // [B, HW, inner]
  // 3. output: projection back to [B, C, H, W], residual
  if (use_linear_projection_) {
    h = proj_out_linear(h);                                     // [B, HW, C]
    auto spatial = h.view({b, height, width, -1}).permute({0, 3, 1, 2});  // [B, C, H, W], strided view
    return at::add(x, spatial);  // one pass: the transpose happens inside the add
  }
  h = h.view({b, height, width, -1}).permute({0, 3, 1, 2}).contiguous();  // [B, inner, H, W]
  h = proj_out_conv(h);                                                  // [B, C, H, W]
  return h.add_(x);
}

}  // namespace partedit
