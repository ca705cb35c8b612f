#pragma once
// GPT-2 byte-level BPE tokenizer as OPT (and so BLIP-2 OPT) uses it: the ids of transformers'
// slow GPT2Tokenizer (tokenization_gpt2.py). Added tokens are split out of the raw text
// first; the rest is cut by GPT-2's pre-tokenisation regex
//   's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
// (case-sensitive, no normalisation), each word's UTF-8 bytes mapped by bytes_to_unicode and
// merged by BPE without an end-of-word mark. encode() prepends bos when tokenizer_config.json
// says add_bos_token (OPT: "</s>", id 2), and appends nothing.
// Thread-safe: const methods may be called concurrently; copies share the data.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace partedit {

class Gpt2Tokenizer {
 public:
  // folder has vocab.json, merges.txt and tokenizer_config.json and/or special_tokens_map.json.
  // Throws partedit::Error naming the file.
  static Gpt2Tokenizer load(const std::filesystem::path& folder);

  // Mapped BPE pieces ("Ġphoto"); added tokens appear as themselves. Throws partedit::Error on
  // invalid UTF-8.
  std::vector<std::string> tokenize(const std::string& text) const;
  std::vector<int64_t> encode(const std::string& text) const;            // [bos] + ids, not truncated
  std::vector<int64_t> encode_unwrapped(const std::string& text) const;  // ids only
  // decode(ids, skip_special_tokens=True) with the config's clean_up_tokenization_spaces;
  // ids the tokenizer does not know (a model's padded vocabulary rows) are skipped too.
  std::string decode(const std::vector<int64_t>& ids) const;

  int64_t bos_id() const;
  int64_t eos_id() const;
  int64_t unk_id() const;
  int64_t pad_id() const;  // -1 when the tokenizer has none (GPT-2's default)
  bool add_bos_token() const;
  // tokenizer_config.json model_max_length; 0 when unset (transformers' int(1e30)).
  int64_t model_max_length() const;
  int64_t vocab_size() const;  // one past the largest id
  bool is_special(int64_t id) const;
  int64_t token_id(const std::string& piece) const;  // throws partedit::Error if unknown
  const std::string& token(int64_t id) const;        // throws partedit::Error if unknown

  struct Data;  // defined in gpt2_tokenizer.cpp only

 private:
  explicit Gpt2Tokenizer(std::shared_ptr<const Data> data) : data_(std::move(data)) {}
  struct Piece {
    std::string text;
    int64_t id;
  };
  std::vector<Piece> pieces(const std::string& text) const;
  std::shared_ptr<const Data> data_;
};

}  // namespace partedit
