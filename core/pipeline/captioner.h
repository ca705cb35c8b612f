#pragma once
// Captioning a photo (algorithm.md §4 step 1, §6): the engine-side interface the real-photo
// pipeline calls, and its BLIP-2 implementation. Images arrive as tensors (reading files is
// the caller's business: io/image_io.h); preprocessing follows the model's
// preprocessor_config.json. Every torch call must come from the thread that runs the engine.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

#include "models/blip2/blip2_model.h"
#include "models/blip2/blip_image_processor.h"
#include "models/text_generation.h"
#include "runtime/cancel.h"
#include "runtime/compute.h"
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
  std::string prompt;             // "" = no prompt (the encoder input ends with </s> only)
  GenerationOptions generation;   // defaults below: greedy, up to 30 new tokens
  CaptionRequest() { generation.max_new_tokens = 30; }
};

struct CaptionTimings {
  double preprocess = 0;  // resize + normalise
  double generate = 0;    // vision, Q-Former, language model encoder and decoding
};

// A loaded BLIP-2 folder: model, T5 tokenizer and image processor configuration.
class Blip2CaptionModel {
 public:
  // folder: config.json, model*.safetensors, preprocessor_config.json, spiece.model (+
  // tokenizer_config.json). Throws partedit::Error naming the missing/broken file.
  static Blip2CaptionModel load(const std::filesystem::path& folder, const ComputeOptions& compute);

  // The prompt's ids (with </s>); throws when the prompt and the query tokens exceed the
  // tokenizer's model_max_length.
  std::vector<int64_t> prompt_ids(const std::string& prompt) const;
  // [3, H, W] or [B, 3, H, W] RGB in [0, 1] -> pixel_values [B, 3, S, S] on the model's device/dtype.
  at::Tensor preprocess(const at::Tensor& images_rgb01) const;
  // One caption per image of `images_rgb01`.
  std::vector<std::string> caption(const at::Tensor& images_rgb01, const CaptionRequest& request,
                                   const CancelToken* cancel = nullptr, CaptionTimings* timings = nullptr);

  Blip2ForConditionalGeneration& model() { return model_; }
  const T5Tokenizer& tokenizer() const { return tokenizer_; }
  const BlipImageProcessorConfig& processor() const { return processor_; }
  const ComputeOptions& compute() const { return compute_; }
  double load_seconds() const { return load_seconds_; }

 private:
  Blip2CaptionModel(Blip2ForConditionalGeneration model, T5Tokenizer tokenizer, BlipImageProcessorConfig processor,
                    ComputeOptions compute);
  Blip2ForConditionalGeneration model_;
  T5Tokenizer tokenizer_;
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
