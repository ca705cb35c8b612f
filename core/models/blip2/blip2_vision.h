#pragma once
// BLIP-2's image encoder: transformers' Blip2VisionModel (modeling_blip_2.py) — EVA ViT-g/14
// in the Salesforce checkpoints. Keys: vision_model.embeddings.{class_embedding,
// patch_embedding.*, position_embedding}, vision_model.encoder.layers.N.{layer_norm1,
// self_attn.qkv, self_attn.projection, layer_norm2, mlp.fc1, mlp.fc2},
// vision_model.post_layernorm. Pre-LN layers, no layer norm before the encoder, the
// post-layernorm applied to every token.
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

// transformers' Blip2VisionConfig (every field has a default; save_pretrained omits those).
struct Blip2VisionConfig {
  int64_t hidden_size = 1408;
  int64_t intermediate_size = 6144;
  int64_t num_hidden_layers = 39;
  int64_t num_attention_heads = 16;
  int64_t image_size = 224;
  int64_t patch_size = 14;
  std::string hidden_act = "gelu";
  double layer_norm_eps = 1e-6;
  bool qkv_bias = true;
  // How the checkpoint stores the qkv bias: fused `qkv.bias` = cat(q_bias, 0, v_bias)
  // (transformers) or separate `q_bias` / `v_bias` (LAVIS); decided from the weight names.
  bool separate_qv_bias = false;

  static Blip2VisionConfig from_json(const JsonConfig& cfg);
  int64_t num_positions() const { return (image_size / patch_size) * (image_size / patch_size) + 1; }
};

class Blip2VisionEmbeddingsImpl : public torch::nn::Module {
 public:
  explicit Blip2VisionEmbeddingsImpl(const Blip2VisionConfig& config);
  at::Tensor forward(const at::Tensor& pixel_values);  // [B, 3, S, S] -> [B, 1 + P, D]

  at::Tensor class_embedding;     // [1, 1, D]
  Conv2d patch_embedding{nullptr};
  at::Tensor position_embedding;  // [1, 1 + P, D]
};
TORCH_MODULE(Blip2VisionEmbeddings);

class Blip2AttentionImpl : public torch::nn::Module {
 public:
  explicit Blip2AttentionImpl(const Blip2VisionConfig& config);
  at::Tensor forward(const at::Tensor& hidden);  // [B, T, D]

  Linear qkv{nullptr}, projection{nullptr};
  at::Tensor q_bias, v_bias;  // separate_qv_bias only

 private:
  int64_t heads_;
  double scale_;
};
TORCH_MODULE(Blip2Attention);

class Blip2MLPImpl : public torch::nn::Module {
 public:
  explicit Blip2MLPImpl(const Blip2VisionConfig& config);
  at::Tensor forward(const at::Tensor& hidden);  // [B, T, D]

  Linear fc1{nullptr}, fc2{nullptr};

 private:
  std::string act_;
};
TORCH_MODULE(Blip2MLP);

class Blip2EncoderLayerImpl : public torch::nn::Module {
 public:
  explicit Blip2EncoderLayerImpl(const Blip2VisionConfig& config);
  at::Tensor forward(const at::Tensor& hidden);  // [B, T, D]

  Blip2Attention self_attn{nullptr};
  torch::nn::LayerNorm layer_norm1{nullptr};
  Blip2MLP mlp{nullptr};
  torch::nn::LayerNorm layer_norm2{nullptr};
};
TORCH_MODULE(Blip2EncoderLayer);

class Blip2EncoderImpl : public torch::nn::Module {
 public:
  explicit Blip2EncoderImpl(const Blip2VisionConfig& config);
  at::Tensor forward(const at::Tensor& hidden);  // [B, T, D]

  torch::nn::ModuleList layers{nullptr};

 private:
  std::vector<Blip2EncoderLayer> typed_layers_;
};
TORCH_MODULE(Blip2Encoder);

class Blip2VisionModelImpl : public torch::nn::Module {
 public:
  explicit Blip2VisionModelImpl(const Blip2VisionConfig& config);
  // last_hidden_state: post_layernorm of every token [B, 1 + P, D].
  at::Tensor forward(const at::Tensor& pixel_values);  // [B, 3, S, S]

  const Blip2VisionConfig& config() const { return config_; }

  Blip2VisionEmbeddings embeddings{nullptr};
  Blip2Encoder encoder{nullptr};
  torch::nn::LayerNorm post_layernorm{nullptr};

 private:
  Blip2VisionConfig config_;
};
TORCH_MODULE(Blip2VisionModel);

// "gelu" (erf), "gelu_new"/"gelu_pytorch_tanh" (tanh), "quick_gelu", "relu" — transformers ACT2FN.
at::Tensor blip2_activation(const std::string& name, const at::Tensor& x);
void check_blip2_activation(const std::string& name, const std::string& key, const JsonConfig& cfg);

}  // namespace partedit
