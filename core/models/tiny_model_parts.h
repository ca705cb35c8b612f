#pragma once
// Internal pieces of write_tiny_model (core/models/tiny_model.h): the config documents,
// the BPE vocabulary and the weight initialisation. Not part of the public API.
#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/tiny_model.h"

namespace torch::nn {
class Module;
}

namespace partedit::tiny {

// ---- tiny_vocab.cpp ----

// A CLIP byte-level BPE vocabulary: the 256 byte symbols, their "</w>" forms, the learned
// merges' products, then <|startoftext|> and <|endoftext|> (the last two ids).
struct Vocabulary {
  std::vector<std::string> tokens;                            // index = id
  std::vector<std::pair<std::string, std::string>> merges;    // rank order
};

// Learns up to max_merges merges from a built-in list of prompt words (deterministic).
Vocabulary learn_vocabulary(size_t max_merges);
// The merges of the tiny models' vocabulary: 512 byte symbols + merges + 2 specials <= 1000.
constexpr size_t kTinyVocabularyMerges = 1000 - 512 - 2;

// A GPT-2 (OPT) byte-level BPE vocabulary: <s> <pad> </s> <unk> (ids 0-3), the 256 byte
// symbols, then the products of up to max_merges merges learned from the same word list.
Vocabulary learn_gpt2_vocabulary(size_t max_merges);
// Writes vocab.json, merges.txt, special_tokens_map.json and tokenizer_config.json as OPT's
// GPT2Tokenizer has them (add_bos_token, </s> as bos/eos/unk, <pad>).
void write_gpt2_tokenizer(const std::filesystem::path& dir, const Vocabulary& vocab);

// Writes vocab.json, merges.txt, special_tokens_map.json and tokenizer_config.json.
// pad_with_bang: SDXL's second tokenizer pads with "!" (id 0), the first with <|endoftext|>.
void write_tokenizer(const std::filesystem::path& dir, const Vocabulary& vocab, bool pad_with_bang);

// ---- tiny_model_configs.cpp ----

// The text encoders of a family: sdxl -> two (CLIPTextModel quick_gelu, then
// CLIPTextModelWithProjection gelu); sd15 -> one quick_gelu; sd21 -> one gelu.
std::vector<nlohmann::json> text_encoder_configs(const TinyModelOptions& options, int64_t vocab_size);
nlohmann::json unet_config(const TinyModelOptions& options, const std::vector<nlohmann::json>& text_encoders);
nlohmann::json vae_config(const TinyModelOptions& options);
nlohmann::json scheduler_config(const TinyModelOptions& options);
nlohmann::json model_index(const TinyModelOptions& options);
// Per-block head counts of the UNet for these widths (attention_head_dim as diffusers
// stores it: a head count, not a head width).
std::vector<int64_t> unet_heads(const TinyModelOptions& options);

// Writes every parameter of `module` under its name to a safetensors file (metadata format
// "pt"); returns the parameter count.
int64_t write_parameters(const std::filesystem::path& file, const torch::nn::Module& module);

// Writes JSON the way diffusers / transformers do (sorted keys, 2-space indent, final newline).
void write_json(const std::filesystem::path& path, const nlohmann::json& json);

// ---- tiny_model.cpp ----

// Seeded initialisation by parameter name (see the .cpp for the rules); returns the count.
int64_t init_parameters(torch::nn::Module& module);

}  // namespace partedit::tiny
