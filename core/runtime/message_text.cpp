#include "runtime/message_text.h"

#include <cstdint>
#include <cstdio>

namespace partedit {
namespace {

// Length of the valid UTF-8 sequence starting at text[i] (1..4), or 0 if it is invalid.
size_t utf8_sequence_length(std::string_view text, size_t i, uint32_t& code_point) {
  const auto byte = [&](size_t k) { return static_cast<uint8_t>(text[k]); };
  const uint8_t lead = byte(i);
  code_point = lead;
  if (lead < 0x80) return 1;
  const size_t length = lead >= 0xC2 && lead <= 0xDF ? 2 : lead >= 0xE0 && lead <= 0xEF ? 3 : lead >= 0xF0 && lead <= 0xF4 ? 4 : 0;
  if (length == 0) return 0;
  code_point = lead & (0x7F >> length);  // the payload bits of the lead byte
  if (i + length > text.size()) return 0;
  for (size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    code_point = (code_point << 6) | (byte(i + k) & 0x3F);
  }
  // Overlong forms, surrogates and values past U+10FFFF are not valid UTF-8.
  static constexpr uint32_t kMinimum[5] = {0, 0, 0x80, 0x800, 0x10000};
  if (code_point < kMinimum[length] || (code_point >= 0xD800 && code_point <= 0xDFFF) || code_point > 0x10FFFF)
    return 0;
  return length;
}

// Code points a terminal would act on rather than show: C1 controls, line/paragraph
// separators and the bidirectional overrides that reorder the text around them.
bool invisible_control(uint32_t c) {
  return (c >= 0x80 && c <= 0x9F) || c == 0x2028 || c == 0x2029 || (c >= 0x202A && c <= 0x202E) ||
         (c >= 0x2066 && c <= 0x2069);
}

void append_escaped_bytes(std::string& out, std::string_view bytes) {
  char buffer[8];
  for (const char ch : bytes) {
    std::snprintf(buffer, sizeof buffer, "\\x%02X", static_cast<unsigned>(static_cast<uint8_t>(ch)));
    out += buffer;
  }
}

}  // namespace

std::string printable_excerpt(std::string_view text, size_t max_chars) {
  std::string out;
  size_t characters = 0;
  for (size_t i = 0; i < text.size();) {
    uint32_t code_point = 0;
    const size_t length = utf8_sequence_length(text, i, code_point);
    const size_t step = length ? length : 1;  // an invalid byte counts as one character
    if (characters++ < max_chars) {
      const std::string_view piece = text.substr(i, step);
      if (length == 0 || invisible_control(code_point) || code_point == 0x7F) append_escaped_bytes(out, piece);
      else if (code_point == '\n') out += "\\n";
      else if (code_point == '\t') out += "\\t";
      else if (code_point == '\r') out += "\\r";
      else if (code_point < 0x20) append_escaped_bytes(out, piece);
      else out += piece;
    }
    i += step;
  }
  if (characters > max_chars) out += "...(" + std::to_string(characters) + " characters)";
  return out;
}

std::string capped_list(const std::vector<std::string>& items, size_t max_items) {
  constexpr size_t kMaxItemChars = 160;  // a name of 80 and what follows it (shard, shapes)
  std::string out;
  for (size_t i = 0; i < items.size() && i < max_items; ++i) {
    if (i) out += ", ";
    out += printable_excerpt(items[i], kMaxItemChars);
  }
  if (items.size() > max_items) out += " and " + std::to_string(items.size() - max_items) + " more";
  return out;
}

}  // namespace partedit
