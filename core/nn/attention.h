#pragma once
// diffusers' `Attention` (self or cross), as used by the UNet's transformer blocks and the
// VAE's mid block: to_q, to_k, to_v, to_out.0 (+ optional group_norm for the VAE form).
#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/pimpl.h>

#include "nn/attention_controller.h"
#include "nn/layers.h"

namespace partedit {

struct AttentionOptions {
  int64_t query_dim = 0;
  int64_t cross_attention_dim = 0;  // 0 = self-attention (keys from the queries' input)
  int64_t heads = 8;
  int64_t dim_head = 64;
  bool bias = false;                // bias of to_q/to_k/to_v
  bool out_bias = true;
  int64_t norm_num_groups = 0;      // >0: GroupNorm on the input (VAE mid-block form)
  double norm_eps = 1e-5;
  bool residual_connection = false; // VAE form: output + input
  double rescale_output_factor = 1.0;
};

class AttentionImpl : public torch::nn::Module {
 public:
  explicit AttentionImpl(const AttentionOptions& options);

  // hidden: [B, N, query_dim], or [B, C, H, W] for the VAE form (then height/width come
  // from the tensor). context: [B, M, cross_attention_dim] for cross-attention, undefined
  // for self-attention. height/width: the token grid, passed on to the controller.
  at::Tensor forward(const at::Tensor& hidden, const at::Tensor& context = {}, int64_t height = 0,
                     int64_t width = 0);

  void set_controller(AttentionController* controller) { controller_ = controller; }
  AttentionController* controller() const { return controller_; }
  AttentionSite& site() { return site_; }
  const AttentionSite& site() const { return site_; }
  bool is_cross() const { return options_.cross_attention_dim > 0; }
  int64_t heads() const { return options_.heads; }
  double scale() const { return scale_; }

  // [B, N, heads * dim_head] <-> [B, heads, N, dim_head]
  at::Tensor split_heads(const at::Tensor& x) const;
  at::Tensor merge_heads(const at::Tensor& x) const;

  Linear to_q{nullptr}, to_k{nullptr}, to_v{nullptr};
  torch::nn::ModuleList to_out{nullptr};  // to_out.0 = Linear; to_out.1 is dropout (no parameters)
  torch::nn::GroupNorm group_norm{nullptr};

 private:
  at::Tensor attend(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, AttentionCall* call);

  AttentionOptions options_;
  double scale_;
  AttentionController* controller_ = nullptr;
  AttentionSite site_;
};
TORCH_MODULE(Attention);

// softmax(q k^T * scale) v for [B, heads, N, d] tensors: the fused kernel where LibTorch
// has one (>= 2.0), else the explicit form.
at::Tensor scaled_dot_product_attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                                        double scale);

}  // namespace partedit
