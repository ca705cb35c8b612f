#include "text/gpt2_tokenizer.h"

#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "runtime/error.h"
#include "text/byte_level_bpe.h"
#include "text/unicode.h"

namespace partedit {
namespace {

namespace fs = std::filesystem;
const std::string kGpt2Tokenizer = "GPT-2 tokenizer";

bool is_regex_space(char32_t c) { return unicode::is_white_space(c); }  // regex \s
bool is_other(char32_t c) { return !is_regex_space(c) && !unicode::is_letter(c) && !unicode::is_number(c); }

// Length of the longest run of `pred` characters from text[i].
template <typename Pred>
size_t run(std::u32string_view text, size_t i, Pred pred) {
  size_t n = 0;
  while (i + n < text.size() && pred(text[i + n])) ++n;
  return n;
}

// GPT-2's pre-tokenisation regex, alternatives tried in order at each position (findall: the
// matches cover the whole text, since \s+ takes any whitespace the others leave):
// 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
std::vector<std::u32string_view> gpt2_pre_tokenize(std::u32string_view text) {
  static constexpr std::u32string_view kContractions[] = {U"'s", U"'t", U"'re", U"'ve", U"'m", U"'ll", U"'d"};
  std::vector<std::u32string_view> words;
  for (size_t i = 0; i < text.size();) {
    size_t len = 0;
    for (std::u32string_view c : kContractions)
      if (text.substr(i, c.size()) == c) {
        len = c.size();
        break;
      }
    // " ?\p{L}+", " ?\p{N}+", " ?[^\s\p{L}\p{N}]+": an optional space, then one class
    const size_t space = text[i] == U' ' ? 1 : 0;
    using Class = bool (*)(char32_t);
    for (Class cls : {Class(unicode::is_letter), Class(unicode::is_number), Class(is_other)}) {
      if (len) break;
      if (const size_t n = run(text, i + space, cls)) len = space + n;
    }
    if (!len) {
      // "\s+(?!\S)": a whitespace run not followed by text; when text follows, the run gives up
      // its last character (which then starts the next word as " ?..."); "\s+" for a single one.
      const size_t n = run(text, i, is_regex_space);
      len = (i + n == text.size() || n == 1) ? n : n - 1;
    }
    words.push_back(text.substr(i, len));
    i += len;
  }
  return words;
}

}  // namespace

struct Gpt2Tokenizer::Data {
  std::unordered_map<std::string, int64_t> encoder;  // vocab.json
  std::vector<std::string> decoder;                  // id -> token (vocab, then added tokens)
  std::vector<bool> known;
  bpe::MergeRanks ranks;
  bpe::ByteUnicode bytes;
  std::vector<bpe::AddedToken> added;
  std::unordered_map<std::string, int64_t> added_ids;
  std::unordered_set<int64_t> special_ids;
  std::unordered_set<int64_t> plain_added_ids;  // added tokens that are not special
  int64_t bos = -1, eos = -1, unk = -1, pad = -1, max_length = 0;
  bool add_bos = false, add_prefix_space = false, clean_up_spaces = true;

