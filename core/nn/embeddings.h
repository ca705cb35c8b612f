#pragma once
// diffusers' timestep embeddings (embeddings.py): the sinusoidal `Timesteps` projection
// (no parameters) and the two-layer `TimestepEmbedding` MLP (linear_1, SiLU, linear_2).
#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

#include "nn/layers.h"

namespace partedit {

class TimestepsImpl : public torch::nn::Module {
 public:
  TimestepsImpl(int64_t num_channels, bool flip_sin_to_cos, double downscale_freq_shift);

  // timesteps: [N] of any numeric dtype -> [N, num_channels] float32, on the input's device.
  at::Tensor forward(const at::Tensor& timesteps);
  // One scalar timestep (rounded to float32, as diffusers' `.float()` does) -> [1, num_channels]
  // float32 on `device`, without a host-to-device copy of the timestep.
  at::Tensor forward(double timestep, c10::Device device);

  int64_t num_channels() const { return num_channels_; }

 private:
  const at::Tensor& frequencies(c10::Device device);  // [half] float32, cached per device
  at::Tensor finish(const at::Tensor& args) const;    // [N, half] -> [N, num_channels]

  int64_t num_channels_;
  bool flip_sin_to_cos_;
  double downscale_freq_shift_;
  at::Tensor frequencies_;  // not a buffer: checkpoints do not hold it
};
TORCH_MODULE(Timesteps);

class TimestepEmbeddingImpl : public torch::nn::Module {
 public:
  TimestepEmbeddingImpl(int64_t in_channels, int64_t time_embed_dim);
  at::Tensor forward(const at::Tensor& x);  // [N, in_channels] -> [N, time_embed_dim]

  Linear linear_1{nullptr}, linear_2{nullptr};
};
TORCH_MODULE(TimestepEmbedding);

}  // namespace partedit
