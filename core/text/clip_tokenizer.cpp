#include "text/clip_tokenizer.h"

#include <array>
#include <fstream>
#include <mutex>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "io/json_config.h"
#include "runtime/error.h"
#include "text/unicode.h"

namespace partedit {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// transformers' AddedToken: split out of the raw text before any normalisation.
struct AddedToken {
  std::string content;
  int64_t id = -1;
  bool lstrip = false, rstrip = false, single_word = false, special = false;
};

// GPT-2 bytes_to_unicode (tokenization_clip.py): printable Latin-1 bytes map to themselves,
// the other 68 bytes to U+0100.. in byte order.
std::array<char32_t, 256> bytes_to_unicode() {
  std::array<char32_t, 256> table{};
  char32_t next = 256;
  for (int b = 0; b < 256; ++b) {
    const bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE);
    table[size_t(b)] = printable ? char32_t(b) : next++;
  }
  return table;
}

fs::path require_file(const fs::path& folder, const std::string& name) {
  const fs::path path = folder / name;
  if (!fs::is_regular_file(path)) {
    throw Error("CLIP tokenizer: missing file " + path.string());
  }
  return path;
}

std::string read_text_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("CLIP tokenizer: cannot open " + path.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A boolean field of a JSON object; absent or null -> fallback.
bool flag(const json& object, const char* key, bool fallback) {
  const auto it = object.find(key);
  return (it != object.end() && it->is_boolean()) ? it->get<bool>() : fallback;
}

// A special-token entry: a plain string or an AddedToken dict ({"content": ..., "lstrip": ...}).
bool parse_token(const json& value, AddedToken& out) {
  if (value.is_string()) {
    out.content = value.get<std::string>();
    return true;
  }
  if (value.is_object() && value.contains("content") && value["content"].is_string()) {
    out.content = value["content"].get<std::string>();
    out.lstrip = flag(value, "lstrip", false);
    out.rstrip = flag(value, "rstrip", false);
    out.single_word = flag(value, "single_word", false);
    return true;
  }
  return false;
}

std::string strip_utf8(const std::string& text, bool left, bool right) {
  const std::u32string u = unicode::decode_utf8(text, "text");
  std::u32string_view v(u);
  while (left && !v.empty() && unicode::is_python_space(v.front())) v.remove_prefix(1);
  while (right && !v.empty() && unicode::is_python_space(v.back())) v.remove_suffix(1);
  return unicode::encode_utf8(v);
}

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (size_t pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size())) {
    s.replace(pos, from.size(), to);
  }
}

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
std::vector<std::u32string_view> pre_tokenize(std::u32string_view text) {
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

// A piece of raw text: an added token (`token` set) or text to normalise and BPE.
struct Chunk {
  std::string text;
  const AddedToken* token;
};

// Splits added tokens out of the raw text (leftmost-longest, case-sensitive, as transformers'
// tokens_trie), then applies their lstrip/rstrip/single_word flags to the neighbours
// (PreTrainedTokenizer.tokenize).
std::vector<Chunk> split_added_tokens(const std::string& text,
                                      const std::vector<AddedToken>& added) {
  std::vector<Chunk> chunks;
  std::string pending;
  for (size_t i = 0; i < text.size();) {
    const AddedToken* best = nullptr;
    for (const AddedToken& t : added) {
      if (t.content.size() > (best ? best->content.size() : 0) &&
          text.compare(i, t.content.size(), t.content) == 0) {
        best = &t;
      }
    }
    if (best == nullptr) {
      pending.push_back(text[i++]);
      continue;
    }
    if (!pending.empty()) chunks.push_back({std::move(pending), nullptr});
    pending.clear();
    chunks.push_back({best->content, best});
    i += best->content.size();
  }
  if (!pending.empty()) chunks.push_back({std::move(pending), nullptr});
  for (size_t i = 0; i < chunks.size(); ++i) {
    const AddedToken* t = chunks[i].token;
    if (t == nullptr) continue;
    Chunk* left = i > 0 ? &chunks[i - 1] : nullptr;
    Chunk* right = i + 1 < chunks.size() ? &chunks[i + 1] : nullptr;
    if (t->rstrip && right && !right->text.empty())
      right->text = strip_utf8(right->text, true, false);
    if (t->lstrip && left && !left->text.empty()) left->text = strip_utf8(left->text, false, true);
    if (t->single_word && left && !left->text.empty() && left->text.back() != ' ') {
      left->text += chunks[i].text;
      chunks[i] = {"", nullptr};
    } else if (t->single_word && right && !right->text.empty() && right->text.front() != ' ') {
      chunks[i] = {chunks[i].text + right->text, nullptr};
      *right = {"", nullptr};
    }
  }
  return chunks;
}

}  // namespace

