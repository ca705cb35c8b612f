#include "nn/layers.h"

#include <ATen/ATen.h>
#include <torch/nn/functional/linear.h>

namespace partedit {

// Parameters are registered exactly as LibTorch's modules register theirs (requires_grad,
// the default dtype, the CPU), minus the reset_parameters() pass.

LinearImpl::LinearImpl(int64_t in, int64_t out, bool with_bias)
    : torch::nn::Module("partedit::Linear"), in_features(in), out_features(out) {
  weight = register_parameter("weight", at::empty({out, in}));  // [out, in]
  if (with_bias) bias = register_parameter("bias", at::empty({out}));  // [out]
}

at::Tensor LinearImpl::forward(const at::Tensor& input) {
  // The function torch::nn::Linear calls, so results match it bit for bit on every LibTorch:
  // 1.13 adds the bias after matmul for >2-D input, where at::linear fuses it (bf16 differs).
  return torch::nn::functional::linear(input, weight, bias);
}

void LinearImpl::pretty_print(std::ostream& stream) const {
  stream << "partedit::Linear(in_features=" << in_features << ", out_features=" << out_features
         << ", bias=" << (bias.defined() ? "true" : "false") << ")";
}

Conv2dImpl::Conv2dImpl(int64_t in, int64_t out, int64_t kernel, int64_t stride_, int64_t padding_, bool with_bias)
    : torch::nn::Module("partedit::Conv2d"),
      in_channels(in),
      out_channels(out),
      kernel_size(kernel),
      stride(stride_),
      padding(padding_) {
  weight = register_parameter("weight", at::empty({out, in, kernel, kernel}));  // [out, in, k, k]
  if (with_bias) bias = register_parameter("bias", at::empty({out}));           // [out]
}

at::Tensor Conv2dImpl::forward(const at::Tensor& input) {
  // torch.nn.functional.conv2d, padding_mode "zeros"
  return at::conv2d(input, weight, bias, {stride, stride}, {padding, padding});
}

void Conv2dImpl::pretty_print(std::ostream& stream) const {
  stream << "partedit::Conv2d(" << in_channels << ", " << out_channels << ", kernel_size=" << kernel_size
         << ", stride=" << stride << ", padding=" << padding << ", bias=" << (bias.defined() ? "true" : "false")
         << ")";
}

EmbeddingImpl::EmbeddingImpl(int64_t num, int64_t dim)
    : torch::nn::Module("partedit::Embedding"), num_embeddings(num), embedding_dim(dim) {
  weight = register_parameter("weight", at::empty({num, dim}));  // [num, dim]
}

at::Tensor EmbeddingImpl::forward(const at::Tensor& indices) {
  return at::embedding(weight, indices);  // torch.nn.functional.embedding, no padding_idx
}

void EmbeddingImpl::pretty_print(std::ostream& stream) const {
  stream << "partedit::Embedding(num_embeddings=" << num_embeddings << ", embedding_dim=" << embedding_dim << ")";
}

}  // namespace partedit
