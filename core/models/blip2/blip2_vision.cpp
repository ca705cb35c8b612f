#include "models/blip2/blip2_vision.h"

#include <cmath>

#include <ATen/ATen.h>

#include "io/json_config.h"
#include "models/vit_config.h"
#include "runtime/error.h"

namespace partedit {
namespace nn = torch::nn;

at::Tensor blip2_activation(const std::string& name, const at::Tensor& x) {
  if (name == "gelu") return at::gelu(x);
  if (name == "gelu_new" || name == "gelu_pytorch_tanh") return at::gelu(x, "tanh");
  if (name == "quick_gelu") return x * at::sigmoid(x * 1.702);
  return at::relu(x);
}

void check_blip2_activation(const std::string& name, const std::string& key, const JsonConfig& cfg) {
  for (const char* known : {"gelu", "gelu_new", "gelu_pytorch_tanh", "quick_gelu", "relu"})
    if (name == known) return;
  throw Error("config key '" + key + "' in " + cfg.source().string() + " is '" + name +
              "'; supported: gelu, gelu_new, gelu_pytorch_tanh, quick_gelu, relu");
}

Blip2VisionConfig Blip2VisionConfig::from_json(const JsonConfig& cfg) {
  Blip2VisionConfig c;  // defaults of transformers' Blip2VisionConfig
  read_vit_keys(cfg, c);
  c.qkv_bias = cfg.get_or<bool>("qkv_bias", c.qkv_bias);
  check_blip2_activation(c.hidden_act, "hidden_act", cfg);
  const auto where = " in " + cfg.source().string();
  if (c.num_attention_heads < 1 || c.hidden_size % c.num_attention_heads != 0)
    throw Error("config key 'hidden_size'" + where + " is not divisible by 'num_attention_heads'");
  if (c.patch_size < 1 || c.image_size < c.patch_size)
    throw Error("config keys 'image_size' / 'patch_size'" + where + " must satisfy 1 <= patch_size <= image_size");
  return c;
}

// ---- Blip2VisionEmbeddings ----

Blip2VisionEmbeddingsImpl::Blip2VisionEmbeddingsImpl(const Blip2VisionConfig& c)
    : patch_embedding(register_module("patch_embedding", Conv2d(3, c.hidden_size, c.patch_size, c.patch_size))) {
  class_embedding = register_parameter("class_embedding", at::empty({1, 1, c.hidden_size}));
  position_embedding = register_parameter("position_embedding", at::empty({1, c.num_positions(), c.hidden_size}));
}

at::Tensor Blip2VisionEmbeddingsImpl::forward(const at::Tensor& pixel_values) {
  const int64_t B = pixel_values.size(0);
  const auto dtype = patch_embedding->weight.scalar_type();
  // 1. patches, 2. class token first, 3. learned positions
  const auto patches = patch_embedding(pixel_values.to(dtype)).flatten(2).transpose(1, 2);  // [B, P, D]
  const auto tokens = at::cat({class_embedding.expand({B, 1, -1}).to(dtype), patches}, 1);  // [B, 1 + P, D]
  return tokens + position_embedding.narrow(1, 0, tokens.size(1)).to(dtype);                // [B, 1 + P, D]
}

// ---- Blip2Attention: fused qkv, scale after the product (modeling_blip_2.py) ----

Blip2AttentionImpl::Blip2AttentionImpl(const Blip2VisionConfig& c)
    : qkv(register_module("qkv", Linear(c.hidden_size, 3 * c.hidden_size, c.qkv_bias && !c.separate_qv_bias))),
      projection(register_module("projection", Linear(c.hidden_size, c.hidden_size))),
      heads_(c.num_attention_heads),
      scale_(std::pow(double(c.hidden_size / c.num_attention_heads), -0.5)) {
  if (c.qkv_bias && c.separate_qv_bias) {
    q_bias = register_parameter("q_bias", at::empty({c.hidden_size}));
    v_bias = register_parameter("v_bias", at::empty({c.hidden_size}));
  }
}

at::Tensor Blip2AttentionImpl::forward(const at::Tensor& hidden) {
  const int64_t B = hidden.size(0), T = hidden.size(1), D = hidden.size(2);
  // 1. fused projection; LAVIS's separate biases are cat(q_bias, 0, v_bias)
  auto mixed = qkv(hidden);  // [B, T, 3D]
  if (q_bias.defined()) mixed = mixed + at::cat({q_bias, at::zeros_like(v_bias), v_bias});
  const auto parts = mixed.reshape({B, T, 3, heads_, D / heads_}).permute({2, 0, 3, 1, 4});  // [3, B, H, T, d]
  // 2. softmax attention
  const auto scores = at::matmul(parts[0], parts[1].transpose(-1, -2)) * scale_;  // [B, H, T, T]
  const auto context = at::matmul(at::softmax(scores, -1), parts[2]);            // [B, H, T, d]
  // 3. output projection
  return projection(context.permute({0, 2, 1, 3}).reshape({B, T, D}));  // [B, T, D]
}

Blip2MLPImpl::Blip2MLPImpl(const Blip2VisionConfig& c)
    : fc1(register_module("fc1", Linear(c.hidden_size, c.intermediate_size))),
      fc2(register_module("fc2", Linear(c.intermediate_size, c.hidden_size))),
      act_(c.hidden_act) {}

at::Tensor Blip2MLPImpl::forward(const at::Tensor& hidden) { return fc2(blip2_activation(act_, fc1(hidden))); }

// ---- Blip2EncoderLayer: pre-norm residual blocks ----

namespace {
nn::LayerNorm vision_layer_norm(int64_t size, double eps) {
  return nn::LayerNorm(nn::LayerNormOptions({size}).eps(eps));
}
}  // namespace

Blip2EncoderLayerImpl::Blip2EncoderLayerImpl(const Blip2VisionConfig& c)
    : self_attn(register_module("self_attn", Blip2Attention(c))),
      layer_norm1(register_module("layer_norm1", vision_layer_norm(c.hidden_size, c.layer_norm_eps))),
      mlp(register_module("mlp", Blip2MLP(c))),
      layer_norm2(register_module("layer_norm2", vision_layer_norm(c.hidden_size, c.layer_norm_eps))) {}

at::Tensor Blip2EncoderLayerImpl::forward(const at::Tensor& hidden) {
  const auto h = hidden + self_attn(layer_norm1(hidden));  // [B, T, D]
  return h + mlp(layer_norm2(h));                          // [B, T, D]
}

Blip2EncoderImpl::Blip2EncoderImpl(const Blip2VisionConfig& c) : layers(register_module("layers", nn::ModuleList())) {
  for (int64_t i = 0; i < c.num_hidden_layers; ++i) {
    typed_layers_.emplace_back(c);
    layers->push_back(typed_layers_.back());
  }
}

at::Tensor Blip2EncoderImpl::forward(const at::Tensor& hidden) {
  at::Tensor h = hidden;  // [B, T, D]
  for (auto& layer : typed_layers_) h = layer(h);
  return h;
}

Blip2VisionModelImpl::Blip2VisionModelImpl(const Blip2VisionConfig& c)
    : embeddings(register_module("embeddings", Blip2VisionEmbeddings(c))),
      encoder(register_module("encoder", Blip2Encoder(c))),
      post_layernorm(register_module("post_layernorm", vision_layer_norm(c.hidden_size, c.layer_norm_eps))),
      config_(c) {}

at::Tensor Blip2VisionModelImpl::forward(const at::Tensor& pixel_values) {
  const int64_t S = config_.image_size;
  if (pixel_values.dim() != 4 || pixel_values.size(1) != 3 || pixel_values.size(2) != S || pixel_values.size(3) != S)
    throw Error("BLIP-2 vision model: pixel_values must be [B, 3, " + std::to_string(S) + ", " + std::to_string(S) +
                "], got " + c10::str(pixel_values.sizes()));
  // 1. embeddings (no layer norm before the encoder), 2. layers, 3. post-layernorm on all tokens
  const auto h = encoder(embeddings(pixel_values.to(post_layernorm->weight.device())));  // [B, 1 + P, D]
  return post_layernorm(h);                                                              // [B, 1 + P, D]
}

}  // namespace partedit
