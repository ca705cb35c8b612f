#pragma once
// Small random-weight BLIP-2 folders for tests and benchmarks: config.json,
// preprocessor_config.json, generation_config.json and model.safetensors in the transformers
// layout, loadable by load_blip2. Flan-T5: no tokenizer is written (a sentencepiece model
// cannot be trained from the engine); generation works on ids. OPT: a GPT-2 byte-level BPE
// tokenizer learned from a built-in word list is written too (vocab.json, merges.txt,
// tokenizer_config.json, special_tokens_map.json), so the folder captions end to end.
#include <cstdint>
#include <filesystem>
#include <string>

namespace partedit {

struct TinyBlip2Options {
  // vision transformer
  int64_t vision_width = 32, vision_layers = 2, vision_heads = 2, vision_mlp = 64;
  int64_t image_size = 56, patch_size = 14;
  // Q-Former
  int64_t qformer_width = 32, qformer_layers = 2, qformer_heads = 2, qformer_mlp = 64, num_query_tokens = 8;
  // language model: "t5" (Flan-T5) or "opt"; vocab_size is the model's (embedding rows)
  std::string text_model = "t5";
  int64_t vocab_size = 512;
  // Flan-T5
  int64_t d_model = 32, d_kv = 16, d_ff = 64, t5_layers = 2, t5_heads = 2;
  // OPT (pre-LN, ReLU, tied lm_head; eos is the "\n" byte token, as blip2-opt-2.7b's 50118)
  int64_t opt_hidden = 32, opt_layers = 2, opt_heads = 2, opt_ffn = 64, opt_max_positions = 64;
  uint64_t seed = 0;
};

// The benchmark's "medium" BLIP-2: 224 px images, ViT 384 wide x 6 layers, Q-Former 384 x 4
// with 32 queries, Flan-T5 512 wide (8 heads x 64) x 4+4 layers, d_ff 1024, the real
// 32128-entry vocabulary (~90M parameters).
TinyBlip2Options medium_blip2_options(uint64_t seed = 0);

// Writes the folder (created if missing; files overwritten) and returns the parameter count.
// Same options and seed give identical files. Throws partedit::Error on inconsistent options.
int64_t write_tiny_blip2(const std::filesystem::path& dir, const TinyBlip2Options& options);

}  // namespace partedit
