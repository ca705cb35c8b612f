#include "nn/attention.h"

#include <torch/version.h>
#include <algorithm>
#include <optional>
#include <vector>

#include <ATen/ATen.h>

#include "runtime/cancel.h"

namespace partedit {

AttentionImpl::AttentionImpl(const AttentionOptions& options)
    : options_(options), scale_(1.0 / std::sqrt(static_cast<double>(options.dim_head))) {
  const int64_t inner = options.heads * options.dim_head;
  const int64_t kv_dim = options.cross_attention_dim > 0 ? options.cross_attention_dim : options.query_dim;
  if (options.norm_num_groups > 0)
    group_norm = register_module(
        "group_norm", torch::nn::GroupNorm(torch::nn::GroupNormOptions(options.norm_num_groups, options.query_dim)
                                               .eps(options.norm_eps)
                                               .affine(true)));
  to_q = register_module("to_q", Linear(options.query_dim, inner, options.bias));
  to_k = register_module("to_k", Linear(kv_dim, inner, options.bias));
  to_v = register_module("to_v", Linear(kv_dim, inner, options.bias));
  to_out = register_module("to_out", torch::nn::ModuleList());
  to_out->push_back(Linear(inner, options.query_dim, options.out_bias));
  // to_out.1 is dropout: no parameters, identity at inference.
}

at::Tensor AttentionImpl::split_heads(const at::Tensor& x) const {
  const auto b = x.size(0), n = x.size(1);
  return x.view({b, n, options_.heads, -1}).transpose(1, 2);  // [B, heads, N, d]
}

at::Tensor AttentionImpl::merge_heads(const at::Tensor& x) const {
  const auto b = x.size(0), n = x.size(2);
  return x.transpose(1, 2).reshape({b, n, -1});  // [B, N, heads * d]
}

at::Tensor scaled_dot_product_attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                                        double scale) {
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 1)  // `scale` argument since 2.1
  return at::scaled_dot_product_attention(q, k, v, {}, 0.0, false, scale);
#else
  // Explicit form (diffusers' AttnProcessor: baddbmm with alpha = scale), softmax in the input
  // dtype. Scaling q ([.., N, d]) instead of the scores ([.., N, M]) saves a pass over the scores.
  // A large one (the VAE's mid block or a 1024-px UNet) runs in chunks of queries: each row's
  // softmax is its own, so the result is the same, the scores never take gigabytes, and a
  // cancel lands between chunks instead of after seconds.
  const auto attend_rows = [&](const at::Tensor& rows) {
    return at::matmul(at::matmul(rows * scale, k.transpose(-1, -2)).softmax(-1), v);  // [B, heads, n, d]
  };
  constexpr int64_t kScoresPerChunk = int64_t{1} << 24;  // 64 MB of float scores
  const int64_t n = q.size(-2);
  if (n < 2 || q.numel() == 0) return attend_rows(q);
  const int64_t scores_per_query = q.numel() / (n * q.size(-1)) * k.size(-2);  // batch x heads x M
  if (scores_per_query * n <= kScoresPerChunk) return attend_rows(q);
  const int64_t chunk = std::max<int64_t>(1, kScoresPerChunk / scores_per_query);
  std::vector<at::Tensor> parts;
  for (int64_t start = 0; start < n; start += chunk) {
    cancellation_point();
    parts.push_back(attend_rows(q.slice(-2, start, std::min(n, start + chunk))));
  }
  return at::cat(parts, -2);
#endif
}

at::Tensor AttentionImpl::attend(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, AttentionCall* call) {
  if (!call || !controller_->wants_probabilities(*call)) return scaled_dot_product_attention(q, k, v, scale_);
  auto probabilities = at::matmul(q * scale_, k.transpose(-1, -2)).softmax(-1);  // [B, heads, N, M]
  controller_->on_probabilities(*call, probabilities);
  return at::matmul(probabilities, v);  // [B, heads, N, d]
}

at::Tensor AttentionImpl::forward(const at::Tensor& hidden, const at::Tensor& context, int64_t height, int64_t width) {
  cancellation_point();
  // 1. VAE form: [B, C, H, W] -> group norm -> [B, H*W, C]
  at::Tensor x = hidden;
  const bool spatial = hidden.dim() == 4;
  if (spatial) {
    height = hidden.size(2);
    width = hidden.size(3);
  }
  if (group_norm) x = group_norm(x);
  if (spatial) x = x.flatten(2).transpose(1, 2);  // [B, HW, C]

  // 2. projections
  const at::Tensor& kv_input = context.defined() ? context : x;
  auto q = split_heads(to_q(x));         // [B, heads, N, d]
  auto k = split_heads(to_k(kv_input));  // [B, heads, M, d]
  auto v = split_heads(to_v(kv_input));  // [B, heads, M, d]

  // 3. attention, with the controller's hooks
  std::optional<AttentionCall> call;
  if (controller_) {
    call.emplace(AttentionCall{site_, *this, height, width});
    controller_->on_query(*call, q);
  }
  auto out = merge_heads(attend(q, k, v, call ? &*call : nullptr));  // [B, N, inner]
  out = to_out[0]->as<Linear>()->forward(out);  // [B, N, query_dim]
  if (controller_) controller_->on_output(*call, out);

  // 4. VAE form: back to [B, C, H, W], residual
  if (spatial) out = out.transpose(1, 2).reshape(hidden.sizes());
  if (options_.residual_connection) out = out + hidden;
  if (options_.rescale_output_factor != 1.0) out = out / options_.rescale_output_factor;
  return out;
}

}  // namespace partedit
