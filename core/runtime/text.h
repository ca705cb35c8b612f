#pragma once
// Small text helpers every layer needs (ASCII only: the texts are file names, option values,
// prompts split on spaces; Unicode-aware processing lives in text/).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace partedit {

// A copy with the ASCII letters in lower case.
std::string lower_ascii(std::string text);
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

}  // namespace partedit
