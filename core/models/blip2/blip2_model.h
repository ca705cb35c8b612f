#pragma once
// BLIP-2 for captioning: transformers' Blip2ForConditionalGeneration (modeling_blip_2.py)
// with a Flan-T5 or an OPT language model. vision_model -> qformer(query_tokens) ->
// language_projection -> [projected queries ; embedded prompt] as the T5 encoder input (the
// decoder then starts from decoder_start_token_id) or as the OPT decoder's first input (the
// output continues the prompt, which starts with </s>) -> greedy / beam decoding.
// Keys: vision_model.*, query_tokens, qformer.*, language_projection.*, language_model.*
// (T5: shared, encoder, decoder, lm_head; OPT: model.decoder.*, lm_head when untied).
// The language model sits behind CaptionLanguageModel.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>
#include <c10/core/ScalarType.h>
#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

#include "models/blip2/blip2_qformer.h"
#include "models/blip2/blip2_vision.h"
#include "models/opt/opt_model.h"
#include "models/t5/t5_model.h"
#include "models/text_generation.h"
#include "nn/layers.h"

namespace partedit {

class JsonConfig;

// config.json of a Blip2ForConditionalGeneration folder. vision_config / qformer_config keys
// default as in transformers (save_pretrained omits defaults); text_config must name its
// model_type, "t5" or "opt" (transformers would silently assume OPT); qformer
// encoder_hidden_size is the vision hidden_size, as Blip2Config sets it.
struct Blip2Config {
  Blip2VisionConfig vision;
  Blip2QFormerConfig qformer;
  std::string text_model_type;  // "t5" | "opt"
  T5Config text;                // model_type "t5"
  OPTConfig opt;                // model_type "opt"
  int64_t num_query_tokens = 32;

  static Blip2Config from_json(const JsonConfig& cfg);
  bool decoder_only() const { return text_model_type == "opt"; }
  int64_t text_hidden_size() const { return decoder_only() ? opt.hidden_size : text.d_model; }
};

// The embeddings a language model is conditioned on.
struct Blip2Inputs {
  at::Tensor inputs_embeds;   // [B, Q + T, D]
  at::Tensor attention_mask;  // [B, Q + T] int64 (ones for the queries)
  at::Tensor input_ids;       // [B, T] int64: the prompt ids embedded in the last T rows
};

class Blip2ForConditionalGenerationImpl : public torch::nn::Module {
 public:
  explicit Blip2ForConditionalGenerationImpl(const Blip2Config& config);

  // 1. image features [B, 1 + P, Dv], 2. Q-Former query outputs [B, Q, Dq], 3. the
  // projection into the language model [B, Q, D].
  at::Tensor image_features(const at::Tensor& pixel_values);
  at::Tensor query_outputs(const at::Tensor& image_embeds);
  at::Tensor project(const at::Tensor& query_output);
  // [language_projection(qformer(vision(pixels))) ; embed(input_ids)]; input_ids [B, T] or
  // [1, T] (shared by the batch), attention_mask like input_ids or undefined (all ones).
  Blip2Inputs language_inputs(const at::Tensor& pixel_values, const at::Tensor& input_ids,
                              const at::Tensor& attention_mask = {});
  // Blip2ForConditionalGeneration.generate: sequences [B, L] of the decoder (T5: starting with
  // decoder_start_token_id; OPT: the prompt ids, then the new tokens).
  GenerationOutput generate(const at::Tensor& pixel_values, const at::Tensor& input_ids,
                            const GenerationOptions& options, const CancelToken* cancel = nullptr);

  const Blip2Config& config() const { return config_; }
  CaptionLanguageModel& language() { return *language_; }
  c10::Device device() const { return language_projection->weight.device(); }

  Blip2VisionModel vision_model{nullptr};
  at::Tensor query_tokens;  // [1, Q, Dq]
  Blip2QFormerModel qformer{nullptr};
  Linear language_projection{nullptr};
  // The language model, registered as "language_model": one of the two is set.
  T5ForConditionalGeneration language_model{nullptr};
  OPTForCausalLM opt_language_model{nullptr};

 private:
  Blip2Config config_;
  CaptionLanguageModel* language_ = nullptr;
};
TORCH_MODULE(Blip2ForConditionalGeneration);

// Reads folder/config.json and the folder's model*.safetensors (single or sharded) strictly;
// the module ends on `device` in `dtype`, in eval mode. Throws partedit::Error naming the
// file, key or tensor at fault.
Blip2ForConditionalGeneration load_blip2(const std::filesystem::path& folder, c10::Device device = c10::kCPU,
                                         c10::ScalarType dtype = c10::kFloat);

}  // namespace partedit
