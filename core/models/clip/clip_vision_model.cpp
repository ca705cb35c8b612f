#include "models/clip/clip_vision_model.h"

#include <ATen/ATen.h>

#include "io/json_config.h"
#include "models/vit_config.h"
#include "runtime/error.h"

namespace partedit {

CLIPVisionConfig::CLIPVisionConfig() {
  hidden_size = 768;
  intermediate_size = 3072;
  num_hidden_layers = 12;
  num_attention_heads = 12;
}

CLIPVisionConfig CLIPVisionConfig::from_json(const JsonConfig& cfg) {
  CLIPVisionConfig c;  // defaults of transformers' CLIPVisionConfig
  read_vit_keys(cfg, c);
  c.projection_dim = cfg.get_or<int64_t>("projection_dim", c.projection_dim);
  const auto where = " in " + cfg.source().string();
  if (cfg.get_or<int64_t>("num_channels", 3) != 3) throw Error("config key 'num_channels'" + where + " must be 3 (RGB)");
  if (c.hidden_act != "quick_gelu" && c.hidden_act != "gelu")
    throw Error("config key 'hidden_act'" + where + " is '" + c.hidden_act + "'; supported: quick_gelu, gelu");
  if (c.num_attention_heads < 1 || c.hidden_size % c.num_attention_heads != 0)
    throw Error("config key 'hidden_size' (" + std::to_string(c.hidden_size) + ")" + where +
                " is not divisible by 'num_attention_heads' (" + std::to_string(c.num_attention_heads) + ")");
  if (c.num_hidden_layers < 1) throw Error("config key 'num_hidden_layers'" + where + " must be at least 1");
  if (c.patch_size < 1 || c.image_size < c.patch_size)
    throw Error("config keys 'image_size' / 'patch_size'" + where + " must satisfy 1 <= patch_size <= image_size");
  return c;
}

// ---- CLIPVisionEmbeddings ----

CLIPVisionEmbeddingsImpl::CLIPVisionEmbeddingsImpl(const CLIPVisionConfig& c)
    : patch_embedding(register_module("patch_embedding",
                                      Conv2d(3, c.hidden_size, c.patch_size, c.patch_size, 0, /*bias=*/false))),
      position_embedding(register_module("position_embedding", Embedding(c.num_patches() + 1, c.hidden_size))) {
  class_embedding = register_parameter("class_embedding", at::empty({c.hidden_size}));
}

at::Tensor CLIPVisionEmbeddingsImpl::forward(const at::Tensor& pixel_values) {
  const int64_t B = pixel_values.size(0);
  const auto dtype = patch_embedding->weight.scalar_type();
  // 1. patches, 2. class token first, 3. learned positions
  const auto patches = patch_embedding(pixel_values.to(dtype)).flatten(2).transpose(1, 2);  // [B, P, D]
  const auto tokens = at::cat({class_embedding.view({1, 1, -1}).expand({B, 1, -1}), patches}, 1);  // [B, 1 + P, D]
  return tokens + position_embedding->weight.unsqueeze(0);  // [B, 1 + P, D]
}

// ---- CLIPVisionTransformer: the modules; CLIPVisionModel::forward runs them ----

CLIPVisionTransformerImpl::CLIPVisionTransformerImpl(const CLIPVisionConfig& c)
    : embeddings(register_module("embeddings", CLIPVisionEmbeddings(c))),
      pre_layrnorm(register_module("pre_layrnorm", make_clip_layer_norm(c))),
      encoder(register_module("encoder", CLIPEncoder(c))),
      post_layernorm(register_module("post_layernorm", make_clip_layer_norm(c))) {}

// ---- CLIPVisionModel (with the projection: CLIPVisionModelWithProjection) ----

CLIPVisionModelImpl::CLIPVisionModelImpl(const CLIPVisionConfig& c)
    : vision_model(register_module("vision_model", CLIPVisionTransformer(c))), config_(c) {
  if (c.with_projection)
    visual_projection = register_module("visual_projection", Linear(c.hidden_size, c.projection_dim, /*bias=*/false));
}

CLIPVisionOutput CLIPVisionModelImpl::forward(const at::Tensor& pixel_values) {
  const int64_t S = config_.image_size;
  if (pixel_values.dim() != 4 || pixel_values.size(1) != 3 || pixel_values.size(2) != S || pixel_values.size(3) != S)
    throw Error("CLIP vision model: pixel_values must be [B, 3, " + std::to_string(S) + ", " + std::to_string(S) +
                "], got " + c10::str(pixel_values.sizes()));
  auto& m = *vision_model;
  // 1. embeddings, 2. layer norm before the encoder, 3. layers without a mask
  const auto embeds = m.embeddings(pixel_values.to(m.post_layernorm->weight.device()));  // [B, 1 + P, D]
  CLIPVisionOutput out;
  out.last_hidden_state = m.encoder(m.pre_layrnorm(embeds), at::Tensor()).first;  // [B, 1 + P, D]
  // 4. post-layernorm of the class token, 5. projection
  out.pooled = m.post_layernorm(out.last_hidden_state.select(1, 0));  // [B, D]
  if (config_.with_projection) out.image_embeds = visual_projection(out.pooled);  // [B, P]
  return out;
}

}  // namespace partedit
