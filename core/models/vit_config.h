#pragma once
// The keys every transformers ViT config has (CLIP's and BLIP-2's vision towers), read over
// the defaults the struct already holds; each tower adds and checks its own keys.
#include <cstdint>
#include <string>

#include "io/json_config.h"

namespace partedit {

template <typename VisionConfig>
void read_vit_keys(const JsonConfig& cfg, VisionConfig& c) {
  c.hidden_size = cfg.get_or<int64_t>("hidden_size", c.hidden_size);
  c.intermediate_size = cfg.get_or<int64_t>("intermediate_size", c.intermediate_size);
  c.num_hidden_layers = cfg.get_or<int64_t>("num_hidden_layers", c.num_hidden_layers);
  c.num_attention_heads = cfg.get_or<int64_t>("num_attention_heads", c.num_attention_heads);
  c.image_size = cfg.get_or<int64_t>("image_size", c.image_size);
  c.patch_size = cfg.get_or<int64_t>("patch_size", c.patch_size);
  c.hidden_act = cfg.get_or<std::string>("hidden_act", c.hidden_act);
  c.layer_norm_eps = cfg.get_or<double>("layer_norm_eps", c.layer_norm_eps);
}

}  // namespace partedit
