#include "text/unicode.h"

#include <algorithm>
#include <cstdio>
#include <unordered_map>

#include "runtime/error.h"

namespace partedit::unicode {
namespace {

using detail::Table;

bool in_ranges(const Table<detail::CodeRange>& t, char32_t cp) {
  const auto* end = t.data + t.size;
  // First range whose last >= cp.
  const auto* it = std::lower_bound(
      t.data, end, cp, [](const detail::CodeRange& r, char32_t c) { return r.last < c; });
  return it != end && it->first <= cp;
}

// Hangul syllable arithmetic (Unicode 3.12, "Conjoining Jamo Behavior").
constexpr char32_t kSBase = 0xAC00, kLBase = 0x1100, kVBase = 0x1161, kTBase = 0x11A7;
constexpr char32_t kLCount = 19, kVCount = 21, kTCount = 28;
constexpr char32_t kNCount = kVCount * kTCount, kSCount = kLCount * kNCount;

const detail::Decomposition* find_decomposition(char32_t cp) {
  const auto& t = detail::kDecomposition;
  const auto* end = t.data + t.size;
  const auto* it = std::lower_bound(
      t.data, end, cp, [](const detail::Decomposition& d, char32_t c) { return d.cp < c; });
  return (it != end && it->cp == cp) ? it : nullptr;
}

void decompose_into(char32_t cp, std::u32string& out) {
  if (cp >= kSBase && cp < kSBase + kSCount) {
    const char32_t s = cp - kSBase;
    out.push_back(kLBase + s / kNCount);
    out.push_back(kVBase + (s % kNCount) / kTCount);
    if (s % kTCount != 0) out.push_back(kTBase + s % kTCount);
    return;
  }
  const auto* d = find_decomposition(cp);
  if (d == nullptr) {
    out.push_back(cp);
    return;
  }
  decompose_into(d->first, out);
  if (d->second != 0) decompose_into(d->second, out);
}

// Primary composite of (a, b), or 0.
char32_t compose_pair(char32_t a, char32_t b) {
  if (a >= kLBase && a < kLBase + kLCount && b >= kVBase && b < kVBase + kVCount) {
    return kSBase + ((a - kLBase) * kVCount + (b - kVBase)) * kTCount;
  }
  if (a >= kSBase && a < kSBase + kSCount && (a - kSBase) % kTCount == 0 && b > kTBase &&
      b < kTBase + kTCount) {
    return a + (b - kTBase);
  }
  // Built once; function-local statics are initialised thread-safely.
  static const std::unordered_map<std::uint64_t, char32_t> pairs = [] {
    std::unordered_map<std::uint64_t, char32_t> m;
    const auto& t = detail::kDecomposition;
    for (std::size_t i = 0; i < t.size; ++i) {
      if (t.data[i].composes) {
        m.emplace((std::uint64_t(t.data[i].first) << 21) | t.data[i].second, t.data[i].cp);
      }
    }
    return m;
  }();
  const auto it = pairs.find((std::uint64_t(a) << 21) | b);
  return it == pairs.end() ? 0 : it->second;
}

char32_t simple_lower(char32_t cp) {
  if (cp < 0x80) return (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp;
  const auto& t = detail::kLowerRuns;
  const auto* end = t.data + t.size;
  const auto* it = std::lower_bound(
      t.data, end, cp, [](const detail::CaseRun& r, char32_t c) { return r.last < c; });
  if (it == end || it->first > cp || (cp - it->first) % it->stride != 0) return cp;
  return char32_t(std::int64_t(cp) + it->delta);
}

// CPython's Final_Sigma test: cased (case-ignorable)* SIGMA !((case-ignorable)* cased).
bool is_final_sigma(std::u32string_view text, std::size_t i) {
  auto cased = [](char32_t c) { return in_ranges(detail::kCased, c); };
  auto ignorable = [](char32_t c) { return in_ranges(detail::kCaseIgnorable, c); };
  std::size_t j = i;
  while (j > 0 && ignorable(text[j - 1])) --j;
  if (j == 0 || !cased(text[j - 1])) return false;
  std::size_t k = i + 1;
  while (k < text.size() && ignorable(text[k])) ++k;
  return k == text.size() || !cased(text[k]);
}

[[noreturn]] void throw_bad_utf8(const std::string& what, std::size_t offset, unsigned char byte) {
  char buf[160];
  std::snprintf(buf, sizeof buf, "%s is not valid UTF-8 (byte 0x%02X at offset %zu)", what.c_str(),
                unsigned(byte), offset);
  throw Error(buf);
}

// Length of the valid UTF-8 sequence at bytes[i], or the length (>= 1) of the maximal invalid
// subpart to replace, negated. Table 3-7 of the Unicode standard.
int utf8_sequence(std::string_view bytes, std::size_t i, char32_t& cp) {
  const auto b0 = static_cast<unsigned char>(bytes[i]);
  if (b0 < 0x80) {
    cp = b0;
    return 1;
  }
  int len = 0;
  unsigned char lo = 0x80, hi = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
    cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    cp = b0 & 0x0F;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    cp = b0 & 0x07;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    return -1;
  }
  for (int k = 1; k < len; ++k) {
    if (i + k >= bytes.size()) return -k;
    const auto b = static_cast<unsigned char>(bytes[i + k]);
    if (b < lo || b > hi) return -k;
    lo = 0x80;
    hi = 0xBF;
    cp = (cp << 6) | (b & 0x3F);
  }
  return len;
}

}  // namespace

std::u32string decode_utf8(std::string_view text, const std::string& what) {
  std::u32string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    char32_t cp = 0;
    const int n = utf8_sequence(text, i, cp);
    if (n < 0) throw_bad_utf8(what, i, static_cast<unsigned char>(text[i]));
    out.push_back(cp);
    i += std::size_t(n);
  }
  return out;
}

