#pragma once
// A transformers CLIPModel folder: config.json (text_config, vision_config, projection_dim),
// model.safetensors (text_model.*, text_projection.weight, vision_model.*,
// visual_projection.weight, logit_scale), the CLIP tokenizer (vocab.json, merges.txt and
// special_tokens_map.json / tokenizer_config.json) and preprocessor_config.json (optional).
// The towers are the existing modules: the text tower of clip_text_model.h with its
// projection, the vision tower of clip_vision_model.h with its projection.
#include <cstdint>
#include <filesystem>
#include <string>

#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

#include "models/clip/clip_image_processor.h"
#include "models/clip/clip_text_model.h"
#include "models/clip/clip_vision_model.h"
#include "runtime/compute.h"
#include "text/clip_tokenizer.h"

namespace partedit {

class JsonConfig;

struct CLIPConfig {
  CLIPTextConfig text;      // with_projection set, projection_dim the model's
  CLIPVisionConfig vision;  // with_projection set, projection_dim the model's
  int64_t projection_dim = 512;

  // text_config's missing keys take transformers' CLIPTextConfig defaults (vocab 49408,
  // width 512, 2048, 8 heads, 12 layers, 77 positions); vision_config's CLIPVisionConfig's.
  static CLIPConfig from_json(const JsonConfig& cfg);
};

// Parameters under the checkpoint's names: the towers' modules are registered here directly
// (text_model, text_projection, vision_model, visual_projection) and run through `text`
// and `vision`, which hold the same modules.
class CLIPModelImpl : public torch::nn::Module {
 public:
  explicit CLIPModelImpl(const CLIPConfig& config);

  // Projected, not normalised: [B, T] ids -> [B, projection_dim] (CLIPModel.get_text_features).
  at::Tensor text_features(const at::Tensor& input_ids);
  // [B, 3, S, S] pixel values -> [B, projection_dim] (CLIPModel.get_image_features).
  at::Tensor image_features(const at::Tensor& pixel_values);

  const CLIPConfig& config() const { return config_; }

  CLIPTextModel text{nullptr};
  CLIPVisionModel vision{nullptr};
  at::Tensor logit_scale;  // [] (read so that the file is complete; scores use cosine x 100)

 private:
  CLIPConfig config_;
};
TORCH_MODULE(CLIPModel);

// The model, its tokenizer and its image preprocessing, loaded together.
struct CLIPModelFolder {
  std::filesystem::path folder;
  CLIPModel model{nullptr};
  ClipTokenizer tokenizer;
  CLIPImageProcessorConfig processor;

  // Throws partedit::Error naming the folder, file or tensor at fault: no config.json,
  // missing or wrongly shaped tensors, a tokenizer whose ids exceed the text vocabulary, a
  // preprocessing crop that differs from the vision tower's image_size.
  static CLIPModelFolder load(const std::filesystem::path& folder, const ComputeOptions& compute = {});

  // bos + ids + eos of `text`; more than max_position_embeddings tokens are cut to
  // bos + the first (max - 2) ids + eos (as the CLIP tokenizer's truncation does), and
  // `truncated` says so. [1, T] int64.
  at::Tensor tokenize(const std::string& text, bool* truncated = nullptr) const;
};

}  // namespace partedit
