#pragma once
// BLIP-2's Querying Transformer: transformers' Blip2QFormerModel (modeling_blip_2.py) run on
// the learned query tokens only (captioning has no text input). BERT-style post-LN layers;
// cross-attention to the image features in layers with idx % cross_attention_frequency == 0;
// the query feed-forward (intermediate_query / output_query). Keys:
// qformer.layernorm.*, qformer.encoder.layer.N.{attention,crossattention}.{attention.{query,
// key,value},output.{dense,LayerNorm}}, ...intermediate_query.dense, ...output_query.{dense,LayerNorm}.
#include <cstdint>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/pimpl.h>

#include "nn/layers.h"

namespace partedit {

class JsonConfig;

// transformers' Blip2QFormerConfig (every field has a default). encoder_hidden_size is set
// from the vision config by Blip2Config, as transformers does.
struct Blip2QFormerConfig {
  int64_t hidden_size = 768;
  int64_t num_hidden_layers = 12;
  int64_t num_attention_heads = 12;
  int64_t intermediate_size = 3072;
  std::string hidden_act = "gelu";
  double layer_norm_eps = 1e-12;
  int64_t cross_attention_frequency = 2;
  int64_t encoder_hidden_size = 1408;
  std::string position_embedding_type = "absolute";

  static Blip2QFormerConfig from_json(const JsonConfig& cfg);
};

class Blip2QFormerMultiHeadAttentionImpl : public torch::nn::Module {
 public:
  Blip2QFormerMultiHeadAttentionImpl(const Blip2QFormerConfig& config, bool is_cross_attention);
  // Queries from `hidden` [B, Q, D]; keys/values from `context` [B, S, Dc].
  at::Tensor forward(const at::Tensor& hidden, const at::Tensor& context);  // [B, Q, D]

  Linear query{nullptr}, key{nullptr}, value{nullptr};

 private:
  int64_t heads_;
};
TORCH_MODULE(Blip2QFormerMultiHeadAttention);

// dense -> LayerNorm(x + residual): Blip2QFormerSelfOutput and Blip2QFormerOutput.
class Blip2QFormerOutputImpl : public torch::nn::Module {
 public:
  Blip2QFormerOutputImpl(int64_t in_features, const Blip2QFormerConfig& config);
  at::Tensor forward(const at::Tensor& hidden, const at::Tensor& residual);  // [B, Q, D]

  Linear dense{nullptr};
  torch::nn::LayerNorm LayerNorm{nullptr};
};
TORCH_MODULE(Blip2QFormerOutput);

class Blip2QFormerAttentionImpl : public torch::nn::Module {
 public:
  Blip2QFormerAttentionImpl(const Blip2QFormerConfig& config, bool is_cross_attention);
  at::Tensor forward(const at::Tensor& hidden, const at::Tensor& context);  // [B, Q, D]

  Blip2QFormerMultiHeadAttention attention{nullptr};
  Blip2QFormerOutput output{nullptr};
};
TORCH_MODULE(Blip2QFormerAttention);

class Blip2QFormerIntermediateImpl : public torch::nn::Module {
 public:
  explicit Blip2QFormerIntermediateImpl(const Blip2QFormerConfig& config);
  at::Tensor forward(const at::Tensor& hidden);  // [B, Q, D] -> [B, Q, I]

  Linear dense{nullptr};

 private:
  std::string act_;
};
TORCH_MODULE(Blip2QFormerIntermediate);

class Blip2QFormerLayerImpl : public torch::nn::Module {
 public:
  Blip2QFormerLayerImpl(const Blip2QFormerConfig& config, int64_t layer_idx);
  at::Tensor forward(const at::Tensor& queries, const at::Tensor& image_embeds);  // [B, Q, D]

  Blip2QFormerAttention attention{nullptr};
  Blip2QFormerAttention crossattention{nullptr};  // layer_idx % cross_attention_frequency == 0
  Blip2QFormerIntermediate intermediate_query{nullptr};
  Blip2QFormerOutput output_query{nullptr};
};
TORCH_MODULE(Blip2QFormerLayer);

class Blip2QFormerEncoderImpl : public torch::nn::Module {
 public:
  explicit Blip2QFormerEncoderImpl(const Blip2QFormerConfig& config);
  at::Tensor forward(const at::Tensor& queries, const at::Tensor& image_embeds);  // [B, Q, D]

  torch::nn::ModuleList layer{nullptr};

 private:
  std::vector<Blip2QFormerLayer> typed_layers_;
};
TORCH_MODULE(Blip2QFormerEncoder);

class Blip2QFormerModelImpl : public torch::nn::Module {
 public:
  explicit Blip2QFormerModelImpl(const Blip2QFormerConfig& config);
  // last_hidden_state [B, Q, D] of the query tokens [B, Q, D] attending to image_embeds [B, S, Dv].
  at::Tensor forward(const at::Tensor& query_embeds, const at::Tensor& image_embeds);

  torch::nn::LayerNorm layernorm{nullptr};
  Blip2QFormerEncoder encoder{nullptr};
};
TORCH_MODULE(Blip2QFormerModel);

}  // namespace partedit
