#include "runtime/text.h"

#include <cctype>

namespace partedit {
namespace {

bool is_space_char(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

}  // namespace

std::string lower_ascii(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::string trim(std::string_view text) {
  size_t first = 0, last = text.size();
  while (first < last && is_space_char(text[first])) ++first;
  while (last > first && is_space_char(text[last - 1])) --last;
  return std::string(text.substr(first, last - first));
}

bool starts_with(std::string_view text, std::string_view start) { return text.substr(0, start.size()) == start; }

bool ends_with(std::string_view text, std::string_view end) {
  return text.size() >= end.size() && text.substr(text.size() - end.size()) == end;
}

bool is_blank(std::string_view text) {
  for (char c : text)
    if (!is_space_char(c)) return false;
  return true;
}

std::vector<std::string> split_words(std::string_view text) {
  std::vector<std::string> words;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && is_space_char(text[i])) ++i;
    const size_t start = i;
    while (i < text.size() && !is_space_char(text[i])) ++i;
    if (i > start) words.emplace_back(text.substr(start, i - start));
  }
  return words;
}

std::vector<std::string> split_on_spaces(std::string_view text) {
  std::vector<std::string> words(1);
  for (char c : text) {
    if (c == ' ')
      words.emplace_back();
    else
      words.back() += c;
  }
  return words;
}

std::string size_text(int64_t width, int64_t height) { return std::to_string(width) + " x " + std::to_string(height); }

std::string join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += separator;
    out += items[i];
  }
  return out;
}

}  // namespace partedit