std::u32string decode_utf8_lenient(std::string_view bytes) {
  std::u32string out;
  out.reserve(bytes.size());
  for (std::size_t i = 0; i < bytes.size();) {
    char32_t cp = 0;
    const int n = utf8_sequence(bytes, i, cp);
    out.push_back(n < 0 ? char32_t(0xFFFD) : cp);
    i += std::size_t(n < 0 ? -n : n);
  }
  return out;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(char(cp));
  } else if (cp < 0x800) {
    out.push_back(char(0xC0 | (cp >> 6)));
    out.push_back(char(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(char(0xE0 | (cp >> 12)));
    out.push_back(char(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(char(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(char(0xF0 | (cp >> 18)));
    out.push_back(char(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(char(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(char(0x80 | (cp & 0x3F)));
  }
}

std::string encode_utf8(std::u32string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char32_t cp : text) append_utf8(out, cp);
  return out;
}

bool is_letter(char32_t cp) {
  if (cp < 0x80) return (cp | 0x20) >= 'a' && (cp | 0x20) <= 'z';
  return in_ranges(detail::kLetter, cp);
}
bool is_number(char32_t cp) {
  if (cp < 0x80) return cp >= '0' && cp <= '9';
  return in_ranges(detail::kNumber, cp);
}
bool is_other(char32_t cp) { return in_ranges(detail::kOther, cp); }
bool is_space_separator(char32_t cp) { return in_ranges(detail::kSpaceSeparator, cp); }
bool is_python_space(char32_t cp) { return in_ranges(detail::kPythonSpace, cp); }

bool is_white_space(char32_t cp) {
  // The White_Space property (PropList.txt); stable since Unicode 6.3.
  return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
         cp == 0x205F || cp == 0x3000;
}

int combining_class(char32_t cp) {
  if (cp < 0x300) return 0;
  const auto& t = detail::kCombiningClass;
  const auto* end = t.data + t.size;
  const auto* it = std::lower_bound(
      t.data, end, cp, [](const detail::CombiningRun& r, char32_t c) { return r.last < c; });
  return (it != end && it->first <= cp) ? it->ccc : 0;
}

std::u32string to_lower(std::u32string_view text) {
  std::u32string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char32_t cp = text[i];
    if (cp == 0x03A3) {  // GREEK CAPITAL LETTER SIGMA: final or medial form by context
      out.push_back(is_final_sigma(text, i) ? 0x03C2 : 0x03C3);
      continue;
    }
    if (cp >= 0x80) {
      const auto& s = detail::kSpecialLower;
      const auto* hit = std::find_if(s.data, s.data + s.size,
                                     [cp](const detail::SpecialLower& e) { return e.cp == cp; });
      if (hit != s.data + s.size) {
        for (char32_t c : hit->lower) {
          if (c != 0) out.push_back(c);
        }
        continue;
      }
    }
    out.push_back(simple_lower(cp));
  }
  return out;
}

std::u32string nfc(std::u32string_view text) {
  // Nothing below U+0300 decomposes into something that recomposes differently, and nothing
  // below U+0300 combines with a preceding character.
  if (std::all_of(text.begin(), text.end(), [](char32_t c) { return c < 0x300; })) {
    return std::u32string(text);
  }
  // 1. Full canonical decomposition.
  std::u32string d;
  d.reserve(text.size() + 8);
  for (char32_t cp : text) decompose_into(cp, d);
  // 2. Canonical ordering: stable sort of every run of non-starters by combining class.
  for (std::size_t i = 0; i < d.size();) {
    if (combining_class(d[i]) == 0) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < d.size() && combining_class(d[j]) != 0) ++j;
    std::stable_sort(
        d.begin() + std::ptrdiff_t(i), d.begin() + std::ptrdiff_t(j),
        [](char32_t a, char32_t b) { return combining_class(a) < combining_class(b); });
    i = j;
  }
  // 3. Canonical composition (UAX #15): a character combines with the last starter unless a
  // character in between is a starter or has a class >= its own.
  std::u32string out;
  out.reserve(d.size());
  std::ptrdiff_t starter = -1;
  int last_ccc = -1;  // class of the last character kept after the starter; -1 if none
  for (char32_t c : d) {
    const int ccc = combining_class(c);
    if (starter >= 0 && (last_ccc == -1 || (last_ccc != 0 && last_ccc < ccc))) {
      const char32_t composite = compose_pair(out[std::size_t(starter)], c);
      if (composite != 0) {
        out[std::size_t(starter)] = composite;
        continue;
      }
    }
    if (ccc == 0) {
      starter = std::ptrdiff_t(out.size());
      last_ccc = -1;
    } else {
      last_ccc = ccc;
    }
    out.push_back(c);
  }
  return out;
}

std::u32string_view strip_python_space(std::u32string_view text) {
  std::size_t b = 0, e = text.size();
  while (b < e && is_python_space(text[b])) ++b;
  while (e > b && is_python_space(text[e - 1])) --e;
  return text.substr(b, e - b);
}

bool is_cjk_ideograph(char32_t cp) {
  // BasicTokenizer._is_chinese_char (the CJK Unified/Compatibility Ideographs blocks).
  return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
         (cp >= 0x20000 && cp <= 0x2A6DF) || (cp >= 0x2A700 && cp <= 0x2B73F) ||
         (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B820 && cp <= 0x2CEAF) ||
         (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
}

// transformers tokenization_bert.py BasicTokenizer.tokenize (CLIP's configuration).
std::u32string basic_tokenize_join(std::u32string_view text) {
  // 1. _clean_text: drop NUL, U+FFFD and category C* (except \t \n \r); whitespace -> ' '.
  std::u32string clean;
  clean.reserve(text.size());
  for (char32_t c : text) {
    const bool tab_or_newline = c == '\t' || c == '\n' || c == '\r';
    if (c == 0 || c == 0xFFFD || (!tab_or_newline && is_other(c))) continue;
    if (c == ' ' || tab_or_newline || is_space_separator(c)) {
      clean.push_back(' ');
    } else if (is_cjk_ideograph(c)) {  // 2. _tokenize_chinese_chars
      clean.append({U' ', c, U' '});
    } else {
      clean.push_back(c);
    }
  }
  // 3. NFC, then str.split() and str.lower() per word.
  const std::u32string normalized = nfc(clean);
  std::u32string out;
  out.reserve(normalized.size());
  for (size_t i = 0; i < normalized.size();) {
    if (is_python_space(normalized[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < normalized.size() && !is_python_space(normalized[j])) ++j;
    if (!out.empty()) out.push_back(' ');
    out += to_lower(std::u32string_view(normalized).substr(i, j - i));
    i = j;
  }
  return out;
}

const char* data_version() { return detail::kUnicodeVersion; }

}  // namespace partedit::unicode
