#pragma once
// Token generation over a DecodingSession (models/language_model.h): greedy search and beam
// search as transformers' GenerationMixin does them (4.44: _sample without sampling,
// _beam_search with BeamSearchScorer), with the logits processors a caption needs:
// min_new_tokens, no_repeat_ngram_size, repetition_penalty.
#include <cstdint>
#include <vector>

#include <ATen/core/Tensor.h>

#include "models/language_model.h"
#include "runtime/cancel.h"

namespace partedit {

struct GenerationOptions {
  int64_t max_new_tokens = 20;
  int64_t min_new_tokens = 0;        // </s> forbidden before this many new tokens
  int64_t num_beams = 1;             // 1: greedy
  double length_penalty = 1.0;       // beam score = sum log p / generated_len ^ length_penalty
  bool early_stopping = false;       // beam search stops once num_beams hypotheses are finished
  int64_t no_repeat_ngram_size = 0;  // 0: off; n: no n-gram occurs twice in a sequence
  double repetition_penalty = 1.0;   // 1: off; CTRL-style penalty on tokens already generated
  bool keep_step_logits = false;     // greedy: return the raw logits of every step

  void validate() const;  // throws partedit::Error naming the option
};

struct GenerationOutput {
  at::Tensor sequences;    // [B, L] int64: the session's prefix, new tokens, </s>, then pad
  at::Tensor step_logits;  // greedy with keep_step_logits: [steps, B, V] float32
  std::vector<double> beam_scores;  // beam search: the chosen hypothesis' score per batch row
};

// `batch` rows of `session` (before any beam expansion). eos/pad from the language model.
GenerationOutput generate_tokens(DecodingSession& session, int64_t batch, int64_t eos_token_id, int64_t pad_token_id,
                                 const GenerationOptions& options, const CancelToken* cancel = nullptr);

// The logits processors in transformers' order (RepetitionPenalty, NoRepeatNGram,
// MinNewTokensLength) applied in place to scores [N, V] for the sequences so far (each
// starting with the prefix of length prefix_length).
void apply_logits_processors(at::Tensor& scores, const std::vector<std::vector<int64_t>>& sequences,
                             int64_t prefix_length, int64_t eos_token_id, const GenerationOptions& options);

}  // namespace partedit
