#pragma once
// CLIP image encoder: transformers' CLIPVisionTransformer (modeling_clip.py) and the
// visual_projection of CLIPModel / CLIPVisionModelWithProjection. A ViT: non-overlapping
// patches by a convolution without bias, a learned class token first, learned positions,
// the layer norm "pre_layrnorm" (the checkpoints' spelling) before the encoder, the encoder
// layers of the text tower without a mask (clip_text_model.h), and "post_layernorm" on the
// class token only. Keys: vision_model.embeddings.{class_embedding, patch_embedding.weight,
// position_embedding.weight}, vision_model.pre_layrnorm.*, vision_model.encoder.layers.N.*,
// vision_model.post_layernorm.*, visual_projection.weight.
#include <cstdint>

#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/pimpl.h>

#include "models/clip/clip_text_model.h"
#include "nn/layers.h"

namespace partedit {

class JsonConfig;

// transformers' CLIPVisionConfig; every field has a default (openai/clip-vit-base-patch32's).
struct CLIPVisionConfig : CLIPEncoderConfig {
  int64_t image_size = 224;
  int64_t patch_size = 32;
  int64_t projection_dim = 512;  // used only with the projection
  bool with_projection = false;  // visual_projection present (CLIPModel sets it)

  CLIPVisionConfig();  // hidden_size 768, intermediate_size 3072, 12 layers, 12 heads
  // Missing keys keep the defaults; num_channels must be 3.
  static CLIPVisionConfig from_json(const JsonConfig& cfg);
  int64_t num_patches() const { return (image_size / patch_size) * (image_size / patch_size); }
};

class CLIPVisionEmbeddingsImpl : public torch::nn::Module {
 public:
  explicit CLIPVisionEmbeddingsImpl(const CLIPVisionConfig& config);
  at::Tensor forward(const at::Tensor& pixel_values);  // [B, 3, S, S] -> [B, 1 + P, D]

  at::Tensor class_embedding;  // [D]
  Conv2d patch_embedding{nullptr};  // no bias
  Embedding position_embedding{nullptr};  // [1 + P, D]; position_ids are computed (arange)
};
TORCH_MODULE(CLIPVisionEmbeddings);

class CLIPVisionTransformerImpl : public torch::nn::Module {
 public:
  explicit CLIPVisionTransformerImpl(const CLIPVisionConfig& config);

  CLIPVisionEmbeddings embeddings{nullptr};
  torch::nn::LayerNorm pre_layrnorm{nullptr};
  CLIPEncoder encoder{nullptr};
  torch::nn::LayerNorm post_layernorm{nullptr};
};
TORCH_MODULE(CLIPVisionTransformer);

struct CLIPVisionOutput {
  at::Tensor last_hidden_state;  // [B, 1 + P, D] the encoder's output (no post_layernorm)
  at::Tensor pooled;             // [B, D] post_layernorm of the class token
  at::Tensor image_embeds;       // [B, projection_dim] visual_projection(pooled); with_projection only
};

class CLIPVisionModelImpl : public torch::nn::Module {
 public:
  explicit CLIPVisionModelImpl(const CLIPVisionConfig& config);
  CLIPVisionOutput forward(const at::Tensor& pixel_values);  // [B, 3, image_size, image_size]

  const CLIPVisionConfig& config() const { return config_; }

  CLIPVisionTransformer vision_model{nullptr};
  Linear visual_projection{nullptr};  // only with_projection (no bias)

 private:
  CLIPVisionConfig config_;
};
TORCH_MODULE(CLIPVisionModel);

}  // namespace partedit
