#pragma once
// The T5 sentencepiece tokenizer (Flan-T5 in BLIP-2): the ids of transformers' T5Tokenizer
// (legacy mode, as the BLIP-2 checkpoints configure it) and the text of
// batch_decode(skip_special_tokens=True). Added tokens (<pad>, </s>, <unk>, <extra_id_N>)
// are split out of the text first, honouring their lstrip/rstrip flags; the rest goes through
// sentencepiece; </s> is appended unless already last.
//
// sentencepiece itself runs in the partedit_sentencepiece MODULE library, loaded on first use
// with dlopen(RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND) (platform.md: linking it next to
// LibTorch crashes before main). The module is looked up in this order:
//   $PARTEDIT_SENTENCEPIECE_MODULE (a file), next to the executable, <exe>/../lib/partedit/,
//   then the build tree's copy (path compiled in).
// Thread-safe: const methods may be called concurrently; copies share the model.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace partedit {

class T5Tokenizer {
 public:
  // folder has spiece.model and tokenizer_config.json (added_tokens_decoder, model_max_length,
  // extra_ids) and/or special_tokens_map.json. Throws partedit::Error naming the file.
  static T5Tokenizer load(const std::filesystem::path& folder);

  // Pieces: sentencepiece pieces ("▁photo") and added tokens as their text ("<extra_id_0>").
  std::vector<std::string> tokenize(const std::string& text) const;
  std::vector<int64_t> encode(const std::string& text) const;  // ids + eos (not truncated)
  std::vector<int64_t> encode_unwrapped(const std::string& text) const;  // ids only, no eos
  // batch_decode(..., skip_special_tokens=True) with clean_up_tokenization_spaces: special
  // ids and ids outside the vocabulary are skipped.
  std::string decode(const std::vector<int64_t>& ids) const;

  int64_t eos_id() const;
  int64_t pad_id() const;
  int64_t unk_id() const;
  int64_t piece_count() const;       // sentencepiece pieces (ids below are sentencepiece's)
  int64_t vocab_size() const;        // one past the largest id (pieces + extra ids)
  int64_t model_max_length() const;  // tokenizer_config.json model_max_length
  bool is_special(int64_t id) const;
  std::string token(int64_t id) const;  // the piece or added token; throws if unknown

  struct Data;  // defined in t5_tokenizer.cpp only

 private:
  explicit T5Tokenizer(std::shared_ptr<const Data> data) : data_(std::move(data)) {}
  std::vector<int64_t> sentencepiece_encode(const std::string& text) const;
  std::shared_ptr<const Data> data_;
};

// The sentencepiece module this process uses (loading it if needed); throws partedit::Error
// listing the places searched when it cannot be found or loaded.
std::filesystem::path sentencepiece_module_path();

}  // namespace partedit