struct ClipTokenizer::Data {
  std::unordered_map<std::string, int64_t> encoder;  // vocab.json
  std::vector<std::string> decoder;                  // id -> token (vocab, then added tokens)
  std::vector<bool> known;                           // decoder[id] is defined
  std::unordered_map<std::string, int> ranks;        // "first second" -> merge rank
  std::vector<AddedToken> added;                     // split out of raw text, as tokens_trie
  std::unordered_map<std::string, int64_t> added_ids;
  std::unordered_set<int64_t> special_ids;
  std::array<std::string, 256> byte_encoder;  // byte -> UTF-8 of its mapped character
  std::unordered_map<char32_t, unsigned char> byte_decoder;
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
  const json vocab = read_json_file(path);
  if (!vocab.is_object() || vocab.empty()) {
    throw Error("CLIP tokenizer: expected a non-empty object {token: id} in " + path.string());
  }
  for (const auto& [text, id] : vocab.items()) {
    if (!id.is_number_integer()) {
      throw Error("CLIP tokenizer: id of '" + text + "' in " + path.string() +
                  " is not an integer");
    }
    d.encoder[text] = id.get<int64_t>();
    set_token(d, id.get<int64_t>(), text);
  }
}

void load_merges(const fs::path& path, ClipTokenizer::Data& d) {
  // read().strip().split("\n")[1 : 49152 - 256 - 2 + 1]: the first line is a header.
  constexpr size_t kMaxMerges = 49152 - 256 - 2;
  const std::string text = read_text_file(path);
  size_t begin = 0, end = text.size();
  auto ascii_space = [](char c) { return c == ' ' || (c >= '\t' && c <= '\r'); };
  while (begin < end && ascii_space(text[begin])) ++begin;
  while (end > begin && ascii_space(text[end - 1])) --end;
  size_t line_no = 0;
  for (size_t pos = begin; pos <= end && line_no <= kMaxMerges; ++line_no) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos || nl > end) nl = end;
    if (line_no > 0) {
      std::vector<std::string> parts;
      for (size_t i = pos; i < nl;) {
        while (i < nl && ascii_space(text[i])) ++i;
        size_t j = i;
        while (j < nl && !ascii_space(text[j])) ++j;
        if (j > i) parts.emplace_back(text.substr(i, j - i));
        i = j;
      }
      // A malformed line still takes its rank, as in the reference.
      if (parts.size() == 2) d.ranks[parts[0] + " " + parts[1]] = int(line_no - 1);
    }
    pos = nl + 1;
  }
  if (d.ranks.empty()) throw Error("CLIP tokenizer: no merges in " + path.string());
}

// added_tokens_decoder of tokenizer_config.json: {"id": {"content": ..., "special": ...}}.
std::unordered_map<std::string, AddedToken> read_added_tokens(const json& config,
                                                              const fs::path& path) {
  std::unordered_map<std::string, AddedToken> by_content;
  for (const auto& [key, value] : config["added_tokens_decoder"].items()) {
    AddedToken t;
    const bool numeric = !key.empty() && key.find_first_not_of("0123456789") == std::string::npos;
    if (!numeric || !parse_token(value, t)) {
      throw Error("CLIP tokenizer: malformed added_tokens_decoder entry '" + key + "' in " +
                  path.string());
    }
    t.id = std::stoll(key);
    t.special = flag(value, "special", false);
    by_content[t.content] = t;
  }
  return by_content;
}

