#pragma once
// The Unicode operations text tokenizers need, matching Python 3's behaviour: strict UTF-8
// decoding, general-category tests, str.isspace(), str.lower() (with Final_Sigma) and NFC.
// Data tables are generated from Python's unicodedata by gen_unicode_tables.py.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace partedit::unicode {

// Decodes UTF-8; throws partedit::Error naming `what` and the byte offset on malformed input
// (overlong forms, surrogates, code points above U+10FFFF, truncated sequences).
std::u32string decode_utf8(std::string_view text, const std::string& what);
// Decodes UTF-8 as Python's bytes.decode("utf-8", errors="replace") does: every maximal
// invalid subsequence becomes one U+FFFD.
std::u32string decode_utf8_lenient(std::string_view bytes);
std::string encode_utf8(std::u32string_view text);
void append_utf8(std::string& out, char32_t cp);

bool is_letter(char32_t cp);           // general category L*  (regex \p{L})
bool is_number(char32_t cp);           // general category N*  (regex \p{N})
bool is_other(char32_t cp);            // general category C*  (Cc, Cf, Cs, Co, Cn)
bool is_space_separator(char32_t cp);  // general category Zs
bool is_python_space(char32_t cp);     // Python str.isspace()
bool is_white_space(char32_t cp);      // Unicode White_Space (regex \s)
int combining_class(char32_t cp);      // canonical combining class (unicodedata.combining)

// Python str.lower(): full lower-case mapping including U+0130 -> "i\u0307" and the
// context-dependent final sigma.
std::u32string to_lower(std::u32string_view text);
// unicodedata.normalize("NFC", text).
std::u32string nfc(std::u32string_view text);

// transformers' BasicTokenizer(do_lower_case=True, strip_accents=False, do_split_on_punc=False)
// .tokenize(text) joined with single spaces: drops NUL, U+FFFD and category C* (except tab and
// newlines), maps whitespace to ' ', spaces out CJK ideographs, NFC, splits on str.isspace(),
// lower-cases each word.
std::u32string basic_tokenize_join(std::u32string_view text);
bool is_cjk_ideograph(char32_t cp);  // BasicTokenizer._is_chinese_char

// Python str.strip() with no argument.
std::u32string_view strip_python_space(std::u32string_view text);

const char* data_version();  // the Unicode version of the generated tables

namespace detail {
// Layouts of the generated tables in unicode_tables.cpp (all sorted by code point).
template <class T>
struct Table {
  const T* data;
  std::size_t size;
};
struct CodeRange {
  char32_t first, last;
};
struct CaseRun {  // lower(cp) = cp + delta for cp = first, first + stride, ..., last
  char32_t first, last;
  std::uint32_t stride;
  std::int32_t delta;
};
struct SpecialLower {  // lower case longer than one code point (0-terminated)
  char32_t cp;
  char32_t lower[3];
};
struct CombiningRun {
  char32_t first, last;
  std::uint8_t ccc;
};
struct Decomposition {  // canonical one-level decomposition; second = 0 for singletons
  char32_t cp, first, second;
  bool composes;  // a primary composite: NFC composes first + second back into cp
};
extern const char* const kUnicodeVersion;
extern const Table<CodeRange> kLetter, kNumber, kOther, kSpaceSeparator, kPythonSpace, kCased,
    kCaseIgnorable;
extern const Table<CaseRun> kLowerRuns;
extern const Table<SpecialLower> kSpecialLower;
extern const Table<CombiningRun> kCombiningClass;
extern const Table<Decomposition> kDecomposition;
}  // namespace detail

}  // namespace partedit::unicode
