#pragma once
// Captioning a photo (algorithm.md §4 step 1, §6): the engine-side interface the real-photo
// pipeline calls, and its BLIP-2 implementation. Images arrive as tensors (reading files is
// the caller's business: io/image_io.h); preprocessing follows the model's
// preprocessor_config.json. Every torch call must come from the thread that runs the engine.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

#include "models/blip2/blip2_model.h"
#include "models/blip2/blip_image_processor.h"
#include "models/text_generation.h"
#include "runtime/cancel.h"
#include "runtime/compute.h"
#include "text/gpt2_tokenizer.h"
#include "text/t5_tokenizer.h"

namespace partedit {

class CaptionProvider {
 public:
  virtual ~CaptionProvider() = default;
  // image_rgb01: [3, H, W] float RGB in [0, 1] (any device). Throws partedit::Error on a bad
  // image or model, CancelledError when `cancel` is set.
  virtual std::string caption(const at::Tensor& image_rgb01, const CancelToken& cancel) = 0;
};

struct CaptionRequest {
  std::string prompt;             // "" = no prompt (T5: the encoder input is </s>; OPT: the decoder starts at </s>)
  GenerationOptions generation;   // defaults below: greedy, up to 30 new tokens
  CaptionRequest() { generation.max_new_tokens = 30; }
};

struct CaptionTimings {
  double preprocess = 0;  // resize + normalise
  double generate = 0;    // vision, Q-Former, language model encoder and decoding
};

// The tokenizer of a BLIP-2 folder, picked by its text model: sentencepiece for Flan-T5
// (spiece.model), GPT-2 byte-level BPE for OPT (vocab.json, merges.txt).
class Blip2Tokenizer {
 public:
  // Throws partedit::Error naming the folder, its text model and the missing file.
  static Blip2Tokenizer load(const std::filesystem::path& folder, const Blip2Config& config);
  // T5: ids + </s>; OPT: </s> + ids (add_bos_token), or the text model's bos alone for "".
  std::vector<int64_t> encode(const std::string& prompt) const;
  // decode(skip_special_tokens=True), stripped of surrounding whitespace (OPT's eos is "\n").
  std::string decode(const std::vector<int64_t>& ids) const;
  int64_t model_max_length() const;  // 0: unset
  const T5Tokenizer* t5() const { return t5_ ? &*t5_ : nullptr; }
  const Gpt2Tokenizer* gpt2() const { return gpt2_ ? &*gpt2_ : nullptr; }

 private:
  std::optional<T5Tokenizer> t5_;
  std::optional<Gpt2Tokenizer> gpt2_;
  int64_t bos_id_ = -1;  // OPT: text_config.bos_token_id
};

// Checks, without reading weights, that `folder` looks like a loadable BLIP-2 folder:
// config.json (parsed), preprocessor_config.json and the tokenizer files of its text model.
// Throws partedit::Error naming the missing or broken file.
void check_blip2_folder(const std::filesystem::path& folder);

// A loaded BLIP-2 folder: model, tokenizer and image processor configuration.
class Blip2CaptionModel {
 public:
  // folder: config.json, model*.safetensors, preprocessor_config.json and the tokenizer of
  // the text model: spiece.model (+ tokenizer_config.json) for Flan-T5, vocab.json +
  // merges.txt (+ tokenizer_config.json / special_tokens_map.json) for OPT. Throws
  // partedit::Error naming the missing/broken file.
  static Blip2CaptionModel load(const std::filesystem::path& folder, const ComputeOptions& compute);

  // The prompt's ids (T5: with </s> last; OPT: </s> first); throws when the prompt and the
  // query tokens exceed the tokenizer's model_max_length or OPT's max_position_embeddings.
  std::vector<int64_t> prompt_ids(const std::string& prompt) const;
  // [3, H, W] or [B, 3, H, W] RGB in [0, 1] -> pixel_values [B, 3, S, S] on the model's device/dtype.
  at::Tensor preprocess(const at::Tensor& images_rgb01) const;
  // One caption per image of `images_rgb01`.
  std::vector<std::string> caption(const at::Tensor& images_rgb01, const CaptionRequest& request,
                                   const CancelToken* cancel = nullptr, CaptionTimings* timings = nullptr);

  Blip2ForConditionalGeneration& model() { return model_; }
  const Blip2Tokenizer& tokenizer() const { return tokenizer_; }
  const BlipImageProcessorConfig& processor() const { return processor_; }
  const ComputeOptions& compute() const { return compute_; }
  double load_seconds() const { return load_seconds_; }

 private:
  Blip2CaptionModel(Blip2ForConditionalGeneration model, Blip2Tokenizer tokenizer, BlipImageProcessorConfig processor,
                    ComputeOptions compute);
  Blip2ForConditionalGeneration model_;
  Blip2Tokenizer tokenizer_;
  BlipImageProcessorConfig processor_;
  ComputeOptions compute_;
  double load_seconds_ = 0;
};

// CaptionProvider over a BLIP-2 folder: loads the model on the first caption and releases it
// afterwards (blip2-flan-t5-xl has ~4B parameters) unless keep_loaded.
class Blip2Captioner : public CaptionProvider {
 public:
  Blip2Captioner(std::filesystem::path folder, ComputeOptions compute, CaptionRequest request = {},
                 bool keep_loaded = false);
  std::string caption(const at::Tensor& image_rgb01, const CancelToken& cancel) override;

  bool loaded() const { return model_ != nullptr; }
  void release() { model_.reset(); }
  const CaptionTimings& last_timings() const { return timings_; }
  double last_load_seconds() const { return load_seconds_; }  // 0 when the model was already loaded

 private:
  std::filesystem::path folder_;
  ComputeOptions compute_;
  CaptionRequest request_;
  bool keep_loaded_;
  std::unique_ptr<Blip2CaptionModel> model_;
  CaptionTimings timings_;
  double load_seconds_ = 0;
};

}  // namespace partedit
