#pragma once
// CLIP reads a prompt's first max_length - 2 tokens (75) and silently drops the rest. An edit
// whose edit words lie beyond that window would run to the end and change nothing (the edit
// path's conditioning equals the source's), so it is refused before any work; and a caption
// used as the source prompt is shortened so that the appended edit still fits.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "editing/part_edit_controller.h"

namespace partedit {

class PromptEncoder;

// How many windows long an edit prompt may be: a longer one is refused by its token count,
// before any word is mapped.
constexpr int64_t kEditPromptWindowsMapped = 4;

// Throws Error ("the edit prompt uses 82 tokens, CLIP reads 75: the edit words 'robotic',
// 'head' fall outside; shorten the prompt") when any token of an edit word lies outside the
// window of any of the encoder's tokenizers; and ("... far too long to edit (at most 300
// tokens ...)") from the token count alone for a prompt over kEditPromptWindowsMapped windows.
// The edit words are `edit_words` when given, else those the prompt-to-prompt mode `p2p`
// (nullopt: replace for prompts of equal word count, else refine) finds: the swapped words,
// or the words of the edit prompt the source does not align with (the appended "with a
// robotic head"), the untruncated prompts aligned.
void check_edit_words_fit(const PromptEncoder& encoder, const std::string& source_prompt,
                          const std::string& edit_prompt, std::optional<PromptToPrompt> p2p,
                          const std::vector<std::string>& edit_words);

// The tokens the encoder reads of `text` (the longest count over its tokenizers, without the
// start and end marks) and how many it can read (max_length - 2).
struct PromptLength {
  int64_t tokens = 0;
  int64_t window = 0;
};
PromptLength prompt_length(const PromptEncoder& encoder, const std::string& text);

// `prompt` cut after its last whole word for which compose(prompt) fits the window (at least
// one word is kept); `prompt` itself when it fits already. `dropped_words` gets how many
// words were cut.
std::string fit_prompt_to_window(const PromptEncoder& encoder, const std::string& prompt,
                                 const std::function<std::string(const std::string&)>& compose,
                                 size_t* dropped_words = nullptr);

}  // namespace partedit
