#include "models/unet/unet_config.h"

#include <algorithm>

#include "io/json_config.h"
#include "runtime/error.h"

namespace partedit {

namespace {

std::string where(const JsonConfig& cfg) { return " in " + cfg.source().string(); }

// Present with the value null (diffusers' None), as opposed to absent (diffusers' default).
bool is_null(const JsonConfig& cfg, const std::string& key) {
  auto it = cfg.json().find(key);
  return it != cfg.json().end() && it->is_null();
}

[[noreturn]] void unsupported(const JsonConfig& cfg, const std::string& key, const std::string& why) {
  const auto value = cfg.json().contains(key) ? cfg.json().at(key).dump() : std::string("(absent)");
  throw Error("unsupported UNet config " + key + " = " + value + where(cfg) + ": " + why);
}

// Keys of diffusers features that SD/SDXL checkpoints never enable: refuse a non-default value.
void refuse_other_features(const JsonConfig& cfg) {
  for (const char* key : {"class_embed_type", "num_class_embeds", "encoder_hid_dim", "encoder_hid_dim_type",
                          "time_cond_proj_dim", "timestep_post_act", "time_embedding_act_fn",
                          "cross_attention_norm", "num_attention_heads"})
    if (cfg.has(key)) unsupported(cfg, key, "only null is supported (SD 1.x/2.x/SDXL)");
  for (const char* key : {"dual_cross_attention", "class_embeddings_concat", "resnet_skip_time_act",
                          "mid_block_only_cross_attention"})
    if (cfg.get_or<bool>(key, false)) unsupported(cfg, key, "only false is supported");
  if (cfg.has("only_cross_attention")) {
    const auto& v = cfg.json().at("only_cross_attention");
    const bool any = v.is_boolean() ? v.get<bool>()
                                    : v.is_array() && std::any_of(v.begin(), v.end(), [](const auto& e) {
                                        return e.is_boolean() && e.template get<bool>();
                                      });
    if (any) unsupported(cfg, "only_cross_attention", "only false is supported");
  }
  const std::pair<const char*, const char*> fixed[] = {{"act_fn", "silu"},
                                                       {"resnet_time_scale_shift", "default"},
                                                       {"time_embedding_type", "positional"},
                                                       {"attention_type", "default"}};
  for (const auto& [key, value] : fixed)
    if (cfg.get_or<std::string>(key, value) != value)
      unsupported(cfg, key, std::string("only \"") + value + "\" is supported");
  if (cfg.get_or<double>("resnet_out_scale_factor", 1.0) != 1.0)
    unsupported(cfg, "resnet_out_scale_factor", "only 1.0 is supported");
  if (is_null(cfg, "norm_num_groups")) unsupported(cfg, "norm_num_groups", "a group count is required");
}

// transformer_layers_per_block: an int or a flat per-block list (nested per-layer lists are
// diffusers' asymmetric UNets, not used by SD/SDXL).
std::vector<int64_t> layers_list(const JsonConfig& cfg, const std::string& key, size_t count) {
  if (!cfg.has(key)) return std::vector<int64_t>(count, 1);
  const auto& v = cfg.json().at(key);
  if (v.is_array())
    for (const auto& e : v)
      if (!e.is_number_integer()) unsupported(cfg, key, "only an integer or a list of integers is supported");
  return cfg.get_int_list(key, count);
}

void check_unet_block_types(const JsonConfig& cfg, const UNet2DConditionConfig& c) {
  const size_t n = c.num_blocks();
  if (n == 0) throw Error("config key 'block_out_channels'" + where(cfg) + " is empty");
  if (c.down_block_types.size() != n || c.up_block_types.size() != n)
    throw Error("UNet config" + where(cfg) + ": down_block_types (" + std::to_string(c.down_block_types.size()) +
                "), up_block_types (" + std::to_string(c.up_block_types.size()) + ") and block_out_channels (" +
                std::to_string(n) + ") must have the same length");
  for (const auto& type : c.down_block_types)
    if (type != "CrossAttnDownBlock2D" && type != "DownBlock2D")
      throw Error("unsupported down block type '" + type + "'" + where(cfg) +
                  " (supported: CrossAttnDownBlock2D, DownBlock2D)");
  for (const auto& type : c.up_block_types)
    if (type != "CrossAttnUpBlock2D" && type != "UpBlock2D")
      throw Error("unsupported up block type '" + type + "'" + where(cfg) +
                  " (supported: CrossAttnUpBlock2D, UpBlock2D)");
  if (!c.mid_block_type.empty() && c.mid_block_type != "UNetMidBlock2DCrossAttn")
    throw Error("unsupported mid block type '" + c.mid_block_type + "'" + where(cfg) +
                " (supported: UNetMidBlock2DCrossAttn or null)");
}

void check_channels(const JsonConfig& cfg, const UNet2DConditionConfig& c) {
  for (size_t i = 0; i < c.num_blocks(); ++i) {
    const int64_t channels = c.block_out_channels[i];
    if (channels <= 0 || channels % c.norm_num_groups != 0)
      throw Error("UNet config" + where(cfg) + ": block_out_channels[" + std::to_string(i) + "] = " +
                  std::to_string(channels) + " is not a positive multiple of norm_num_groups " +
                  std::to_string(c.norm_num_groups));
    if (c.num_attention_heads[i] <= 0 || channels % c.num_attention_heads[i] != 0)
      throw Error("UNet config" + where(cfg) + ": block_out_channels[" + std::to_string(i) + "] = " +
                  std::to_string(channels) + " is not divisible by the " + std::to_string(c.num_attention_heads[i]) +
                  " heads of attention_head_dim (which diffusers reads as the number of heads)");
  }
  if (c.conv_in_kernel % 2 == 0 || c.conv_out_kernel % 2 == 0)
    throw Error("UNet config" + where(cfg) + ": conv_in_kernel and conv_out_kernel must be odd");
}

}  // namespace

UNet2DConditionConfig UNet2DConditionConfig::from_json(const JsonConfig& cfg) {
  // Defaults: diffusers unet_2d_condition.py UNet2DConditionModel.__init__
  refuse_other_features(cfg);
  UNet2DConditionConfig c;
  c.block_out_channels = cfg.get<std::vector<int64_t>>("block_out_channels");
  c.down_block_types = cfg.get<std::vector<std::string>>("down_block_types");
  c.up_block_types = cfg.get<std::vector<std::string>>("up_block_types");
  if (is_null(cfg, "mid_block_type"))
    c.mid_block_type.clear();
  else
    c.mid_block_type = cfg.get_or<std::string>("mid_block_type", c.mid_block_type);
  check_unet_block_types(cfg, c);
  const size_t n = c.num_blocks();

  if (cfg.has("sample_size")) {
    const auto& v = cfg.json().at("sample_size");
    c.sample_size = v.is_array() && !v.empty() ? v.front().get<int64_t>() : cfg.get<int64_t>("sample_size");
  }
  c.in_channels = cfg.get_or<int64_t>("in_channels", c.in_channels);
  c.out_channels = cfg.get_or<int64_t>("out_channels", c.out_channels);
  c.center_input_sample = cfg.get_or<bool>("center_input_sample", c.center_input_sample);
  c.flip_sin_to_cos = cfg.get_or<bool>("flip_sin_to_cos", c.flip_sin_to_cos);
  c.freq_shift = cfg.get_or<double>("freq_shift", c.freq_shift);
  c.layers_per_block = cfg.get_int_list_or("layers_per_block", n, 2);
  c.transformer_layers_per_block = layers_list(cfg, "transformer_layers_per_block", n);
  c.reverse_transformer_layers_per_block =
      cfg.has("reverse_transformer_layers_per_block")
          ? layers_list(cfg, "reverse_transformer_layers_per_block", n)
          : std::vector<int64_t>(c.transformer_layers_per_block.rbegin(), c.transformer_layers_per_block.rend());
  c.attention_head_dim = cfg.get_int_list_or("attention_head_dim", n, 8);
  c.num_attention_heads = c.attention_head_dim;  // diffusers: num_attention_heads or attention_head_dim
  c.cross_attention_dim = cfg.get_int_list("cross_attention_dim", n);
  c.downsample_padding = cfg.get_or<int64_t>("downsample_padding", c.downsample_padding);
  c.mid_block_scale_factor = cfg.get_or<double>("mid_block_scale_factor", c.mid_block_scale_factor);
  c.act_fn = cfg.get_or<std::string>("act_fn", c.act_fn);
  c.norm_num_groups = cfg.get_or<int64_t>("norm_num_groups", c.norm_num_groups);
  c.norm_eps = cfg.get_or<double>("norm_eps", c.norm_eps);
  c.use_linear_projection = cfg.get_or<bool>("use_linear_projection", c.use_linear_projection);
  c.upcast_attention = cfg.get_or<bool>("upcast_attention", c.upcast_attention);
  c.resnet_time_scale_shift = cfg.get_or<std::string>("resnet_time_scale_shift", c.resnet_time_scale_shift);
  c.time_embedding_dim = cfg.get_or<int64_t>("time_embedding_dim", 0);
  c.conv_in_kernel = cfg.get_or<int64_t>("conv_in_kernel", c.conv_in_kernel);
  c.conv_out_kernel = cfg.get_or<int64_t>("conv_out_kernel", c.conv_out_kernel);

  c.addition_embed_type = cfg.get_or<std::string>("addition_embed_type", "");
  if (!c.addition_embed_type.empty() && c.addition_embed_type != "text_time")
    unsupported(cfg, "addition_embed_type", "only null and \"text_time\" (SDXL) are supported");
  if (c.has_text_time()) {
    c.addition_time_embed_dim = cfg.get<int64_t>("addition_time_embed_dim");
    c.projection_class_embeddings_input_dim = cfg.get<int64_t>("projection_class_embeddings_input_dim");
  }
  check_channels(cfg, c);
  return c;
}

}  // namespace partedit
