#pragma once
// Small text helpers every layer needs (ASCII only: the texts are file names, option values,
// prompts split on spaces; Unicode-aware processing lives in text/).
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace partedit {

// A copy with the ASCII letters in lower case.
std::string lower_ascii(std::string text);
// The text without the spaces, tabs and line ends around it.
std::string trim(std::string_view text);
bool starts_with(std::string_view text, std::string_view start);
bool ends_with(std::string_view text, std::string_view end);
// True when the text is empty or only spaces, tabs and line ends.
bool is_blank(std::string_view text);
// The words of the text, split on whitespace.
std::vector<std::string> split_words(std::string_view text);
// Python's str.split(" "): the text between single spaces, so consecutive spaces give empty
// words (prompt positions count them as the reference does).
std::vector<std::string> split_on_spaces(std::string_view text);
// "W x H", how messages give an image size.
std::string size_text(int64_t width, int64_t height);
// The items with `separator` between them.
std::string join(const std::vector<std::string>& items, std::string_view separator);

// Edits (insertions, deletions, substitutions, swaps of neighbours) between two texts.
size_t edit_distance(std::string_view a, std::string_view b);
// The candidates a mistyped `word` most likely meant, nearest first (at most `limit`): those
// within a few edits of it (a third of its length, at least one), or one of whose
// '-'-separated words is ("hed" -> "human-head"). Case is ignored.
std::vector<std::string> closest_matches(std::string_view word, const std::vector<std::string>& candidates,
                                         size_t limit = 3);

// The number the whole text spells (spaces around it allowed), whatever the C locale:
// nullopt for anything else, out-of-range values and, for unsigned types, a minus sign.
template <typename Number>
std::optional<Number> parse_number(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return std::nullopt;
  text = text.substr(first, text.find_last_not_of(" \t") - first + 1);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);  // from_chars refuses it
  Number value{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace partedit
