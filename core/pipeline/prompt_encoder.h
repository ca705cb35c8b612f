#pragma once
// Prompt encoding as diffusers' pipelines do it (algorithm.md §1):
// - SDXL style (StableDiffusionXLPipeline.encode_prompt): embeds = concat over features of
//   every encoder's penultimate hidden state (hidden_states[-2]); pooled = the last encoder's
//   projected pooled state (text_embeds). With force_zeros_for_empty_prompt an empty negative
//   prompt gives zero embeds and zero pooled.
// - SD 1.x/2.x style (StableDiffusionPipeline.encode_prompt): embeds = the final-layer-normed
//   last hidden state of the one encoder; no pooled; an empty negative is the encoding of "".
// All sequences are padded/truncated to the tokenizers' max_length (77).
// Results are inference tensors (computed under c10::InferenceMode) on the encoders' device
// and dtype: clone() them outside InferenceMode before they take part in autograd.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

#include "models/clip/clip_text_model.h"
#include "text/clip_tokenizer.h"

namespace partedit {

struct TextConditioning {
  at::Tensor embeds;  // [B, 77, D] (D = 2048 for SDXL: 768 + 1280)
  at::Tensor pooled;  // [B, P] (SDXL: P = 1280); undefined for SD 1.x/2.x
};

class PromptEncoder {
 public:
  // sdxl_style: tokenizers[i] feeds encoders[i]; 1 or 2 pairs, the last encoder with a
  // projection (CLIPTextModelWithProjection). Otherwise exactly one pair.
  // force_zeros_for_empty_prompt: model_index.json's flag; used only in SDXL style.
  PromptEncoder(std::vector<ClipTokenizer> tokenizers, std::vector<CLIPTextModel> encoders, bool sdxl_style,
                bool force_zeros_for_empty_prompt);

  // Lets the encoder free its text encoders' weights after each encoding and load them again
  // through `reload` at the next one (ModelLoadOptions::release_text_encoders): SDXL's two
  // weigh 1.6 GB in bf16 and are idle while the UNet denoises. Frees them now.
  using EncoderLoader = std::function<CLIPTextModel(size_t index)>;
  void release_between_uses(EncoderLoader reload);
  bool releases_between_uses() const { return static_cast<bool>(reload_); }
  bool encoders_loaded() const;
  double reload_seconds() const { return reload_seconds_; }  // spent loading them again, all encodings

  // Conditioning of the prompts, no classifier-free guidance: batch B = prompts.size().
  TextConditioning encode(const std::vector<std::string>& prompts) const;
  // The batch [uncond x B, cond x B] for classifier-free guidance; `negative` is shared by
  // all prompts ("" = no negative prompt).
  TextConditioning encode_with_guidance(const std::vector<std::string>& prompts, const std::string& negative) const;
  // Conditioning of already tokenised prompts: ids[i] is [B, max_length] int64 for tokenizer i.
  TextConditioning encode_ids(const std::vector<at::Tensor>& ids) const;

  // Padded ids of `prompt` for each tokenizer (what encode() feeds the encoders).
  std::vector<std::vector<int64_t>> token_ids(const std::string& prompt) const;

  const std::vector<ClipTokenizer>& tokenizers() const { return tokenizers_; }
  bool sdxl_style() const { return sdxl_style_; }
  int64_t max_length() const;
  int64_t embed_dim() const;   // D of `embeds`
  int64_t pooled_dim() const;  // P of `pooled`; 0 for SD 1.x/2.x

 private:
  at::Tensor ids_tensor(const std::vector<std::string>& prompts, size_t tokenizer) const;  // [B, L]
  // Loads released encoders on entry of the outermost encoding call, frees them on its exit.
  class InUse;

  std::vector<ClipTokenizer> tokenizers_;
  mutable std::vector<CLIPTextModel> encoders_;  // empty holders while released
  std::vector<CLIPTextConfig> configs_;
  EncoderLoader reload_;
  mutable int uses_ = 0;
  mutable double reload_seconds_ = 0;
  bool sdxl_style_;
  bool force_zeros_;
};

}  // namespace partedit
