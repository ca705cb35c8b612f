#pragma once
// Linear, Conv2d and Embedding whose parameters are allocated with at::empty and never
// initialised: every model here is built and then filled by load_weights (strict, so each
// parameter is overwritten), and LibTorch's own modules would first spend seconds and
// gigabytes on a kaiming/normal initialisation that is thrown away. Parameter names,
// shapes and forwards are LibTorch's (torch.nn). Contents are undefined until loaded:
// code that builds one of these without loading weights must fill it itself.
#include <cstdint>
#include <ostream>

#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

namespace partedit {

// y = x W^T + b (torch::nn::functional::linear); weight [out, in], bias [out] (absent
// when bias = false).
class LinearImpl : public torch::nn::Module {
 public:
  LinearImpl(int64_t in_features, int64_t out_features, bool bias = true);
  at::Tensor forward(const at::Tensor& input);  // [..., in] -> [..., out]
  void pretty_print(std::ostream& stream) const override;

  int64_t in_features, out_features;
  at::Tensor weight, bias;
};
TORCH_MODULE(Linear);

// Square-kernel 2-D convolution (dilation 1, groups 1, zero padding); weight
// [out, in, k, k], bias [out] (absent when bias = false).
class Conv2dImpl : public torch::nn::Module {
 public:
  Conv2dImpl(int64_t in_channels, int64_t out_channels, int64_t kernel_size, int64_t stride = 1,
             int64_t padding = 0, bool bias = true);
  at::Tensor forward(const at::Tensor& input);  // [B, in, H, W] -> [B, out, H', W']
  void pretty_print(std::ostream& stream) const override;

  int64_t in_channels, out_channels, kernel_size, stride, padding;
  at::Tensor weight, bias;
};
TORCH_MODULE(Conv2d);

// Lookup table; weight [num_embeddings, embedding_dim]. No padding_idx / max_norm.
class EmbeddingImpl : public torch::nn::Module {
 public:
  EmbeddingImpl(int64_t num_embeddings, int64_t embedding_dim);
  at::Tensor forward(const at::Tensor& indices);  // [...] integer -> [..., embedding_dim]
  void pretty_print(std::ostream& stream) const override;

  int64_t num_embeddings, embedding_dim;
  at::Tensor weight;
};
TORCH_MODULE(Embedding);

}  // namespace partedit
