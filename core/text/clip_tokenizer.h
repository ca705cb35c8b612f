#pragma once
// CLIP byte-level BPE tokenizer (SDXL, SD 1.x, SD 2.x): the same ids as transformers' slow
// CLIPTokenizer without ftfy (tokenization_clip.py): added tokens split out first, then
// BasicTokenizer cleaning (lower-case, NFC, whitespace split, CJK characters spaced), CLIP's
// pre-tokenisation regex, GPT-2 bytes_to_unicode and BPE with a "</w>" end-of-word mark.
// Thread-safe: const methods may be called concurrently; copies share the data and the cache.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace partedit {

class ClipTokenizer {
 public:
  // folder has vocab.json, merges.txt and special_tokens_map.json and/or tokenizer_config.json;
  // with `vocabulary_folder`, vocab.json and merges.txt are read from there instead (the
  // shipped model configs share one copy of CLIP's vocabulary).
  static ClipTokenizer load(const std::filesystem::path& folder, const std::filesystem::path& vocabulary_folder = {});

  // BPE pieces ("a</w>"); added tokens (e.g. "!" in SDXL's tokenizer_2) appear as themselves.
  // No bos/eos, not truncated. Throws partedit::Error on invalid UTF-8.
  std::vector<std::string> tokenize(const std::string& text) const;
  std::vector<int64_t> encode(const std::string& text) const;  // bos + ids + eos, not truncated
  // bos + first (max_length - 2) ids + eos, padded with pad_id to max_length().
  std::vector<int64_t> encode_padded(const std::string& text) const;
  std::vector<int64_t> encode_unwrapped(const std::string& text) const;  // ids only, no bos/eos
  // decode(ids, skip_special_tokens=True) with the config's clean_up_tokenization_spaces.
  std::string decode(const std::vector<int64_t>& ids) const;

  int64_t bos_id() const;
  int64_t eos_id() const;
  int64_t pad_id() const;
  int64_t unk_id() const;
  int64_t max_length() const;         // model_max_length (77)
  int64_t vocab_size() const;         // one past the largest id
  bool is_special(int64_t id) const;  // bos, eos, unk, pad and additional special tokens

  int64_t token_id(const std::string& piece) const;  // throws partedit::Error if unknown
  const std::string& token(int64_t id) const;        // throws partedit::Error if unknown

  // Defined in clip_tokenizer.cpp only.
  struct Data;
  struct Cache;

 private:
  struct Piece {
    std::string text;
    int64_t id;
  };
  ClipTokenizer(std::shared_ptr<const Data> data, std::shared_ptr<Cache> cache);
  std::vector<Piece> pieces(const std::string& text) const;
  void append_bpe(const std::string& word, std::vector<Piece>& out) const;

  std::shared_ptr<const Data> data_;
  std::shared_ptr<Cache> cache_;
};

}  // namespace partedit
