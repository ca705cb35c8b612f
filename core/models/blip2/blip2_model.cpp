#include "models/blip2/blip2_model.h"

#include <ATen/ATen.h>

#include "io/json_config.h"
#include "io/weights.h"
#include "runtime/error.h"

namespace partedit {
namespace fs = std::filesystem;

Blip2Config Blip2Config::from_json(const JsonConfig& cfg) {
  Blip2Config c;
  c.vision = Blip2VisionConfig::from_json(cfg.section("vision_config", false));
  c.qformer = Blip2QFormerConfig::from_json(cfg.section("qformer_config", false));
  c.qformer.encoder_hidden_size = c.vision.hidden_size;  // Blip2Config.__init__ does the same
  c.num_query_tokens = cfg.get_or<int64_t>("num_query_tokens", 32);
  if (c.num_query_tokens < 1) throw Error("config key 'num_query_tokens' in " + cfg.source().string() + " must be positive");
  const auto text = cfg.section("text_config", true);
  c.text_model_type = text.get<std::string>("model_type");
  if (c.text_model_type == "t5") {
    c.text = T5Config::from_json(text);
  } else if (c.text_model_type == "opt") {
    c.opt = OPTConfig::from_json(text);
    // language_projection outputs hidden_size and the token embeddings are word_embed_proj_dim
    // wide: transformers' BLIP-2 concatenates the two, so they must agree
    if (c.opt.word_embed_proj_dim != c.opt.hidden_size)
      throw Error("config key 'text_config.word_embed_proj_dim' in " + cfg.source().string() + " (" +
                  std::to_string(c.opt.word_embed_proj_dim) + ") differs from hidden_size (" +
                  std::to_string(c.opt.hidden_size) + "); BLIP-2 needs them equal");
  } else {
    throw Error("config key 'text_config.model_type' in " + cfg.source().string() + " is '" + c.text_model_type +
                "'; BLIP-2 captions with Flan-T5 ('t5') or OPT ('opt') language models");
  }
  return c;
}

Blip2ForConditionalGenerationImpl::Blip2ForConditionalGenerationImpl(const Blip2Config& c)
    : vision_model(register_module("vision_model", Blip2VisionModel(c.vision))),
      qformer(register_module("qformer", Blip2QFormerModel(c.qformer))),
      language_projection(
          register_module("language_projection", Linear(c.qformer.hidden_size, c.text_hidden_size()))),
      config_(c) {
  query_tokens = register_parameter("query_tokens", at::empty({1, c.num_query_tokens, c.qformer.hidden_size}));
  if (c.decoder_only()) {
    opt_language_model = register_module("language_model", OPTForCausalLM(c.opt));
    language_ = opt_language_model.get();
  } else {
    language_model = register_module("language_model", T5ForConditionalGeneration(c.text));
    language_ = language_model.get();
  }
}

at::Tensor Blip2ForConditionalGenerationImpl::image_features(const at::Tensor& pixel_values) {
  return vision_model(pixel_values);  // [B, 1 + P, Dv]
}

at::Tensor Blip2ForConditionalGenerationImpl::query_outputs(const at::Tensor& image_embeds) {
  return qformer(query_tokens.expand({image_embeds.size(0), -1, -1}), image_embeds);  // [B, Q, Dq]
}

at::Tensor Blip2ForConditionalGenerationImpl::project(const at::Tensor& query_output) {
  return language_projection(query_output);  // [B, Q, D]
}

Blip2Inputs Blip2ForConditionalGenerationImpl::language_inputs(const at::Tensor& pixel_values,
                                                                const at::Tensor& input_ids,
                                                                const at::Tensor& attention_mask) {
  if (input_ids.dim() != 2 || input_ids.size(1) < 1)
    throw Error("BLIP-2: input_ids must be [B, T] with T >= 1 (the tokenised prompt, at least </s>), got " +
                c10::str(input_ids.sizes()));
  // 1. vision, 2. Q-Former on the learned queries, 3. projection
  const auto projected = project(query_outputs(image_features(pixel_values)));  // [B, Q, D]
  const int64_t B = projected.size(0), Q = projected.size(1);
  if (input_ids.size(0) != B && input_ids.size(0) != 1)
    throw Error("BLIP-2: input_ids has " + std::to_string(input_ids.size(0)) + " rows for " + std::to_string(B) +
                " images");
  // 4. [queries ; prompt embeddings] with an all-ones query mask (token embeddings not scaled)
  const auto ids = input_ids.to(device(), at::kLong).expand({B, -1});                    // [B, T]
  const auto text = language_->embed_tokens(ids).to(projected.scalar_type());            // [B, T, D]
  auto mask = attention_mask.defined() ? attention_mask.to(device(), at::kLong).expand({B, -1})
                                       : at::ones_like(ids);                              // [B, T]
  Blip2Inputs out;
  out.inputs_embeds = at::cat({projected, text}, 1);                                     // [B, Q + T, D]
  out.attention_mask = at::cat({at::ones({B, Q}, mask.options()), mask}, 1);              // [B, Q + T]
  out.input_ids = ids;
  return out;
}

GenerationOutput Blip2ForConditionalGenerationImpl::generate(const at::Tensor& pixel_values,
                                                             const at::Tensor& input_ids,
                                                             const GenerationOptions& options,
                                                             const CancelToken* cancel) {
  options.validate();
  const auto inputs = language_inputs(pixel_values, input_ids);
  if (cancel) cancel->throw_if_cancelled();
  auto session = language_->start(inputs.inputs_embeds, inputs.attention_mask, inputs.input_ids);
  return generate_tokens(*session, inputs.inputs_embeds.size(0), language_->eos_token_id(), language_->pad_token_id(),
                         options, cancel);
}

Blip2ForConditionalGeneration load_blip2(const fs::path& folder, c10::Device device, c10::ScalarType dtype) {
  if (!fs::is_directory(folder)) throw Error("BLIP-2 model folder " + folder.string() + " does not exist");
  const auto config_path = folder / "config.json";
  if (!fs::is_regular_file(config_path)) throw Error("BLIP-2 model folder " + folder.string() + " has no config.json");
  auto config = Blip2Config::from_json(JsonConfig::load(config_path));
  const auto weights = WeightSet::open_folder(folder, "model", /*prefer_fp16=*/dtype == c10::kHalf);
  // LAVIS-style checkpoints keep q_bias / v_bias apart from the fused qkv weight.
  config.vision.separate_qv_bias = weights.contains("vision_model.encoder.layers.0.self_attn.q_bias");
  Blip2ForConditionalGeneration model(config);
  model->to(device, dtype);
  // T5: the stacks' embed_tokens alias shared.weight; a tied lm_head (T5 or OPT) aliases the
  // input embeddings, and checkpoints may or may not carry it.
  std::vector<std::string> ignore;
  if (config.decoder_only()) {
    if (config.opt.tie_word_embeddings) ignore.push_back("language_model.lm_head.weight");
  } else {
    for (const auto& key : t5_aliased_keys()) ignore.push_back("language_model." + key);
    if (config.text.tie_word_embeddings) ignore.push_back("language_model.lm_head.weight");
  }
  load_weights(*model, weights, ignore);
  model->eval();
  return model;
}

}  // namespace partedit
