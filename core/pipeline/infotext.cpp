#include "pipeline/infotext.h"

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

namespace partedit {

namespace {

bool is_blank(const std::string& text) {
  return std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isspace(c); });
}

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

}  // namespace partedit
