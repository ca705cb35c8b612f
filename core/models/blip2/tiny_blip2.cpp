#include "models/blip2/tiny_blip2.h"

#include <algorithm>

#include <ATen/ATen.h>

#include "io/json_config.h"
#include "models/blip2/blip2_model.h"
#include "models/blip2/blip_image_processor.h"
#include "models/tiny_model_parts.h"
#include "runtime/text.h"
#include "runtime/error.h"

namespace partedit {
namespace fs = std::filesystem;

TinyBlip2Options medium_blip2_options(uint64_t seed) {
  TinyBlip2Options o;
  o.vision_width = 384, o.vision_layers = 6, o.vision_heads = 6, o.vision_mlp = 1536;
  o.image_size = 224, o.patch_size = 14;
  o.qformer_width = 384, o.qformer_layers = 4, o.qformer_heads = 6, o.qformer_mlp = 1536, o.num_query_tokens = 32;
  o.d_model = 512, o.d_kv = 64, o.d_ff = 1024, o.t5_layers = 4, o.t5_heads = 8, o.vocab_size = 32128;
  o.seed = seed;
  return o;
}

namespace {

using tiny::write_json;

// Keys as transformers' save_pretrained writes them for a Flan-T5 BLIP-2 (defaults omitted in
// the vision and Q-Former sections; the text section complete).
nlohmann::json blip2_config(const TinyBlip2Options& o) {
  nlohmann::json c;
  c["architectures"] = {"Blip2ForConditionalGeneration"};
  c["model_type"] = "blip-2";
  c["num_query_tokens"] = o.num_query_tokens;
  c["is_encoder_decoder"] = true;
  c["tie_word_embeddings"] = false;
  c["torch_dtype"] = "float32";
  c["use_decoder_only_language_model"] = false;
  c["vision_config"] = {{"hidden_size", o.vision_width},       {"intermediate_size", o.vision_mlp},
                        {"num_hidden_layers", o.vision_layers}, {"num_attention_heads", o.vision_heads},
                        {"image_size", o.image_size},           {"patch_size", o.patch_size},
                        {"model_type", "blip_2_vision_model"}};
  c["qformer_config"] = {{"hidden_size", o.qformer_width},        {"intermediate_size", o.qformer_mlp},
                         {"num_hidden_layers", o.qformer_layers}, {"num_attention_heads", o.qformer_heads},
                         {"encoder_hidden_size", o.vision_width}, {"model_type", "blip_2_qformer"}};
  if (o.text_model == "opt") return c;  // the caller adds the OPT text_config
  c["text_config"] = {{"architectures", {"T5ForConditionalGeneration"}},
                      {"model_type", "t5"},
                      {"d_model", o.d_model},
                      {"d_kv", o.d_kv},
                      {"d_ff", o.d_ff},
                      {"num_layers", o.t5_layers},
                      {"num_decoder_layers", o.t5_layers},
                      {"num_heads", o.t5_heads},
                      {"vocab_size", o.vocab_size},
                      {"feed_forward_proj", "gated-gelu"},
                      {"dense_act_fn", "gelu_new"},
                      {"is_gated_act", true},
                      {"layer_norm_epsilon", 1e-6},
                      {"relative_attention_num_buckets", 32},
                      {"relative_attention_max_distance", 128},
                      {"tie_word_embeddings", false},
                      {"pad_token_id", 0},
                      {"eos_token_id", 1},
                      {"decoder_start_token_id", 0}};
  return c;
}

// The OPT variant (blip2-opt-2.7b's layout): a decoder-only language model, OPTConfig written
// completely, eos the "\n" token.
nlohmann::json blip2_opt_config(const TinyBlip2Options& o, int64_t eos_token_id) {
  auto c = blip2_config(o);
  c["is_encoder_decoder"] = false;
  c["use_decoder_only_language_model"] = true;
  c.erase("tie_word_embeddings");
  c["text_config"] = {{"architectures", {"OPTForCausalLM"}},
                      {"model_type", "opt"},
                      {"vocab_size", o.vocab_size},
                      {"hidden_size", o.opt_hidden},
                      {"word_embed_proj_dim", o.opt_hidden},
                      {"num_hidden_layers", o.opt_layers},
                      {"num_attention_heads", o.opt_heads},
                      {"ffn_dim", o.opt_ffn},
                      {"max_position_embeddings", o.opt_max_positions},
                      {"activation_function", "relu"},
                      {"do_layer_norm_before", true},
                      {"enable_bias", true},
                      {"layer_norm_elementwise_affine", true},
                      {"tie_word_embeddings", true},
                      {"prefix", "</s>"},
                      {"bos_token_id", 2},
                      {"eos_token_id", eos_token_id},
                      {"pad_token_id", 1}};
  return c;
}

nlohmann::json blip2_preprocessor_config(const TinyBlip2Options& o) {
  return {{"do_convert_rgb", true},
          {"do_normalize", true},
          {"do_rescale", true},
          {"do_resize", true},
          {"image_mean", kOpenAIClipMean},
          {"image_std", kOpenAIClipStd},
          {"image_processor_type", "BlipImageProcessor"},
          {"processor_class", "Blip2Processor"},
          {"resample", 3},
          {"rescale_factor", 1.0 / 255.0},
          {"size", {{"height", o.image_size}, {"width", o.image_size}}}};
}

// Norm weights one, biases zero, relative position biases N(0, 0.5), the rest N(0, 0.02),
// in the modules' registration order from one seeded generator.
void init_blip2_weights(torch::nn::Module& model, uint64_t seed) {
  at::manual_seed(seed);
  for (auto& p : model.named_parameters(/*recurse=*/true)) {
    const auto& name = p.key();
    at::Tensor t = p.value();
    const bool norm = name.find("layer_norm") != std::string::npos || name.find("LayerNorm") != std::string::npos ||
                      name.find("layernorm") != std::string::npos;
    if (norm && ends_with(name, "weight")) t.fill_(1.0);
    else if (ends_with(name, "bias") && name.find("relative_attention_bias") == std::string::npos) t.zero_();
    else if (name.find("relative_attention_bias") != std::string::npos) t.normal_(0.0, 0.5);
    else t.normal_(0.0, 0.02);
  }
}

}  // namespace

int64_t write_tiny_blip2(const fs::path& dir, const TinyBlip2Options& o) {
  if (o.image_size % o.patch_size != 0) throw Error("tiny BLIP-2: image_size must be a multiple of patch_size");
  if (o.text_model != "t5" && o.text_model != "opt")
    throw Error("tiny BLIP-2: text_model must be 't5' or 'opt', got '" + o.text_model + "'");
  fs::create_directories(dir);
  if (o.text_model == "opt") {
    // 4 specials + 256 byte symbols + merges fill the model's vocabulary at most
    if (o.vocab_size < 4 + 256) throw Error("tiny BLIP-2 OPT: vocab_size must be at least 260 (specials + bytes)");
    const auto vocab = tiny::learn_gpt2_vocabulary(size_t(o.vocab_size - 4 - 256));
    tiny::write_gpt2_tokenizer(dir, vocab);
    const int64_t eos = int64_t(std::find(vocab.tokens.begin(), vocab.tokens.end(), "\xC4\x8A") - vocab.tokens.begin());
    write_json(dir / "config.json", blip2_opt_config(o, eos));
    write_json(dir / "generation_config.json", {{"bos_token_id", 2}, {"eos_token_id", eos}, {"pad_token_id", 1}});
  } else {
    write_json(dir / "config.json", blip2_config(o));
    write_json(dir / "generation_config.json",
               {{"decoder_start_token_id", 0}, {"eos_token_id", 1}, {"pad_token_id", 0}});
  }
  write_json(dir / "preprocessor_config.json", blip2_preprocessor_config(o));
  // built from the written config, as a loader would, so every key of the module is present
  Blip2ForConditionalGeneration model(Blip2Config::from_json(JsonConfig::load(dir / "config.json")));
  c10::InferenceMode guard;
  init_blip2_weights(*model, o.seed);
  return tiny::write_parameters(dir / "model.safetensors", *model);
}

}  // namespace partedit