  void set_token(int64_t id, const std::string& text) {
    if (size_t(id) >= decoder.size()) {
      decoder.resize(size_t(id) + 1);
      known.resize(size_t(id) + 1, false);
    }
    decoder[size_t(id)] = text;
    known[size_t(id)] = true;
  }
};

Gpt2Tokenizer Gpt2Tokenizer::load(const fs::path& folder) {
  auto d = std::make_shared<Data>();
  // 1. vocab.json
  d->encoder = bpe::read_vocab(bpe::require_file(folder, "vocab.json", kGpt2Tokenizer), kGpt2Tokenizer);
  for (const auto& [text, id] : d->encoder) d->set_token(id, text);
  // 2. merges.txt: read().split("\n")[1:-1] (the header and the text after the last newline)
  const auto merges_path = bpe::require_file(folder, "merges.txt", kGpt2Tokenizer);
  const std::string merges = bpe::read_text_file(merges_path, kGpt2Tokenizer);
  const auto lines = bpe::split_lines(merges);
  d->ranks = bpe::merge_ranks(lines, 1, lines.size() - 1, merges_path, kGpt2Tokenizer);
  // 3. special and added tokens; GPT2Tokenizer's defaults
  const auto tokens = bpe::load_special_tokens(folder, d->encoder,
                                               {"<|endoftext|>", "<|endoftext|>", "<|endoftext|>", ""}, kGpt2Tokenizer);
  d->bos = tokens.specials[0].id;
  d->eos = tokens.specials[1].id;
  d->unk = tokens.specials[2].id;
  d->pad = tokens.specials[3].id;
  for (const auto& t : tokens.specials)
    if (t.id >= 0) d->special_ids.insert(t.id);
  for (const auto& t : tokens.added) {
    d->set_token(t.id, t.content);
    d->added_ids[t.content] = t.id;
    d->added.push_back(t);
    if (!t.special && !d->special_ids.count(t.id)) d->plain_added_ids.insert(t.id);
  }
  d->max_length = bpe::model_max_length(tokens.config, 0, tokens.config_path, kGpt2Tokenizer);
  d->add_bos = bpe::flag(tokens.config, "add_bos_token", false);
  d->add_prefix_space = bpe::flag(tokens.config, "add_prefix_space", false);
  d->clean_up_spaces = bpe::flag(tokens.config, "clean_up_tokenization_spaces", true);
  return Gpt2Tokenizer(std::move(d));
}

std::vector<Gpt2Tokenizer::Piece> Gpt2Tokenizer::pieces(const std::string& text) const {
  const Data& d = *data_;
  unicode::decode_utf8(text, "GPT-2 tokenizer input text");  // validates once, up front
  // 1. prefix space (prepare_for_tokenization), 2. added tokens, 3. regex, 4. bytes + BPE
  const std::string prepared = d.add_prefix_space ? " " + text : text;
  std::vector<Piece> out;
  for (const bpe::Chunk& chunk : bpe::split_added_tokens(prepared, d.added)) {
    if (chunk.text.empty()) continue;
    if (chunk.token != nullptr) {
      out.push_back({chunk.token->content, chunk.token->id});
      continue;
    }
    const std::u32string chars = unicode::decode_utf8(chunk.text, "text");
    for (std::u32string_view word : gpt2_pre_tokenize(chars)) {
      for (std::string& s : bpe::merge_symbols(bpe::utf8_symbols(d.bytes.map(unicode::encode_utf8(word))), d.ranks)) {
        // convert_tokens_to_ids: added tokens first, then the vocabulary, else unk
        int64_t id = d.unk;
        if (auto a = d.added_ids.find(s); a != d.added_ids.end()) id = a->second;
        else if (auto v = d.encoder.find(s); v != d.encoder.end()) id = v->second;
        if (id < 0) throw Error(kGpt2Tokenizer + ": piece '" + s + "' is not in the vocabulary and there is no unk token");
        out.push_back({std::move(s), id});
      }
    }
  }
  return out;
}

std::vector<std::string> Gpt2Tokenizer::tokenize(const std::string& text) const {
  std::vector<std::string> out;
  for (Piece& p : pieces(text)) out.push_back(std::move(p.text));
  return out;
}

std::vector<int64_t> Gpt2Tokenizer::encode_unwrapped(const std::string& text) const {
  std::vector<int64_t> out;
  for (const Piece& p : pieces(text)) out.push_back(p.id);
  return out;
}

std::vector<int64_t> Gpt2Tokenizer::encode(const std::string& text) const {
  std::vector<int64_t> ids = encode_unwrapped(text);
  if (data_->add_bos) ids.insert(ids.begin(), data_->bos);  // build_inputs_with_special_tokens
  return ids;
}

std::string Gpt2Tokenizer::decode(const std::vector<int64_t>& ids) const {
  const Data& d = *data_;
  // convert_tokens_to_string: mapped characters -> bytes -> UTF-8 (errors="replace")
  auto to_string = [&](const std::string& joined) {
    return unicode::encode_utf8(unicode::decode_utf8_lenient(d.bytes.unmap(joined)));
  };
  std::vector<bpe::DecodedToken> tokens;
  for (int64_t id : ids) {
    if (d.special_ids.count(id) || id < 0 || size_t(id) >= d.decoder.size() || !d.known[size_t(id)]) continue;
    tokens.push_back({&d.decoder[size_t(id)], d.plain_added_ids.count(id) != 0});
  }
  return bpe::join_decoded(tokens, to_string, d.clean_up_spaces);
}

int64_t Gpt2Tokenizer::bos_id() const { return data_->bos; }
int64_t Gpt2Tokenizer::eos_id() const { return data_->eos; }
int64_t Gpt2Tokenizer::unk_id() const { return data_->unk; }
int64_t Gpt2Tokenizer::pad_id() const { return data_->pad; }
bool Gpt2Tokenizer::add_bos_token() const { return data_->add_bos; }
int64_t Gpt2Tokenizer::model_max_length() const { return data_->max_length; }
int64_t Gpt2Tokenizer::vocab_size() const { return int64_t(data_->decoder.size()); }
bool Gpt2Tokenizer::is_special(int64_t id) const { return data_->special_ids.count(id) != 0; }

int64_t Gpt2Tokenizer::token_id(const std::string& piece) const {
  if (auto a = data_->added_ids.find(piece); a != data_->added_ids.end()) return a->second;
  auto it = data_->encoder.find(piece);
  if (it == data_->encoder.end()) throw Error(kGpt2Tokenizer + ": unknown token '" + piece + "'");
  return it->second;
}

const std::string& Gpt2Tokenizer::token(int64_t id) const {
  if (id < 0 || size_t(id) >= data_->decoder.size() || !data_->known[size_t(id)])
    throw Error(kGpt2Tokenizer + ": unknown token id " + std::to_string(id));
  return data_->decoder[size_t(id)];
}

}  // namespace partedit