// bos, eos, unk, pad, then additional_special_tokens, as transformers' from_pretrained picks
// them: with added_tokens_decoder (current format) tokenizer_config.json is authoritative,
// otherwise special_tokens_map.json overrides it. Defaults are CLIPTokenizer's.
std::vector<AddedToken> special_token_specs(const json& config, const json& map, bool modern) {
  const json* first = modern ? &config : &map;
  const json* second = modern ? nullptr : &config;
  auto lookup = [&](const char* key, const char* fallback) {
    AddedToken t;
    if (!(first->contains(key) && parse_token((*first)[key], t)) &&
        !(second && second->contains(key) && parse_token((*second)[key], t))) {
      t.content = fallback;
    }
    return t;
  };
  std::vector<AddedToken> specials = {
      lookup("bos_token", "<|startoftext|>"), lookup("eos_token", "<|endoftext|>"),
      lookup("unk_token", "<|endoftext|>"), lookup("pad_token", "<|endoftext|>")};
  for (const json* src : {first, second}) {
    if (src && src->contains("additional_special_tokens") &&
        (*src)["additional_special_tokens"].is_array()) {
      for (const auto& v : (*src)["additional_special_tokens"]) {
        AddedToken t;
        if (parse_token(v, t)) specials.push_back(t);
      }
      break;
    }
  }
  return specials;
}

void load_special_tokens(const fs::path& folder, ClipTokenizer::Data& d) {
  const fs::path config_path = folder / "tokenizer_config.json";
  const fs::path map_path = folder / "special_tokens_map.json";
  const bool has_config = fs::is_regular_file(config_path);
  const bool has_map = fs::is_regular_file(map_path);
  if (!has_config && !has_map) {
    throw Error("CLIP tokenizer: missing file " + map_path.string() + " (and " +
                config_path.string() + ")");
  }
  const json config = has_config ? read_json_file(config_path) : json::object();
  const json map = has_map ? read_json_file(map_path) : json::object();
  if (!config.is_object())
    throw Error("CLIP tokenizer: expected an object in " + config_path.string());
  if (!map.is_object()) throw Error("CLIP tokenizer: expected an object in " + map_path.string());

  // 1. Added tokens with fixed ids, 2. the special tokens (ids from there or from the vocab).
  const bool modern = config.contains("added_tokens_decoder");
  auto by_content = modern ? read_added_tokens(config, config_path)
                           : std::unordered_map<std::string, AddedToken>{};
  std::vector<AddedToken> specials = special_token_specs(config, map, modern);
  for (AddedToken& t : specials) {
    if (auto it = by_content.find(t.content); it != by_content.end()) {
      it->second.special = true;
      t.id = it->second.id;
      continue;
    }
    auto v = d.encoder.find(t.content);
    if (v == d.encoder.end()) {
      throw Error("CLIP tokenizer: special token '" + t.content +
                  "' is in neither vocab.json nor added_tokens_decoder (" + folder.string() + ")");
    }
    t.id = v->second;
    t.special = true;
    by_content[t.content] = t;
  }
  d.bos = specials[0].id;
  d.eos = specials[1].id;
  d.unk = specials[2].id;
  d.pad = specials[3].id;
  for (const AddedToken& t : specials) d.special_ids.insert(t.id);
  for (auto& [content, t] : by_content) {
    if (content.empty()) continue;
    set_token(d, t.id, content);
    d.added_ids[content] = t.id;
    d.added.push_back(t);
  }
  // 3. model_max_length; transformers writes int(1e30) when a checkpoint leaves it unset.
  d.max_length = 77;
  if (config.contains("model_max_length") && config["model_max_length"].is_number()) {
    const double v = config["model_max_length"].get<double>();
    if (v < 2) throw Error("CLIP tokenizer: model_max_length < 2 in " + config_path.string());
    if (v <= 1e6) d.max_length = int64_t(v);
  }
  d.clean_up_spaces = flag(config, "clean_up_tokenization_spaces", true);
}

}  // namespace

