#pragma once
// CLIP text encoder: transformers' CLIPTextModel and CLIPTextModelWithProjection (one module,
// the projection present when config.json's `architectures` names the projection variant).
// Parameter names are the checkpoint keys: text_model.embeddings.token_embedding.weight, ...,
// text_model.final_layer_norm.*, text_projection.weight.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>
#include <c10/core/ScalarType.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/pimpl.h>

#include "nn/layers.h"

namespace partedit {

class JsonConfig;
class WeightSource;

// What the encoder layers (CLIPAttention, CLIPMLP, CLIPEncoderLayer, CLIPEncoder) read; the
// text and the vision towers share these modules (clip_vision_model.h).
struct CLIPEncoderConfig {
  int64_t hidden_size = 0;
  int64_t intermediate_size = 0;
  int64_t num_attention_heads = 0;
  int64_t num_hidden_layers = 0;
  std::string hidden_act = "quick_gelu";  // "quick_gelu" | "gelu"
  double layer_norm_eps = 1e-5;
};

// LayerNorm over hidden_size with layer_norm_eps, as every CLIP norm is.
torch::nn::LayerNorm make_clip_layer_norm(const CLIPEncoderConfig& config);

// The fields of a transformers CLIPTextConfig that the forward pass uses (names as in the file).
struct CLIPTextConfig : CLIPEncoderConfig {
  int64_t vocab_size = 0;
  int64_t max_position_embeddings = 0;
  int64_t projection_dim = 0;  // used only with the projection
  int64_t eos_token_id = 2;    // 2 selects the legacy pooling rule (argmax of the ids)
  bool with_projection = false;  // architectures == ["CLIPTextModelWithProjection"]

  // Required: vocab_size, hidden_size, intermediate_size, num_attention_heads,
  // num_hidden_layers, max_position_embeddings; the rest default as in transformers.
  static CLIPTextConfig from_json(const JsonConfig& cfg);
};

struct CLIPTextOutput {
  at::Tensor last_hidden_state;         // [B, T, D] after final_layer_norm
  at::Tensor penultimate_hidden_state;  // [B, T, D] input of the last layer (hidden_states[-2])
  at::Tensor pooled;                    // [B, D], or [B, P] projected (text_embeds)
};

class CLIPAttentionImpl : public torch::nn::Module {
 public:
  explicit CLIPAttentionImpl(const CLIPEncoderConfig& config);
  // causal_mask [T, T] added to the scores; undefined for the vision tower (no mask).
  at::Tensor forward(const at::Tensor& hidden, const at::Tensor& causal_mask);  // [B, T, D]

  Linear q_proj{nullptr}, k_proj{nullptr}, v_proj{nullptr}, out_proj{nullptr};

 private:
  int64_t heads_;
  double scale_;
};
TORCH_MODULE(CLIPAttention);

class CLIPMLPImpl : public torch::nn::Module {
 public:
  explicit CLIPMLPImpl(const CLIPEncoderConfig& config);
  at::Tensor forward(const at::Tensor& hidden);  // [B, T, D]

  Linear fc1{nullptr}, fc2{nullptr};

 private:
  bool quick_gelu_;
};
TORCH_MODULE(CLIPMLP);

class CLIPEncoderLayerImpl : public torch::nn::Module {
 public:
  explicit CLIPEncoderLayerImpl(const CLIPEncoderConfig& config);
  at::Tensor forward(const at::Tensor& hidden, const at::Tensor& causal_mask);  // [B, T, D]

  CLIPAttention self_attn{nullptr};
  torch::nn::LayerNorm layer_norm1{nullptr};
  CLIPMLP mlp{nullptr};
  torch::nn::LayerNorm layer_norm2{nullptr};
};
TORCH_MODULE(CLIPEncoderLayer);

class CLIPEncoderImpl : public torch::nn::Module {
 public:
  explicit CLIPEncoderImpl(const CLIPEncoderConfig& config);
  // Runs every layer; returns {output of the last layer, input of the last layer}.
  std::pair<at::Tensor, at::Tensor> forward(const at::Tensor& hidden, const at::Tensor& causal_mask);

  torch::nn::ModuleList layers{nullptr};  // layers.N = CLIPEncoderLayer

 private:
  std::vector<CLIPEncoderLayer> typed_layers_;  // the same modules, typed
};
TORCH_MODULE(CLIPEncoder);

class CLIPTextEmbeddingsImpl : public torch::nn::Module {
 public:
  explicit CLIPTextEmbeddingsImpl(const CLIPTextConfig& config);
  at::Tensor forward(const at::Tensor& input_ids);  // [B, T] -> [B, T, D]

  // position_ids is computed (arange), not a buffer: see kCLIPIgnoredKeys in the .cpp.
  Embedding token_embedding{nullptr}, position_embedding{nullptr};
};
TORCH_MODULE(CLIPTextEmbeddings);

class CLIPTextTransformerImpl : public torch::nn::Module {
 public:
  explicit CLIPTextTransformerImpl(const CLIPTextConfig& config);

  CLIPTextEmbeddings embeddings{nullptr};
  CLIPEncoder encoder{nullptr};
  torch::nn::LayerNorm final_layer_norm{nullptr};
};
TORCH_MODULE(CLIPTextTransformer);

class CLIPTextModelImpl : public torch::nn::Module {
 public:
  explicit CLIPTextModelImpl(const CLIPTextConfig& config);
  CLIPTextOutput forward(const at::Tensor& input_ids);  // [B, T] int64, T <= max_position_embeddings

  const CLIPTextConfig& config() const { return config_; }
  int64_t hidden_size() const { return config_.hidden_size; }
  // Width of `pooled`: projection_dim with the projection, hidden_size without.
  int64_t pooled_size() const { return config_.with_projection ? config_.projection_dim : config_.hidden_size; }

  CLIPTextTransformer text_model{nullptr};
  Linear text_projection{nullptr};  // only with_projection (no bias)

 private:
  at::Tensor pooling_positions(const at::Tensor& input_ids) const;  // [B] int64

  CLIPTextConfig config_;
};
TORCH_MODULE(CLIPTextModel);

// Reads folder/config.json and the folder's model*.safetensors strictly (every tensor present,
// none extra, shapes equal); the module ends on `device` in `dtype`, in eval mode.
CLIPTextModel load_clip_text_model(const std::filesystem::path& folder, c10::Device device = c10::kCPU,
                                   c10::ScalarType dtype = c10::kFloat);
// The same from a parsed config and any weight source (a single-file checkpoint's encoder).
CLIPTextModel load_clip_text_model(const CLIPTextConfig& config, const WeightSource& weights,
                                   c10::Device device = c10::kCPU, c10::ScalarType dtype = c10::kFloat);

}  // namespace partedit
