#pragma once
// The configuration of diffusers' UNet2DConditionModel (unet/config.json), restricted to what
// SD 1.x, SD 2.x and SDXL use. Field names as in the file; per-block fields are expanded to
// one entry per down block. Anything else is refused with an Error naming the key and file.
#include <cstdint>
#include <string>
#include <vector>

namespace partedit {

class JsonConfig;

struct UNet2DConditionConfig {
  int64_t sample_size = 0;  // informational (latent size the model was trained at); 0 = null
  int64_t in_channels = 4;
  int64_t out_channels = 4;
  bool center_input_sample = false;
  bool flip_sin_to_cos = true;
  double freq_shift = 0;
  std::vector<std::string> down_block_types;  // CrossAttnDownBlock2D | DownBlock2D
  std::string mid_block_type = "UNetMidBlock2DCrossAttn";  // or "" (config null: no mid block)
  std::vector<std::string> up_block_types;    // CrossAttnUpBlock2D | UpBlock2D
  std::vector<int64_t> block_out_channels;
  std::vector<int64_t> layers_per_block;              // per down block (int or list in the file)
  std::vector<int64_t> transformer_layers_per_block;  // per down block (int or list)
  std::vector<int64_t> reverse_transformer_layers_per_block;  // per up block (reversed list unless given)
  // diffusers' naming quirk: `attention_head_dim` in the file is the number of HEADS per block
  // (`num_attention_heads = num_attention_heads or attention_head_dim`); the head width is
  // channels / heads. SD 1.x: 8 heads everywhere; SD 2.x: [5, 10, 20, 20]; SDXL: [5, 10, 20].
  std::vector<int64_t> attention_head_dim;    // per down block, as written
  std::vector<int64_t> num_attention_heads;   // per down block, the heads actually used
  std::vector<int64_t> cross_attention_dim;   // per down block (int or list)
  int64_t downsample_padding = 1;
  double mid_block_scale_factor = 1.0;
  std::string act_fn = "silu";
  int64_t norm_num_groups = 32;
  double norm_eps = 1e-5;
  bool use_linear_projection = false;
  // Parsed for completeness; like diffusers' default (fused) processor, attention does not
  // upcast (only matters for fp16 on CUDA; SD 2.1 sets it).
  bool upcast_attention = false;
  std::string resnet_time_scale_shift = "default";
  std::string addition_embed_type;  // "" (null) or "text_time" (SDXL)
  int64_t addition_time_embed_dim = 0;                // text_time: sinusoid width per time id
  int64_t projection_class_embeddings_input_dim = 0;  // text_time: pooled width + 6 * the above
  int64_t time_embedding_dim = 0;  // 0 = block_out_channels[0] * 4
  int64_t conv_in_kernel = 3;
  int64_t conv_out_kernel = 3;

  size_t num_blocks() const { return block_out_channels.size(); }
  int64_t time_embed_dim() const { return time_embedding_dim > 0 ? time_embedding_dim : block_out_channels[0] * 4; }
  bool has_text_time() const { return addition_embed_type == "text_time"; }

  // Required keys: block_out_channels, down_block_types, up_block_types, cross_attention_dim,
  // and for text_time addition_time_embed_dim and projection_class_embeddings_input_dim.
  // Every other key takes diffusers' default when absent.
  static UNet2DConditionConfig from_json(const JsonConfig& cfg);
};

}  // namespace partedit
