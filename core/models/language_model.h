#pragma once
// What a captioning model needs from its language model (BLIP-2: Flan-T5 or an OPT decoder): embed token ids, and decode one token at a time conditioned on
// a prefix of embeddings (the projected image queries and the prompt), with the model's
// key/value cache kept inside the session. Generation strategies (text_generation.h) only
// talk to these two interfaces.
#include <cstdint>
#include <memory>

#include <ATen/core/Tensor.h>

namespace partedit {

// One decoding run over N rows (batch × beams). Rows can be reordered or repeated between
// steps (beam search), which reorders the cache.
class DecodingSession {
 public:
  virtual ~DecodingSession() = default;
  // [N, L0] int64: the ids every output sequence starts with (T5: decoder_start_token_id;
  // decoder-only models: the prompt's ids).
  virtual at::Tensor prefix_ids() const = 0;
  // Logits for the first new token, [N, V] float32.
  virtual at::Tensor first_logits() = 0;
  // Appends `tokens` [N] int64 (the tokens just chosen) and returns the next logits [N, V].
  virtual at::Tensor next_logits(const at::Tensor& tokens) = 0;
  // Keeps the cache rows `rows` [N'] int64 (any order, repeats allowed): the new row i is old
  // row rows[i].
  virtual void select_rows(const at::Tensor& rows) = 0;
};

class CaptionLanguageModel {
 public:
  virtual ~CaptionLanguageModel() = default;
  virtual int64_t hidden_size() const = 0;  // width of the prefix embeddings
  virtual int64_t vocab_size() const = 0;   // rows of the output logits
  virtual int64_t eos_token_id() const = 0;
  virtual int64_t pad_token_id() const = 0;
  virtual at::Tensor embed_tokens(const at::Tensor& ids) = 0;  // [B, T] -> [B, T, D]
  // Starts decoding conditioned on inputs_embeds [B, L, D] with attention_mask [B, L]
  // (1 = attend; undefined = all ones). prompt_ids [B, T]: the ids embedded in the last T rows
  // (a decoder-only model's sequences continue them; an encoder-decoder ignores them).
  virtual std::unique_ptr<DecodingSession> start(const at::Tensor& inputs_embeds, const at::Tensor& attention_mask,
                                                 const at::Tensor& prompt_ids) = 0;
};

}  // namespace partedit