ClipTokenizer ClipTokenizer::load(const fs::path& folder, const fs::path& vocabulary_folder) {
  auto d = std::make_shared<Data>();
  const auto table = bytes_to_unicode();
  for (int b = 0; b < 256; ++b) {
    unicode::append_utf8(d->byte_encoder[size_t(b)], table[size_t(b)]);
    d->byte_decoder[table[size_t(b)]] = static_cast<unsigned char>(b);
  }
  const fs::path& vocabulary = vocabulary_folder.empty() ? folder : vocabulary_folder;
  load_vocab(require_file(vocabulary, "vocab.json"), *d);
  load_merges(require_file(vocabulary, "merges.txt"), *d);
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
    for (size_t i = 0; i < word.size();) {
      size_t n = 1;
      while (i + n < word.size() && (static_cast<unsigned char>(word[i + n]) & 0xC0) == 0x80) ++n;
      symbols.push_back(word.substr(i, n));
      i += n;
    }
    symbols.back() += "</w>";
    while (symbols.size() > 1) {
      int best = -1;
      for (size_t i = 0; i + 1 < symbols.size(); ++i) {
        auto r = d.ranks.find(symbols[i] + " " + symbols[i + 1]);
        if (r != d.ranks.end() && (best < 0 || r->second < best)) best = r->second;
      }
      if (best < 0) break;
      std::vector<std::string> merged;
      merged.reserve(symbols.size());
      for (size_t i = 0; i < symbols.size(); ++i) {
        if (i + 1 < symbols.size()) {
          auto r = d.ranks.find(symbols[i] + " " + symbols[i + 1]);
          if (r != d.ranks.end() && r->second == best) {
            merged.push_back(symbols[i] + symbols[i + 1]);
            ++i;
            continue;
          }
        }
        merged.push_back(symbols[i]);
      }
      symbols.swap(merged);
    }
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
  const std::vector<Chunk> chunks = split_added_tokens(text, d.added);
  std::vector<Piece> out;
  for (const Chunk& chunk : chunks) {
    if (chunk.text.empty()) continue;
    if (chunk.token != nullptr) {
      out.push_back({chunk.token->content, chunk.token->id});
      continue;
    }
    const std::u32string cleaned =
        unicode::basic_tokenize_join(unicode::decode_utf8(chunk.text, "text"));
    for (std::u32string_view word : pre_tokenize(cleaned)) {
      std::string mapped;
      for (unsigned char b : unicode::encode_utf8(word)) mapped += d.byte_encoder[b];
      append_bpe(mapped, out);
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
    std::string bytes;
    for (char32_t c : unicode::decode_utf8(joined, "token text")) {
      auto b = d.byte_decoder.find(c);
      if (b != d.byte_decoder.end()) {
        bytes.push_back(char(b->second));
      } else {
        unicode::append_utf8(bytes, c);
      }
    }
    std::string s = unicode::encode_utf8(unicode::decode_utf8_lenient(bytes));
    replace_all(s, "</w>", " ");
    const std::u32string u = unicode::decode_utf8(s, "decoded text");
    return unicode::encode_utf8(unicode::strip_python_space(u));
  };
  // Non-special added tokens stand alone, joined with spaces (PreTrainedTokenizer._decode).
  std::vector<std::string> parts;
  std::string current;
  bool have_current = false;
  for (int64_t id : ids) {
    if (d.special_ids.count(id)) continue;
    const std::string& t = token(id);
    if (d.added_ids.count(t)) {
      if (have_current) {
        std::string s = to_string(current);
        if (!s.empty()) parts.push_back(std::move(s));
      }
      current.clear();
      have_current = false;
      parts.push_back(t);
    } else {
      current += t;
      have_current = true;
    }
  }
  if (have_current) parts.push_back(to_string(current));
  std::string text;
  for (size_t i = 0; i < parts.size(); ++i) text += (i ? " " : "") + parts[i];
  if (d.clean_up_spaces) {  // PreTrainedTokenizerBase.clean_up_tokenization
    for (const char* from : {" .", " ?", " !", " ,", " ' ", " n't", " 'm", " 's", " 've", " 're"}) {
      std::string to(from + 1);
      if (to == "' ") to = "'";
      replace_all(text, from, to);
    }
  }
  return text;
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
