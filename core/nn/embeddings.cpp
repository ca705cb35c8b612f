#include "nn/embeddings.h"

#include <cmath>

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

namespace partedit {

TimestepsImpl::TimestepsImpl(int64_t num_channels, bool flip_sin_to_cos, double downscale_freq_shift)
    : num_channels_(num_channels), flip_sin_to_cos_(flip_sin_to_cos), downscale_freq_shift_(downscale_freq_shift) {}

const at::Tensor& TimestepsImpl::frequencies(c10::Device device) {
  if (frequencies_.defined() && frequencies_.device() == device) return frequencies_;
  // A normal (non-inference) tensor, so that the cache also serves callers outside InferenceMode.
  c10::InferenceMode normal_tensors(false);
  // diffusers embeddings.py get_timestep_embedding: exp(-ln(10000) * i / (half - shift)), in float32
  const int64_t half = num_channels_ / 2;
  frequencies_ = at::arange(half, at::TensorOptions().dtype(at::kFloat))
                     .mul(-std::log(10000.0))
                     .div(static_cast<double>(half) - downscale_freq_shift_)
                     .exp()
                     .to(device);  // [half]
  return frequencies_;
}

at::Tensor TimestepsImpl::finish(const at::Tensor& args) const {
  // concat(sin, cos), or (cos, sin) with flip_sin_to_cos; zero pad an odd width
  auto emb = flip_sin_to_cos_ ? at::cat({args.cos(), args.sin()}, -1) : at::cat({args.sin(), args.cos()}, -1);
  if (num_channels_ % 2 == 1) emb = at::constant_pad_nd(emb, {0, 1}, 0);
  return emb;  // [N, num_channels]
}

at::Tensor TimestepsImpl::forward(const at::Tensor& timesteps) {
  const auto& freqs = frequencies(timesteps.device());
  return finish(timesteps.to(at::kFloat).unsqueeze(1) * freqs.unsqueeze(0));  // [N, num_channels]
}

at::Tensor TimestepsImpl::forward(double timestep, c10::Device device) {
  // The scalar multiplies in float32 (its float rounding), like timesteps.float() * freqs.
  const auto t = static_cast<double>(static_cast<float>(timestep));
  return finish(frequencies(device).mul(t).unsqueeze(0));  // [1, num_channels]
}

TimestepEmbeddingImpl::TimestepEmbeddingImpl(int64_t in_channels, int64_t time_embed_dim) {
  linear_1 = register_module("linear_1", Linear(in_channels, time_embed_dim));
  linear_2 = register_module("linear_2", Linear(time_embed_dim, time_embed_dim));
}

at::Tensor TimestepEmbeddingImpl::forward(const at::Tensor& x) {
  // diffusers embeddings.py TimestepEmbedding.forward, act_fn "silu", no cond_proj / post_act
  return linear_2(at::silu(linear_1(x)));
}

}  // namespace partedit
