#include "runtime/text.h"

#include <algorithm>
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

size_t edit_distance(std::string_view a, std::string_view b) {
  // Optimal string alignment: three rows of the Damerau-Levenshtein table.
  std::vector<size_t> before(b.size() + 1), previous(b.size() + 1), current(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        current[j] = std::min(current[j], before[j - 2] + 1);
    }
    std::swap(before, previous);
    std::swap(previous, current);
  }
  return previous[b.size()];
}

std::vector<std::string> closest_matches(std::string_view word, const std::vector<std::string>& candidates,
                                         size_t limit) {
  const std::string typed = lower_ascii(std::string(word));
  if (typed.empty()) return {};
  const size_t allowed = std::max<size_t>(1, typed.size() / 3);
  std::vector<std::pair<size_t, std::string>> near;  // (distance, candidate)
  for (const std::string& candidate : candidates) {
    const std::string lower = lower_ascii(candidate);
    size_t best = edit_distance(typed, lower);
    size_t start = 0;
    for (size_t dash = lower.find('-'); start <= lower.size(); dash = lower.find('-', start)) {
      const size_t end = dash == std::string::npos ? lower.size() : dash;
      if (end > start) best = std::min(best, edit_distance(typed, std::string_view(lower).substr(start, end - start)));
      if (dash == std::string::npos) break;
      start = dash + 1;
    }
    if (best <= allowed) near.emplace_back(best, candidate);
  }
  std::stable_sort(near.begin(), near.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  std::vector<std::string> out;
  for (size_t i = 0; i < near.size() && out.size() < limit; ++i) out.push_back(near[i].second);
  return out;
}

}  // namespace partedit
