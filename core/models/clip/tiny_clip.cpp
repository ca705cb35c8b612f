#include "models/clip/tiny_clip.h"

#include <cmath>

#include <ATen/ATen.h>

#include "io/json_config.h"
#include "models/blip2/blip_image_processor.h"
#include "models/clip/clip_model.h"
#include "models/tiny_model_parts.h"
#include "runtime/text.h"
#include "runtime/error.h"

namespace partedit {
namespace fs = std::filesystem;

namespace {

// As transformers' save_pretrained writes a CLIPModel (the towers' sections complete).
nlohmann::json clip_config(const TinyClipOptions& o, int64_t vocab_size) {
  nlohmann::json c;
  c["architectures"] = {"CLIPModel"};
  c["model_type"] = "clip";
  c["projection_dim"] = o.projection_dim;
  c["logit_scale_init_value"] = 2.6592;
  c["torch_dtype"] = "float32";
  c["text_config"] = {{"model_type", "clip_text_model"},
                      {"vocab_size", vocab_size},
                      {"hidden_size", o.text_width},
                      {"intermediate_size", o.text_mlp},
                      {"num_hidden_layers", o.text_layers},
                      {"num_attention_heads", o.text_heads},
                      {"max_position_embeddings", 77},
                      {"hidden_act", "quick_gelu"},
                      {"layer_norm_eps", 1e-5},
                      {"projection_dim", o.projection_dim},
                      {"bos_token_id", vocab_size - 2},
                      {"eos_token_id", vocab_size - 1},
                      {"pad_token_id", vocab_size - 1}};
  c["vision_config"] = {{"model_type", "clip_vision_model"},
                        {"hidden_size", o.vision_width},
                        {"intermediate_size", o.vision_mlp},
                        {"num_hidden_layers", o.vision_layers},
                        {"num_attention_heads", o.vision_heads},
                        {"image_size", o.image_size},
                        {"patch_size", o.patch_size},
                        {"num_channels", 3},
                        {"hidden_act", "quick_gelu"},
                        {"layer_norm_eps", 1e-5},
                        {"projection_dim", o.projection_dim}};
  return c;
}

nlohmann::json clip_preprocessor_config(const TinyClipOptions& o) {
  return {{"crop_size", {{"height", o.image_size}, {"width", o.image_size}}},
          {"do_center_crop", true},
          {"do_convert_rgb", true},
          {"do_normalize", true},
          {"do_rescale", true},
          {"do_resize", true},
          {"image_mean", kOpenAIClipMean},
          {"image_std", kOpenAIClipStd},
          {"image_processor_type", "CLIPImageProcessor"},
          {"processor_class", "CLIPProcessor"},
          {"resample", 3},
          {"rescale_factor", 1.0 / 255.0},
          {"size", {{"shortest_edge", o.image_size}}}};
}

// From one seeded generator in registration order: layer norms weight 1 + N(0, 0.1^2) and
// bias N(0, 0.1^2) (not the identity, so that tests see each norm), other biases
// N(0, 0.02^2), embeddings (token, position, class) N(0, 1), matrices N(0, 1/fan_in),
// logit_scale log(1 / 0.07) as CLIP initialises it.
void init_clip_weights(torch::nn::Module& model, uint64_t seed) {
  at::manual_seed(seed);
  for (auto& p : model.named_parameters(/*recurse=*/true)) {
    const auto& name = p.key();
    at::Tensor t = p.value();
    const bool norm = name.find("layer_norm") != std::string::npos || name.find("layrnorm") != std::string::npos ||
                      name.find("layernorm") != std::string::npos;
    if (name == "logit_scale") t.fill_(std::log(1.0 / 0.07));
    else if (norm && ends_with(name, "weight")) t.normal_(1.0, 0.1);
    else if (norm) t.normal_(0.0, 0.1);
    else if (ends_with(name, "bias")) t.normal_(0.0, 0.02);
    else if (name.find("embedding") != std::string::npos) t.normal_(0.0, 1.0);
    else t.normal_(0.0, 1.0 / std::sqrt(double(t.numel() / t.size(0))));
  }
}

}  // namespace

int64_t write_tiny_clip(const fs::path& dir, const TinyClipOptions& o) {
  if (o.image_size % o.patch_size != 0) throw Error("tiny CLIP: image_size must be a multiple of patch_size");
  if (o.text_width % o.text_heads != 0 || o.vision_width % o.vision_heads != 0)
    throw Error("tiny CLIP: the towers' widths must be divisible by their head counts");
  fs::create_directories(dir);
  const auto vocab = tiny::learn_vocabulary(tiny::kTinyVocabularyMerges);
  tiny::write_tokenizer(dir, vocab, /*pad_with_bang=*/false);
  tiny::write_json(dir / "config.json", clip_config(o, int64_t(vocab.tokens.size())));
  tiny::write_json(dir / "preprocessor_config.json", clip_preprocessor_config(o));
  // built from the written config, as the loader does, so every key of the module is present
  CLIPModel model(CLIPConfig::from_json(JsonConfig::load(dir / "config.json")));
  c10::InferenceMode guard;
  init_clip_weights(*model, o.seed);
  return tiny::write_parameters(dir / "model.safetensors", *model);
}

}  // namespace partedit
