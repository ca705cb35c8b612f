#pragma once
// Prompt-to-prompt token mappings between a source prompt and an edit prompt (Hertz et
// al.; the authors' release runs them inside every PartEdit edit, algorithm.md §3):
// which token positions belong to a word, the word-swap "replace" mapper, the alignment
// "refine" mapper, and the per-step cross-attention replacement schedule.
#include <map>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

#include "text/clip_tokenizer.h"

namespace partedit {

// Positions (in the bos-prefixed token sequence) of the tokens of the words of
// `text.split(' ')` at `word_index`, matching words to tokens by decoded lengths.
std::vector<int64_t> word_token_positions(const ClipTokenizer& tokenizer, const std::string& text,
                                          int64_t word_index);
// The positions of every word's tokens at once (entry w: word w of `text.split(' ')`), as
// word_token_positions gives them one word at a time, in one walk over the tokens.
std::vector<std::vector<int64_t>> all_word_token_positions(const ClipTokenizer& tokenizer, const std::string& text);
// Positions of every occurrence of `word` (exact match of a space-separated word).
std::vector<int64_t> word_token_positions(const ClipTokenizer& tokenizer, const std::string& text,
                                          const std::string& word);

// Word-swap mapper [max_len, max_len] for prompts with the same number of words: token i
// of the source feeds token j of the target. Swapped words of different token counts
// spread evenly (values rounded to float16 as the reference stores them).
at::Tensor replace_mapper(const ClipTokenizer& tokenizer, const std::string& source, const std::string& target,
                          int64_t max_len = 77);

// Alignment mapper for a target that adds words to the source: for each target position
// the source position it copies (`mapper`, int64 [max_len]) and whether it has one
// (`alphas`, float [max_len], 0 for inserted tokens).
struct RefineMapping {
  at::Tensor mapper;
  at::Tensor alphas;
};
RefineMapping refine_mapper(const ClipTokenizer& tokenizer, const std::string& source, const std::string& target,
                            int64_t max_len = 77);

// The words of `target` that differ from `source` under each mapper: the edit words whose
// attention is replaced only during the first part of the schedule.
std::vector<std::string> swapped_words(const std::string& source, const std::string& target);
std::vector<std::string> inserted_words(const ClipTokenizer& tokenizer, const std::string& source,
                                        const std::string& target);

// Cross-attention replacement schedule [steps + 1, max_len] for the target prompt: 1 where
// the target token takes the source's attention at that step. Every token for
// `default_fraction` of the steps, each word of `word_fractions` for its own fraction
// (P2P's get_time_words_attention_alpha with bounds (0, f)).
at::Tensor cross_replace_schedule(const ClipTokenizer& tokenizer, const std::string& target, int64_t steps,
                                  double default_fraction, const std::map<std::string, double>& word_fractions,
                                  int64_t max_len = 77);

}  // namespace partedit
