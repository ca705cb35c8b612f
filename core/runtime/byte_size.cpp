#include "runtime/byte_size.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "runtime/error.h"

namespace partedit {

uint64_t parse_byte_size(const std::string& text, const std::string& what) {
  const auto fail = [&] {
    return Error(what + " must be a size such as 500M or 4G (K, M, G, T: powers of 1024), got '" +
                 text.substr(0, 40) + "'");
  };
  const char* begin = text.c_str();
  char* end = nullptr;
  if (text.empty() || !(std::isdigit(static_cast<unsigned char>(text[0])) || text[0] == '.')) throw fail();
  const double number = std::strtod(begin, &end);
  std::string unit(end);
  for (auto& c : unit) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (unit.size() > 1 && unit.back() == 'B') unit.pop_back();    // "MB", "MiB" -> "M", "Mi"
  if (unit.size() == 2 && unit[1] == 'I') unit.pop_back();        // "Mi" -> "M"
  static const std::string kUnits = "KMGT";
  double scale = 1;
  if (unit == "" || unit == "B") scale = 1;
  else if (unit.size() == 1 && kUnits.find(unit[0]) != std::string::npos)
    scale = std::pow(1024.0, double(kUnits.find(unit[0]) + 1));
  else throw fail();
  const double bytes = number * scale;
  if (!std::isfinite(bytes) || bytes < 0 || bytes >= 1.8e19) throw fail();
  return static_cast<uint64_t>(std::round(bytes));
}

std::string format_byte_size(uint64_t bytes) {
  if (bytes < 1024) return std::to_string(bytes) + " B";
  static const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB", "PiB"};
  double value = double(bytes) / 1024;
  int unit = 0;
  while (value >= 1024 && unit < 4) {
    value /= 1024;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, "%.1f %s", value, kUnits[unit]);
  return text;
}

}  // namespace partedit
