#pragma once
// The parts of transformers' slow byte-level BPE tokenizers that CLIP and GPT-2 (OPT) share:
// bytes_to_unicode, the merge loop, merges.txt parsing, added tokens split out of the raw
// text, special tokens from tokenizer_config.json / special_tokens_map.json, and the decode
// clean-up. `who` ("CLIP tokenizer", "GPT-2 tokenizer") starts every error message.
#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

namespace partedit::bpe {

// GPT-2 bytes_to_unicode: printable Latin-1 bytes map to themselves, the other 68 bytes to
// U+0100.. in byte order. Holds both directions.
class ByteUnicode {
 public:
  ByteUnicode();
  // Raw bytes -> the UTF-8 of their mapped characters.
  std::string map(std::string_view raw) const;
  // Mapped text -> raw bytes; characters outside the table (added tokens) stay as their UTF-8.
  std::string unmap(std::string_view mapped) const;

 private:
  std::array<std::string, 256> encoder_;
  std::unordered_map<char32_t, unsigned char> decoder_;
};

using MergeRanks = std::unordered_map<std::string, int>;  // "first second" -> rank

// The UTF-8 characters of `word` as separate symbols.
std::vector<std::string> utf8_symbols(const std::string& word);
// The BPE loop of both tokenizers: merge the lowest-ranked adjacent pair everywhere (left to
// right) until no adjacent pair has a rank.
std::vector<std::string> merge_symbols(std::vector<std::string> symbols, const MergeRanks& ranks);
// The ranks of merges.txt lines [first_line, last_line) (the first line is a "#version"
// header); a line of other than two whitespace-separated fields still takes its rank, as in
// the reference. Throws when none is valid.
MergeRanks merge_ranks(const std::vector<std::string_view>& lines, size_t first_line, size_t last_line,
                       const std::filesystem::path& path, const std::string& who);
std::vector<std::string_view> split_lines(std::string_view text);  // on '\n' (Python str.split("\n"))

std::filesystem::path require_file(const std::filesystem::path& folder, const std::string& name, const std::string& who);
std::string read_text_file(const std::filesystem::path& path, const std::string& who);
// vocab.json: {token: id}.
std::unordered_map<std::string, int64_t> read_vocab(const std::filesystem::path& path, const std::string& who);

// transformers' AddedToken: split out of the raw text before any normalisation.
struct AddedToken {
  std::string content;
  int64_t id = -1;
  bool lstrip = false, rstrip = false, single_word = false, special = false;
};

// A piece of raw text: an added token (`token` set) or text to pre-tokenise and BPE.
struct Chunk {
  std::string text;
  const AddedToken* token;
};

// Splits added tokens out of the raw text (leftmost-longest, case-sensitive, as transformers'
// tokens_trie), then applies their lstrip/rstrip/single_word flags to the neighbours
// (PreTrainedTokenizer.tokenize).
std::vector<Chunk> split_added_tokens(const std::string& text, const std::vector<AddedToken>& added);

// The special tokens of a folder, as transformers' from_pretrained picks them: with
// added_tokens_decoder (current format) tokenizer_config.json is authoritative, otherwise
// special_tokens_map.json overrides it.
struct SpecialTokens {
  // bos, eos, unk, pad (id -1 when the default is "" and the files name none), then the
  // additional special tokens.
  std::vector<AddedToken> specials;
  std::vector<AddedToken> added;  // every added token (specials included), ids resolved
  nlohmann::json config;          // tokenizer_config.json ({} when absent)
  std::filesystem::path config_path;
};
// defaults: bos, eos, unk, pad contents when the files name none ("" = no such token).
// Special tokens must be in vocab.json or added_tokens_decoder.
SpecialTokens load_special_tokens(const std::filesystem::path& folder,
                                  const std::unordered_map<std::string, int64_t>& vocab,
                                  const std::array<const char*, 4>& defaults, const std::string& who);

bool flag(const nlohmann::json& object, const char* key, bool fallback);  // absent/null -> fallback
// tokenizer_config.json model_max_length; int(1e30) (unset) and absent give `fallback`.
int64_t model_max_length(const nlohmann::json& config, int64_t fallback, const std::filesystem::path& path,
                         const std::string& who);

void replace_all(std::string& s, const std::string& from, const std::string& to);
// PreTrainedTokenizerBase.clean_up_tokenization.
std::string clean_up_tokenization(std::string text);

// One token of a decode: its vocabulary string, and whether it is an added (non-special)
// token, which stands alone.
struct DecodedToken {
  const std::string* text;
  bool added;
};
// PreTrainedTokenizer._decode: runs of ordinary tokens become text through `to_text`
// (convert_tokens_to_string; empty results dropped), added tokens stand as they are, the
// parts joined with single spaces (spaces_between_special_tokens), then the optional clean-up.
std::string join_decoded(const std::vector<DecodedToken>& tokens,
                         const std::function<std::string(const std::string&)>& to_text, bool clean_up);

}  // namespace partedit::bpe
