#include "models/clip/clip_model.h"

#include <ATen/ATen.h>

#include "io/json_config.h"
#include "io/weights.h"
#include "runtime/error.h"

namespace partedit {
namespace fs = std::filesystem;

namespace {

// Buffers older checkpoints saved that the modules compute (arange).
const std::vector<std::string> kCLIPModelIgnoredKeys = {"text_model.embeddings.position_ids",
                                                        "vision_model.embeddings.position_ids"};

// transformers' CLIPTextConfig defaults for the keys CLIPTextConfig::from_json requires.
nlohmann::json text_defaults() {
  return {{"vocab_size", 49408},          {"hidden_size", 512},       {"intermediate_size", 2048},
          {"num_attention_heads", 8},     {"num_hidden_layers", 12},  {"max_position_embeddings", 77}};
}

}  // namespace

CLIPConfig CLIPConfig::from_json(const JsonConfig& cfg) {
  CLIPConfig c;
  c.projection_dim = cfg.get_or<int64_t>("projection_dim", c.projection_dim);
  if (c.projection_dim < 1) throw Error("config key 'projection_dim' in " + cfg.source().string() + " must be positive");

  const JsonConfig text_section = cfg.section("text_config", false);
  nlohmann::json text = text_defaults();
  text.update(text_section.json());
  text["architectures"] = {"CLIPTextModelWithProjection"};
  c.text = CLIPTextConfig::from_json(JsonConfig(text, text_section.source()));
  c.text.projection_dim = c.projection_dim;

  c.vision = CLIPVisionConfig::from_json(cfg.section("vision_config", false));
  c.vision.with_projection = true;
  c.vision.projection_dim = c.projection_dim;
  return c;
}

CLIPModelImpl::CLIPModelImpl(const CLIPConfig& c) : text(CLIPTextModel(c.text)), vision(CLIPVisionModel(c.vision)), config_(c) {
  register_module("text_model", text->text_model);
  register_module("vision_model", vision->vision_model);
  register_module("visual_projection", vision->visual_projection);
  register_module("text_projection", text->text_projection);
  logit_scale = register_parameter("logit_scale", at::empty({}));
}

at::Tensor CLIPModelImpl::text_features(const at::Tensor& input_ids) { return text->forward(input_ids).pooled; }

at::Tensor CLIPModelImpl::image_features(const at::Tensor& pixel_values) {
  return vision->forward(pixel_values).image_embeds;
}

CLIPModelFolder CLIPModelFolder::load(const fs::path& folder, const ComputeOptions& compute) {
  if (!fs::is_directory(folder)) throw Error("CLIP model folder " + folder.string() + " does not exist");
  if (!fs::is_regular_file(folder / "config.json"))
    throw Error("CLIP model folder " + folder.string() + " has no config.json");
  const CLIPConfig config = CLIPConfig::from_json(JsonConfig::load(folder / "config.json"));

  CLIPModelFolder out{folder, CLIPModel(config), ClipTokenizer::load(folder),
                      CLIPImageProcessorConfig::load(folder, config.vision.image_size)};
  if (out.tokenizer.vocab_size() > config.text.vocab_size)
    throw Error("CLIP model folder " + folder.string() + ": the tokenizer has " +
                std::to_string(out.tokenizer.vocab_size()) + " ids but text_config.vocab_size is " +
                std::to_string(config.text.vocab_size));
  const auto& p = out.processor;
  if (!p.do_center_crop || p.crop_height != config.vision.image_size || p.crop_width != config.vision.image_size)
    throw Error("CLIP model folder " + folder.string() + ": preprocessor_config.json must centre-crop to the vision "
                "tower's image_size " + std::to_string(config.vision.image_size) + ", it crops to " +
                std::to_string(p.crop_height) + "x" + std::to_string(p.crop_width));

  out.model->to(compute.device, compute.dtype);
  load_weights(*out.model, WeightSet::open_folder(folder, "model", /*prefer_fp16=*/compute.dtype == c10::kHalf),
               kCLIPModelIgnoredKeys);
  out.model->eval();
  return out;
}

at::Tensor CLIPModelFolder::tokenize(const std::string& text, bool* truncated) const {
  std::vector<int64_t> ids = tokenizer.encode(text);  // bos + ids + eos
  const auto limit = size_t(model->config().text.max_position_embeddings);
  const bool cut = ids.size() > limit;
  if (cut) {
    ids.resize(limit - 1);
    ids.push_back(tokenizer.eos_id());
  }
  if (truncated) *truncated = cut;
  return at::tensor(ids, at::kLong).unsqueeze(0);  // [1, T]
}

}  // namespace partedit
