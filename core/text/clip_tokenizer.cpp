#include "text/clip_tokenizer.h"

#include <mutex>
#include <unordered_map>
#include <unordered_set>


#include "runtime/error.h"
#include "text/byte_level_bpe.h"
#include "text/unicode.h"

namespace partedit {
namespace {

namespace fs = std::filesystem;

using bpe::AddedToken;
using bpe::Chunk;
const std::string kClipTokenizer = "CLIP tokenizer";

// Case-insensitive match of an ASCII-lower-case literal at text[pos] (the regex module's simple
// case folding: 's' also matches U+017F LATIN SMALL LETTER LONG S).
bool match_literal(std::u32string_view text, size_t pos, std::string_view literal) {
  if (pos + literal.size() > text.size()) return false;
  for (size_t k = 0; k < literal.size(); ++k) {
    const char32_t c = text[pos + k];
    const char32_t want = char32_t(literal[k]);
    const bool upper_ok = want >= 'a' && want <= 'z' && c == want - 32;
    if (c != want && !upper_ok && !(want == 's' && c == 0x17F)) return false;
  }
  return true;
}

// CLIP's pre-tokenisation regex, alternatives tried in order at each position:
// <\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+
std::vector<std::u32string_view> clip_pre_tokenize(std::u32string_view text) {
  static constexpr std::string_view kLiterals[] = {
      "<|startoftext|>", "<|endoftext|>", "'s", "'t", "'re", "'ve", "'m", "'ll", "'d"};
  std::vector<std::u32string_view> words;
  size_t i = 0;
  while (i < text.size()) {
    size_t len = 0;
    for (std::string_view lit : kLiterals) {
      if (match_literal(text, i, lit)) {
        len = lit.size();
        break;
      }
    }
    if (len == 0) {
      const char32_t c = text[i];
      if (c == 0x0345) {
        // COMBINING GREEK YPOGEGRAMMENI folds to a letter (U+03B9): under IGNORECASE the regex
        // module matches it with neither [\p{L}] nor [^\s\p{L}\p{N}], so findall skips it.
      } else if (unicode::is_letter(c)) {
        while (i + len < text.size() && unicode::is_letter(text[i + len])) ++len;
      } else if (unicode::is_number(c)) {
        len = 1;
      } else if (!unicode::is_white_space(c)) {
        auto other = [](char32_t x) {
          return x != 0x0345 && !unicode::is_white_space(x) && !unicode::is_letter(x) &&
                 !unicode::is_number(x);
        };
        while (i + len < text.size() && other(text[i + len])) ++len;
      }
    }
    if (len == 0) {
      ++i;  // whitespace: findall skips it
      continue;
    }
    words.push_back(text.substr(i, len));
    i += len;
  }
  return words;
}

}  // namespace

struct ClipTokenizer::Data {
  std::unordered_map<std::string, int64_t> encoder;  // vocab.json
  std::vector<std::string> decoder;                  // id -> token (vocab, then added tokens)
  std::vector<bool> known;                           // decoder[id] is defined
  bpe::MergeRanks ranks;
  std::vector<AddedToken> added;                     // split out of raw text, as tokens_trie
  std::unordered_map<std::string, int64_t> added_ids;
  std::unordered_set<int64_t> special_ids;
  bpe::ByteUnicode bytes;
  int64_t bos = 0, eos = 0, unk = 0, pad = 0, max_length = 77;
  bool clean_up_spaces = true;
};

struct ClipTokenizer::Cache {
  static constexpr size_t kMaxWords = 100000;
  std::mutex mutex;
  std::unordered_map<std::string, std::vector<Piece>> words;  // mapped word -> its BPE pieces
};

ClipTokenizer::ClipTokenizer(std::shared_ptr<const Data> data, std::shared_ptr<Cache> cache)
    : data_(std::move(data)), cache_(std::move(cache)) {}

namespace {

void set_token(ClipTokenizer::Data& d, int64_t id, const std::string& text) {
  if (id < 0) throw Error("CLIP tokenizer: negative token id for '" + text + "'");
  if (size_t(id) >= d.decoder.size()) {
    d.decoder.resize(size_t(id) + 1);
    d.known.resize(size_t(id) + 1, false);
  }
  d.decoder[size_t(id)] = text;
  d.known[size_t(id)] = true;
}

void load_vocab(const fs::path& path, ClipTokenizer::Data& d) {
  d.encoder = bpe::read_vocab(path, kClipTokenizer);
  for (const auto& [text, id] : d.encoder) set_token(d, id, text);
}

void load_merges(const fs::path& path, ClipTokenizer::Data& d) {
  // read().strip().split("\n")[1 : 49152 - 256 - 2 + 1]: the first line is a header.
  constexpr size_t kMaxMerges = 49152 - 256 - 2;
  const std::string text = bpe::read_text_file(path, kClipTokenizer);
  size_t begin = 0, end = text.size();
  auto ascii_space = [](char c) { return c == ' ' || (c >= '\t' && c <= '\r'); };
  while (begin < end && ascii_space(text[begin])) ++begin;
  while (end > begin && ascii_space(text[end - 1])) --end;
  const auto lines = bpe::split_lines(std::string_view(text).substr(begin, end - begin));
  d.ranks = bpe::merge_ranks(lines, 1, kMaxMerges + 1, path, kClipTokenizer);
}

// Defaults are CLIPTokenizer's.
void load_special_tokens(const fs::path& folder, ClipTokenizer::Data& d) {
  const auto tokens = bpe::load_special_tokens(
      folder, d.encoder, {"<|startoftext|>", "<|endoftext|>", "<|endoftext|>", "<|endoftext|>"}, kClipTokenizer);
  d.bos = tokens.specials[0].id;
  d.eos = tokens.specials[1].id;
  d.unk = tokens.specials[2].id;
  d.pad = tokens.specials[3].id;
  for (const AddedToken& t : tokens.specials) d.special_ids.insert(t.id);
  for (const AddedToken& t : tokens.added) {
    set_token(d, t.id, t.content);
    d.added_ids[t.content] = t.id;
    d.added.push_back(t);
  }
  d.max_length = bpe::model_max_length(tokens.config, 77, tokens.config_path, kClipTokenizer);
  d.clean_up_spaces = bpe::flag(tokens.config, "clean_up_tokenization_spaces", true);
}

}  // namespace

ClipTokenizer ClipTokenizer::load(const fs::path& folder, const fs::path& vocabulary_folder) {
  auto d = std::make_shared<Data>();
  const fs::path& vocabulary = vocabulary_folder.empty() ? folder : vocabulary_folder;
  load_vocab(bpe::require_file(vocabulary, "vocab.json", kClipTokenizer), *d);
  load_merges(bpe::require_file(vocabulary, "merges.txt", kClipTokenizer), *d);
  load_special_tokens(folder, *d);
  return ClipTokenizer(std::move(d), std::make_shared<Cache>());
}

void ClipTokenizer::append_bpe(const std::string& word, std::vector<Piece>& out) const {
  const Data& d = *data_;
  {
    std::lock_guard<std::mutex> lock(cache_->mutex);
    auto it = cache_->words.find(word);
    if (it != cache_->words.end()) {
      out.insert(out.end(), it->second.begin(), it->second.end());
      return;
    }
  }
  // CLIPTokenizer.bpe: symbols are the mapped characters, "</w>" joins the last one; merge the
  // lowest-ranked adjacent pair everywhere (left to right) until no pair has a rank.
  std::vector<std::string> symbols;
  if (word == "<|startoftext|>" || word == "<|endoftext|>") {
    symbols.push_back(word);  // pre-seeded in the reference's cache
  } else {
    symbols = bpe::utf8_symbols(word);
    symbols.back() += "</w>";
    symbols = bpe::merge_symbols(std::move(symbols), d.ranks);
  }
  std::vector<Piece> result;
  result.reserve(symbols.size());
  for (std::string& s : symbols) {
    // convert_tokens_to_ids: added tokens first, then the vocabulary, else unk.
    int64_t id = d.unk;
    if (auto a = d.added_ids.find(s); a != d.added_ids.end()) {
      id = a->second;
    } else if (auto v = d.encoder.find(s); v != d.encoder.end()) {
      id = v->second;
    }
    result.push_back({std::move(s), id});
  }
  out.insert(out.end(), result.begin(), result.end());
  std::lock_guard<std::mutex> lock(cache_->mutex);
  if (cache_->words.size() >= Cache::kMaxWords) cache_->words.clear();
  cache_->words.emplace(word, std::move(result));
}

std::vector<ClipTokenizer::Piece> ClipTokenizer::pieces(const std::string& text) const {
  const Data& d = *data_;
  unicode::decode_utf8(text, "CLIP tokenizer input text");  // validates once, up front
  // 1. Added tokens, 2. BasicTokenizer, 3. CLIP regex, 4. bytes_to_unicode + BPE per word.
  const std::vector<Chunk> chunks = bpe::split_added_tokens(text, d.added);
  std::vector<Piece> out;
  for (const Chunk& chunk : chunks) {
    if (chunk.text.empty()) continue;
    if (chunk.token != nullptr) {
      out.push_back({chunk.token->content, chunk.token->id});
      continue;
    }
    const std::u32string cleaned =
        unicode::basic_tokenize_join(unicode::decode_utf8(chunk.text, "text"));
    for (std::u32string_view word : clip_pre_tokenize(cleaned)) {
      append_bpe(d.bytes.map(unicode::encode_utf8(word)), out);
    }
  }
  return out;
}

std::vector<std::string> ClipTokenizer::tokenize(const std::string& text) const {
  std::vector<std::string> out;
  for (Piece& p : pieces(text)) out.push_back(std::move(p.text));
  return out;
}

std::vector<int64_t> ClipTokenizer::encode_unwrapped(const std::string& text) const {
  std::vector<int64_t> out;
  for (const Piece& p : pieces(text)) out.push_back(p.id);
  return out;
}

std::vector<int64_t> ClipTokenizer::encode(const std::string& text) const {
  std::vector<int64_t> ids = encode_unwrapped(text);
  ids.insert(ids.begin(), data_->bos);
  ids.push_back(data_->eos);
  return ids;
}

std::vector<int64_t> ClipTokenizer::encode_padded(const std::string& text) const {
  const std::vector<int64_t> ids = encode_unwrapped(text);
  const size_t n = size_t(data_->max_length);
  std::vector<int64_t> out;
  out.reserve(n);
  out.push_back(data_->bos);
  out.insert(out.end(), ids.begin(), ids.begin() + std::ptrdiff_t(std::min(ids.size(), n - 2)));
  out.push_back(data_->eos);
  out.resize(n, data_->pad);
  return out;
}

std::string ClipTokenizer::decode(const std::vector<int64_t>& ids) const {
  const Data& d = *data_;
  // convert_tokens_to_string: mapped characters -> bytes -> UTF-8 (errors="replace"),
  // "</w>" -> " ", strip.
  auto to_string = [&](const std::string& joined) {
    std::string s = unicode::encode_utf8(unicode::decode_utf8_lenient(d.bytes.unmap(joined)));
    bpe::replace_all(s, "</w>", " ");
    const std::u32string u = unicode::decode_utf8(s, "decoded text");
    return unicode::encode_utf8(unicode::strip_python_space(u));
  };
  std::vector<bpe::DecodedToken> tokens;
  for (int64_t id : ids) {
    if (d.special_ids.count(id)) continue;
    const std::string& t = token(id);
    tokens.push_back({&t, d.added_ids.count(t) != 0});
  }
  return bpe::join_decoded(tokens, to_string, d.clean_up_spaces);
}

int64_t ClipTokenizer::bos_id() const { return data_->bos; }
int64_t ClipTokenizer::eos_id() const { return data_->eos; }
int64_t ClipTokenizer::pad_id() const { return data_->pad; }
int64_t ClipTokenizer::unk_id() const { return data_->unk; }
int64_t ClipTokenizer::max_length() const { return data_->max_length; }
int64_t ClipTokenizer::vocab_size() const { return int64_t(data_->decoder.size()); }
bool ClipTokenizer::is_special(int64_t id) const { return data_->special_ids.count(id) != 0; }

int64_t ClipTokenizer::token_id(const std::string& piece) const {
  if (auto a = data_->added_ids.find(piece); a != data_->added_ids.end()) return a->second;
  auto it = data_->encoder.find(piece);
  if (it == data_->encoder.end()) throw Error("CLIP tokenizer: unknown token '" + piece + "'");
  return it->second;
}

const std::string& ClipTokenizer::token(int64_t id) const {
  if (id < 0 || size_t(id) >= data_->decoder.size() || !data_->known[size_t(id)]) {
    throw Error("CLIP tokenizer: unknown token id " + std::to_string(id));
  }
  return data_->decoder[size_t(id)];
}

}  // namespace partedit
