#include "models/vae/vae_config.h"

#include "io/json_config.h"
#include "runtime/error.h"

namespace partedit {

namespace {

// A list of floats that may be null (-> empty) or must have `count` entries.
std::vector<double> optional_channel_list(const JsonConfig& cfg, const std::string& key, int64_t count) {
  if (!cfg.has(key)) return {};
  auto values = cfg.get<std::vector<double>>(key);
  if (static_cast<int64_t>(values.size()) != count)
    throw Error("config key '" + key + "' in " + cfg.source().string() + " has " + std::to_string(values.size()) +
                " entries, expected latent_channels = " + std::to_string(count));
  return values;
}

void check_vae_block_types(const std::vector<std::string>& types, const std::string& key, const std::string& supported,
                       size_t count, const std::string& where) {
  if (types.size() != count)
    throw Error("config key '" + key + "'" + where + " has " + std::to_string(types.size()) +
                " entries, but block_out_channels has " + std::to_string(count));
  for (size_t i = 0; i < types.size(); ++i)
    if (types[i] != supported)
      throw Error("config key '" + key + "'" + where + ": block " + std::to_string(i) + " has unsupported type '" +
                  types[i] + "'; supported: " + supported);
}

}  // namespace

AutoencoderKLConfig AutoencoderKLConfig::from_json(const JsonConfig& cfg) {
  const std::string where = " in " + cfg.source().string();
  const auto class_name = cfg.get_or<std::string>("_class_name", "AutoencoderKL");
  if (class_name != "AutoencoderKL")
    throw Error("config key '_class_name'" + where + " is '" + class_name + "'; expected AutoencoderKL");

  AutoencoderKLConfig c;
  c.block_out_channels = cfg.get<std::vector<int64_t>>("block_out_channels");
  c.down_block_types = cfg.get<std::vector<std::string>>("down_block_types");
  c.up_block_types = cfg.get<std::vector<std::string>>("up_block_types");
  c.layers_per_block = cfg.get<int64_t>("layers_per_block");
  c.latent_channels = cfg.get<int64_t>("latent_channels");
  // Defaults of diffusers' AutoencoderKL.__init__.
  c.in_channels = cfg.get_or<int64_t>("in_channels", 3);
  c.out_channels = cfg.get_or<int64_t>("out_channels", 3);
  c.norm_num_groups = cfg.get_or<int64_t>("norm_num_groups", 32);
  c.act_fn = cfg.get_or<std::string>("act_fn", "silu");
  c.sample_size = cfg.get_or<int64_t>("sample_size", 32);
  c.scaling_factor = cfg.get_or<double>("scaling_factor", 0.18215);
  if (cfg.has("shift_factor")) c.shift_factor = cfg.get<double>("shift_factor");
  c.force_upcast = cfg.get_or<bool>("force_upcast", true);
  c.use_quant_conv = cfg.get_or<bool>("use_quant_conv", true);
  c.use_post_quant_conv = cfg.get_or<bool>("use_post_quant_conv", true);
  c.mid_block_add_attention = cfg.get_or<bool>("mid_block_add_attention", true);

  if (c.block_out_channels.empty() || c.block_out_channels.size() > 8)
    throw Error("config key 'block_out_channels'" + where + " must have 1 to 8 entries");
  check_vae_block_types(c.down_block_types, "down_block_types", "DownEncoderBlock2D", c.block_out_channels.size(), where);
  check_vae_block_types(c.up_block_types, "up_block_types", "UpDecoderBlock2D", c.block_out_channels.size(), where);
  if (c.act_fn != "silu")
    throw Error("config key 'act_fn'" + where + " is '" + c.act_fn + "'; supported: silu");
  if (c.layers_per_block < 1) throw Error("config key 'layers_per_block'" + where + " must be at least 1");
  if (c.latent_channels < 1 || c.in_channels < 1 || c.out_channels < 1)
    throw Error("config keys 'latent_channels', 'in_channels', 'out_channels'" + where + " must be positive");
  for (const auto channels : c.block_out_channels)
    if (c.norm_num_groups < 1 || channels % c.norm_num_groups != 0)
      throw Error("config key 'block_out_channels'" + where + ": " + std::to_string(channels) +
                  " channels are not divisible by norm_num_groups = " + std::to_string(c.norm_num_groups));
  if (c.scaling_factor == 0.0) throw Error("config key 'scaling_factor'" + where + " must not be 0");
  c.latents_mean = optional_channel_list(cfg, "latents_mean", c.latent_channels);
  c.latents_std = optional_channel_list(cfg, "latents_std", c.latent_channels);
  if (c.latents_mean.empty() != c.latents_std.empty())
    throw Error("config keys 'latents_mean' and 'latents_std'" + where + " must both be set or both be null");
  return c;
}

}  // namespace partedit
