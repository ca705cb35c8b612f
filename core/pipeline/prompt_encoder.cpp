#include "pipeline/prompt_encoder.h"

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include "runtime/elapsed.h"
#include "runtime/error.h"

namespace partedit {

class PromptEncoder::InUse {
 public:
  explicit InUse(const PromptEncoder& encoder) : encoder_(encoder) {
    if (encoder_.uses_++ > 0 || !encoder_.reload_) return;
    try {
      const auto start = std::chrono::steady_clock::now();
      for (size_t i = 0; i < encoder_.encoders_.size(); ++i)
        if (encoder_.encoders_[i].is_empty()) encoder_.encoders_[i] = encoder_.reload_(i);
      encoder_.reload_seconds_ += seconds_since(start);
    } catch (...) {
      release();
      throw;
    }
  }
  ~InUse() { release(); }
  InUse(const InUse&) = delete;
  InUse& operator=(const InUse&) = delete;

 private:
  void release() noexcept {
    if (--encoder_.uses_ > 0 || !encoder_.reload_) return;
    for (auto& e : encoder_.encoders_) e = CLIPTextModel(nullptr);
  }
  const PromptEncoder& encoder_;
};

PromptEncoder::PromptEncoder(std::vector<ClipTokenizer> tokenizers, std::vector<CLIPTextModel> encoders,
                             bool sdxl_style, bool force_zeros_for_empty_prompt)
    : tokenizers_(std::move(tokenizers)),
      encoders_(std::move(encoders)),
      sdxl_style_(sdxl_style),
      force_zeros_(force_zeros_for_empty_prompt) {
  const size_t n = encoders_.size();
  if (tokenizers_.size() != n)
    throw Error("prompt encoder: " + std::to_string(tokenizers_.size()) + " tokenizers for " + std::to_string(n) +
                " text encoders");
  if (sdxl_style_ ? (n < 1 || n > 2) : n != 1)
    throw Error(std::string("prompt encoder: ") + (sdxl_style_ ? "SDXL takes 1 or 2" : "SD 1.x/2.x takes 1") +
                " text encoders, got " + std::to_string(n));
  if (sdxl_style_ && !encoders_.back()->config().with_projection)
    throw Error("prompt encoder: SDXL's last text encoder must be a CLIPTextModelWithProjection (text_encoder_2)");
  for (size_t i = 0; i < n; ++i) {
    if (tokenizers_[i].max_length() != tokenizers_[0].max_length())
      throw Error("prompt encoder: the tokenizers disagree on model_max_length (" +
                  std::to_string(tokenizers_[0].max_length()) + " vs " + std::to_string(tokenizers_[i].max_length()) +
                  ")");
    if (tokenizers_[i].max_length() > encoders_[i]->config().max_position_embeddings)
      throw Error("prompt encoder: tokenizer model_max_length " + std::to_string(tokenizers_[i].max_length()) +
                  " exceeds the text encoder's max_position_embeddings " +
                  std::to_string(encoders_[i]->config().max_position_embeddings));
    if (tokenizers_[i].vocab_size() > encoders_[i]->config().vocab_size)
      throw Error("prompt encoder: tokenizer has " + std::to_string(tokenizers_[i].vocab_size()) +
                  " ids but the text encoder's vocab_size is " + std::to_string(encoders_[i]->config().vocab_size));
    configs_.push_back(encoders_[i]->config());
  }
}

void PromptEncoder::release_between_uses(EncoderLoader reload) {
  reload_ = std::move(reload);
  if (reload_ && uses_ == 0)
    for (auto& e : encoders_) e = CLIPTextModel(nullptr);
}

bool PromptEncoder::encoders_loaded() const {
  for (const auto& e : encoders_)
    if (e.is_empty()) return false;
  return true;
}

int64_t PromptEncoder::max_length() const { return tokenizers_[0].max_length(); }

int64_t PromptEncoder::embed_dim() const {
  int64_t d = 0;
  for (const auto& c : configs_) d += c.hidden_size;
  return sdxl_style_ ? d : configs_[0].hidden_size;
}

int64_t PromptEncoder::pooled_dim() const {
  if (!sdxl_style_) return 0;
  const auto& last = configs_.back();
  return last.with_projection ? last.projection_dim : last.hidden_size;
}

std::vector<std::vector<int64_t>> PromptEncoder::token_ids(const std::string& prompt) const {
  std::vector<std::vector<int64_t>> out;
  for (const auto& t : tokenizers_) out.push_back(t.encode_padded(prompt));
  return out;
}

at::Tensor PromptEncoder::ids_tensor(const std::vector<std::string>& prompts, size_t tokenizer) const {
  const int64_t B = int64_t(prompts.size()), L = max_length();
  auto ids = at::empty({B, L}, at::kLong);  // [B, L]
  auto* data = ids.data_ptr<int64_t>();
  for (int64_t b = 0; b < B; ++b) {
    const auto row = tokenizers_[tokenizer].encode_padded(prompts[size_t(b)]);
    std::copy(row.begin(), row.end(), data + b * L);
  }
  return ids;
}

TextConditioning PromptEncoder::encode_ids(const std::vector<at::Tensor>& ids) const {
  if (ids.size() != encoders_.size())
    throw Error("prompt encoder: " + std::to_string(ids.size()) + " id tensors for " +
                std::to_string(encoders_.size()) + " text encoders");
  c10::InferenceMode guard;
  const InUse in_use(*this);
  TextConditioning out;
  if (!sdxl_style_) {
    // StableDiffusionPipeline.encode_prompt: text_encoder(ids)[0], the final-normed state.
    CLIPTextModel encoder = encoders_[0];
    out.embeds = encoder(ids[0]).last_hidden_state;  // [B, L, D]
    return out;
  }
  // StableDiffusionXLPipeline.encode_prompt: hidden_states[-2] of each encoder, concatenated;
  // the pooled output of the last encoder.
  std::vector<at::Tensor> parts;
  for (size_t i = 0; i < encoders_.size(); ++i) {
    CLIPTextModel encoder = encoders_[i];
    auto o = encoder(ids[i]);
    parts.push_back(o.penultimate_hidden_state);  // [B, L, D_i]
    out.pooled = o.pooled;                        // [B, P]
  }
  out.embeds = parts.size() == 1 ? parts[0] : at::cat(parts, -1);  // [B, L, sum D_i]
  return out;
}

TextConditioning PromptEncoder::encode(const std::vector<std::string>& prompts) const {
  if (prompts.empty()) throw Error("prompt encoder: no prompts to encode");
  const InUse in_use(*this);
  std::vector<at::Tensor> ids;
  for (size_t i = 0; i < tokenizers_.size(); ++i) ids.push_back(ids_tensor(prompts, i));
  return encode_ids(ids);
}

TextConditioning PromptEncoder::encode_with_guidance(const std::vector<std::string>& prompts,
                                                     const std::string& negative) const {
  if (prompts.empty()) throw Error("prompt encoder: no prompts to encode");
  c10::InferenceMode guard;
  const InUse in_use(*this);
  const int64_t B = int64_t(prompts.size());
  const bool zero_negative = sdxl_style_ && force_zeros_ && negative.empty();
  // 1. one encoder pass: [negative, prompts...], or the prompts alone when zeroed
  std::vector<std::string> batch;
  if (!zero_negative) batch.push_back(negative);
  batch.insert(batch.end(), prompts.begin(), prompts.end());
  const auto both = encode(batch);
  const int64_t first = zero_negative ? 0 : 1;  // row of the first prompt in `both`
  TextConditioning cond, uncond;
  cond.embeds = both.embeds.narrow(0, first, B);                                // [B, L, D]
  if (both.pooled.defined()) cond.pooled = both.pooled.narrow(0, first, B);     // [B, P]
  // 2. unconditional half: zeros (force_zeros_for_empty_prompt) or the negative, once per prompt
  if (zero_negative) {
    uncond.embeds = at::zeros_like(cond.embeds);  // [B, L, D]
    uncond.pooled = at::zeros_like(cond.pooled);  // [B, P]
  } else {
    uncond.embeds = both.embeds.narrow(0, 0, 1).expand_as(cond.embeds);  // [B, L, D]
    if (both.pooled.defined()) uncond.pooled = both.pooled.narrow(0, 0, 1).expand_as(cond.pooled);  // [B, P]
  }
  // 3. batch = [uncond..., cond...]
  TextConditioning out;
  out.embeds = at::cat({uncond.embeds, cond.embeds}, 0);  // [2B, L, D]
  if (cond.pooled.defined()) out.pooled = at::cat({uncond.pooled, cond.pooled}, 0);  // [2B, P]
  return out;
}

}  // namespace partedit
