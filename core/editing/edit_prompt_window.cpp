#include "editing/edit_prompt_window.h"

#include <algorithm>
#include <cctype>
#include <set>

#include <ATen/ATen.h>

#include "editing/prompt_mapping.h"
#include "pipeline/prompt_encoder.h"
#include "runtime/error.h"
#include "runtime/text.h"

namespace partedit {
namespace {

// For every word of `edit` (split on spaces): is it an edit word?
std::vector<bool> edit_word_flags(const ClipTokenizer& tokenizer, const std::string& source, const std::string& edit,
                                  std::optional<PromptToPrompt> p2p, const std::vector<std::string>& edit_words) {
  const auto words = split_on_spaces(edit), source_words = split_on_spaces(source);
  std::vector<bool> flags(words.size(), false);
  if (!edit_words.empty()) {
    const std::set<std::string> wanted(edit_words.begin(), edit_words.end());
    for (size_t w = 0; w < words.size(); ++w) flags[w] = wanted.count(words[w]) > 0;
    return flags;
  }
  // The default mode as the edit picks it (whitespace-separated word counts).
  const bool same_count = words.size() == source_words.size();
  const auto whitespace_words = [](const std::string& text) {
    size_t n = 0;
    bool in_word = false;
    for (unsigned char c : text) {
      n += !std::isspace(c) && !in_word;
      in_word = !std::isspace(c);
    }
    return n;
  };
  const bool replace_by_default = whitespace_words(source) == whitespace_words(edit);
  if (p2p.value_or(replace_by_default ? PromptToPrompt::Replace : PromptToPrompt::Refine) == PromptToPrompt::Replace &&
      same_count) {
    for (size_t w = 0; w < words.size(); ++w) flags[w] = words[w] != source_words[w];
    return flags;
  }
  // The refine alignment of the whole prompts (not truncated, unlike the one the edit runs
  // with): tokens of the edit prompt the source has no counterpart for.
  const auto length = static_cast<int64_t>(std::max(tokenizer.encode(source).size(), tokenizer.encode(edit).size()));
  const auto alphas = refine_mapper(tokenizer, source, edit, length).alphas;  // [length], 0 = inserted
  const auto a = alphas.accessor<float, 1>();
  const auto positions = all_word_token_positions(tokenizer, edit);
  for (size_t w = 0; w < words.size(); ++w)
    for (int64_t p : positions[w])
      if (p < length && a[p] == 0.0f) flags[w] = true;
  return flags;
}

std::string quoted_list(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "'" : ", '") + w + "'";
  return out;
}

}  // namespace

PromptLength prompt_length(const PromptEncoder& encoder, const std::string& text) {
  PromptLength length;
  length.window = encoder.max_length() - 2;  // the start and end marks take two of the ids
  for (const auto& tokenizer : encoder.tokenizers())
    length.tokens = std::max(length.tokens, static_cast<int64_t>(tokenizer.encode(text).size()) - 2);
  return length;
}

void check_edit_words_fit(const PromptEncoder& encoder, const std::string& source_prompt,
                          const std::string& edit_prompt, std::optional<PromptToPrompt> p2p,
                          const std::vector<std::string>& edit_words) {
  const PromptLength length = prompt_length(encoder, edit_prompt);
  if (length.tokens <= length.window) return;
  // Which words fall outside needs the prompts aligned and mapped (time and memory grow with
  // the square of their length: minutes for thousands of words); far past the window the
  // token count alone refuses the prompt.
  const int64_t mapped_limit = kEditPromptWindowsMapped * length.window;
  if (length.tokens > mapped_limit)
    throw Error("the edit prompt uses " + std::to_string(length.tokens) + " tokens, CLIP reads " +
                std::to_string(length.window) + ": far too long to edit (at most " + std::to_string(mapped_limit) +
                " tokens, with the edit words in the first " + std::to_string(length.window) +
                "); shorten the prompt");
  const auto words = split_on_spaces(edit_prompt);
  for (const auto& tokenizer : encoder.tokenizers()) {
    const auto flags = edit_word_flags(tokenizer, source_prompt, edit_prompt, p2p, edit_words);
    const auto word_positions = all_word_token_positions(tokenizer, edit_prompt);
    std::vector<std::string> outside;
    for (size_t w = 0; w < words.size(); ++w) {
      if (!flags[w]) continue;
      const auto& positions = word_positions[w];
      // Positions count the start mark: 1 .. window are read.
      const bool cut = std::any_of(positions.begin(), positions.end(), [&](int64_t p) { return p > length.window; });
      if (cut && std::find(outside.begin(), outside.end(), words[w]) == outside.end()) outside.push_back(words[w]);
    }
    if (outside.empty()) continue;
    const bool one = outside.size() == 1;
    throw Error("the edit prompt uses " + std::to_string(length.tokens) + " tokens, CLIP reads " +
                std::to_string(length.window) + ": the edit word" + (one ? " " : "s ") + quoted_list(outside) +
                (one ? " falls" : " fall") + " outside, so the edit would change nothing; shorten the prompt");
  }
}

std::string fit_prompt_to_window(const PromptEncoder& encoder, const std::string& prompt,
                                 const std::function<std::string(const std::string&)>& compose,
                                 size_t* dropped_words) {
  if (dropped_words) *dropped_words = 0;
  auto fits = [&](const std::string& p) {
    const PromptLength length = prompt_length(encoder, compose ? compose(p) : p);
    return length.tokens <= length.window;
  };
  if (fits(prompt)) return prompt;
  // Whole words from the end (split on any whitespace); at least one word stays.
  std::vector<size_t> word_ends;
  for (size_t i = 0; i < prompt.size(); ++i)
    if (!std::isspace(static_cast<unsigned char>(prompt[i])) &&
        (i + 1 == prompt.size() || std::isspace(static_cast<unsigned char>(prompt[i + 1]))))
      word_ends.push_back(i + 1);
  for (size_t keep = word_ends.size(); keep-- > 1;) {
    const std::string cut = prompt.substr(0, word_ends[keep - 1]);
    if (fits(cut)) {
      if (dropped_words) *dropped_words = word_ends.size() - keep;
      return cut;
    }
  }
  if (dropped_words) *dropped_words = word_ends.empty() ? 0 : word_ends.size() - 1;
  return word_ends.empty() ? prompt : prompt.substr(0, word_ends.front());
}

}  // namespace partedit
