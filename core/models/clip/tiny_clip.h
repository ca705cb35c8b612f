#pragma once
// Small random-weight CLIPModel folders (transformers layout) for tests: config.json,
// preprocessor_config.json, model.safetensors and the tiny CLIP tokenizer of the tiny
// diffusion models (vocab.json, merges.txt, special_tokens_map.json, tokenizer_config.json),
// loadable by CLIPModelFolder::load (clip_model.h).
#include <cstdint>
#include <filesystem>

namespace partedit {

struct TinyClipOptions {
  // text tower (77 positions, as the tokenizer's model_max_length)
  int64_t text_width = 32, text_layers = 2, text_heads = 2, text_mlp = 64;
  // vision tower
  int64_t vision_width = 32, vision_layers = 2, vision_heads = 4, vision_mlp = 64;
  int64_t image_size = 32, patch_size = 8;
  int64_t projection_dim = 16;
  uint64_t seed = 0;
};

// Writes the folder (created if missing; files overwritten) and returns the parameter count.
// Same options and seed give identical files. Throws partedit::Error on inconsistent options.
int64_t write_tiny_clip(const std::filesystem::path& dir, const TinyClipOptions& options);

}  // namespace partedit
