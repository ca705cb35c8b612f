#include "pipeline/infotext.h"
#include "runtime/text.h"

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

namespace partedit {

namespace {

std::string settings_line(const std::vector<InfotextSetting>& settings) {
  std::string line;
  for (const auto& s : settings) line += (line.empty() ? "" : ", ") + s.key + ": " + s.value;
  return line;
}

}  // namespace

std::string infotext_text(const std::string& text) {
  // json.dumps(text, ensure_ascii=False); invalid UTF-8 becomes U+FFFD rather than an exception.
  return nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string infotext_value(const std::string& value) {
  const bool needs_quotes = value.find_first_of(",\n:") != std::string::npos || (!value.empty() && value[0] == '"');
  return needs_quotes ? infotext_text(value) : value;
}

std::string infotext_list(const std::vector<std::string>& items) {
  std::string joined;
  for (const auto& item : items) joined += (joined.empty() ? "" : ", ") + item;
  return infotext_text(joined);
}

std::string format_infotext(const std::string& prompt, const std::string& negative,
                            const std::vector<InfotextSetting>& settings) {
  std::string text = prompt + "\n";
  if (!is_blank(negative)) text += "Negative prompt: " + negative + "\n";
  return text + settings_line(settings);
}

std::string append_infotext_settings(const std::string& text, const std::vector<InfotextSetting>& more) {
  if (more.empty()) return text;
  const std::string line = settings_line(more);
  const bool empty_last_line = text.empty() || text.back() == '\n';
  return text + (empty_last_line ? "" : ", ") + line;
}

namespace {

// "Key: value" pairs split on ", " outside quoted values. A value is quoted (a JSON string)
// when it starts with '"', as A1111's reader takes it; its escapes are skipped whole, so that
// an escaped backslash before the closing quote ("C:\\dir\\") ends it. A '"' inside an
// unquoted value (A1111 leaves `a "b" c` unquoted) is an ordinary character.
std::vector<InfotextSetting> parse_settings_line(const std::string& line) {
  std::vector<InfotextSetting> out;
  std::vector<std::string> pairs(1);
  bool in_value = false, quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    std::string& pair = pairs.back();
    if (quoted) {
      pair += c;
      if (c == '\\' && i + 1 < line.size()) pair += line[++i];
      else if (c == '"') quoted = false;
      continue;
    }
    if (c == ',' && i + 1 < line.size() && line[i + 1] == ' ') {
      pairs.emplace_back();
      in_value = false;
      ++i;
      continue;
    }
    pair += c;
    if (!in_value && c == ' ' && pair.size() >= 2 && pair[pair.size() - 2] == ':') {  // the key's ": "
      in_value = true;
      if (i + 1 < line.size() && line[i + 1] == '"') {
        quoted = true;
        pair += line[++i];
      }
    }
  }
  for (const auto& pair : pairs) {
    const size_t colon = pair.find(": ");
    if (colon == std::string::npos) continue;
    std::string value = pair.substr(colon + 2);
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      const auto parsed = nlohmann::json::parse(value, nullptr, false);
      if (parsed.is_string()) value = parsed.get<std::string>();
    }
    out.push_back({pair.substr(0, colon), value});
  }
  return out;
}

// Our settings lines (and A1111's) always hold the Steps pair.
bool looks_like_settings(const std::string& line) { return line.find("Steps: ") != std::string::npos; }

}  // namespace

const std::string* ParsedInfotext::find(const std::string& key) const {
  for (const auto& s : settings)
    if (s.key == key) return &s.value;
  return nullptr;
}

ParsedInfotext parse_infotext(const std::string& text) {
  ParsedInfotext out;
  std::vector<std::string> lines;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t end = text.find('\n', start);
    lines.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  while (!lines.empty() && is_blank(lines.back())) lines.pop_back();
  if (!lines.empty() && looks_like_settings(lines.back())) {
    out.settings = parse_settings_line(lines.back());
    lines.pop_back();
  }
  const std::string negative_mark = "Negative prompt: ";
  std::string prompt;
  bool in_negative = false;
  for (const auto& line : lines) {
    if (!in_negative && line.rfind(negative_mark, 0) == 0) {
      in_negative = true;
      out.negative = line.substr(negative_mark.size());
      continue;
    }
    std::string& target = in_negative ? out.negative : prompt;
    if (!target.empty()) target += "\n";
    target += line;
  }
  out.prompt = prompt;
  return out;
}

}  // namespace partedit
