#include "models/unet/unet_2d_condition.h"

#include <algorithm>
#include <string>

#include <ATen/ATen.h>
#include <ATen/core/grad_mode.h>
#include <c10/core/InferenceMode.h>

#include "io/json_config.h"
#include "io/weights.h"
#include "runtime/cancel.h"
#include "runtime/cpu_share.h"
#include "runtime/threads.h"
#include "runtime/error.h"

namespace partedit {

namespace {

std::string shape_of(const at::Tensor& t) {
  std::string s = "[";
  for (int64_t i = 0; i < t.dim(); ++i) s += (i ? ", " : "") + std::to_string(t.size(i));
  return s + "]";
}

Conv2d conv_kxk(int64_t in, int64_t out, int64_t kernel) {
  return Conv2d(in, out, kernel, /*stride=*/1, /*padding=*/(kernel - 1) / 2);
}

template <typename T>
std::vector<T> reversed(const std::vector<T>& v) {
  return std::vector<T>(v.rbegin(), v.rend());
}

}  // namespace

UNet2DConditionModelImpl::UNet2DConditionModelImpl(const UNet2DConditionConfig& config) : config_(config) {
  const auto& c = config_;
  const int64_t c0 = c.block_out_channels.front();
  // 1. input and time embedding
  conv_in = register_module("conv_in", conv_kxk(c.in_channels, c0, c.conv_in_kernel));
  time_proj = register_module("time_proj", Timesteps(c0, c.flip_sin_to_cos, c.freq_shift));
  time_embedding = register_module("time_embedding", TimestepEmbedding(c0, c.time_embed_dim()));
  if (c.has_text_time()) {
    add_time_proj = register_module("add_time_proj", Timesteps(c.addition_time_embed_dim, c.flip_sin_to_cos, c.freq_shift));
    add_embedding = register_module("add_embedding",
                                    TimestepEmbedding(c.projection_class_embeddings_input_dim, c.time_embed_dim()));
  }
  // 2. blocks
  build_down_blocks();
  build_mid_block();
  build_up_blocks();
  // 3. output
  conv_norm_out = register_module(
      "conv_norm_out", torch::nn::GroupNorm(torch::nn::GroupNormOptions(c.norm_num_groups, c0).eps(c.norm_eps)));
  conv_out = register_module("conv_out", conv_kxk(c0, c.out_channels, c.conv_out_kernel));
  assign_attention_sites();
}

void UNet2DConditionModelImpl::build_down_blocks() {
  // diffusers unet_2d_condition.py __init__, "# down"
  const auto& c = config_;
  const size_t n = c.num_blocks();
  down_blocks = register_module("down_blocks", torch::nn::ModuleList());
  int64_t output_channel = c.block_out_channels.front();
  for (size_t i = 0; i < n; ++i) {
    UNetBlockOptions o;
    o.in_channels = output_channel;
    output_channel = c.block_out_channels[i];
    o.out_channels = output_channel;
    o.temb_channels = c.time_embed_dim();
    o.num_layers = c.layers_per_block[i];
    o.transformer_layers = c.transformer_layers_per_block[i];
    o.num_attention_heads = c.num_attention_heads[i];
    o.cross_attention_dim = c.cross_attention_dim[i];
    o.resnet_groups = c.norm_num_groups;
    o.resnet_eps = c.norm_eps;
    o.use_linear_projection = c.use_linear_projection;
    o.add_sampler = i + 1 < n;
    o.downsample_padding = c.downsample_padding;
    std::shared_ptr<UNetDownBlock> block;
    if (c.down_block_types[i] == "CrossAttnDownBlock2D")
      block = CrossAttnDownBlock2D(o).ptr();
    else
      block = DownBlock2D(o).ptr();
    down_blocks->push_back(block);
    down_.push_back(block);
  }
}

void UNet2DConditionModelImpl::build_mid_block() {
  const auto& c = config_;
  if (c.mid_block_type.empty()) return;
  UNetBlockOptions o;
  o.in_channels = c.block_out_channels.back();
  o.out_channels = o.in_channels;
  o.temb_channels = c.time_embed_dim();
  o.num_layers = 1;
  o.transformer_layers = c.transformer_layers_per_block.back();
  o.num_attention_heads = c.num_attention_heads.back();
  o.cross_attention_dim = c.cross_attention_dim.back();
  o.resnet_groups = c.norm_num_groups;
  o.resnet_eps = c.norm_eps;
  o.output_scale_factor = c.mid_block_scale_factor;
  o.use_linear_projection = c.use_linear_projection;
  mid_block = register_module("mid_block", UNetMidBlock2DCrossAttn(o));
}

void UNet2DConditionModelImpl::build_up_blocks() {
  // diffusers unet_2d_condition.py __init__, "# up": per-block lists reversed
  const auto& c = config_;
  const size_t n = c.num_blocks();
  const auto channels = reversed(c.block_out_channels);
  const auto heads = reversed(c.num_attention_heads);
  const auto layers = reversed(c.layers_per_block);
  const auto cross_dims = reversed(c.cross_attention_dim);
  up_blocks = register_module("up_blocks", torch::nn::ModuleList());
  int64_t output_channel = channels.front();
  for (size_t i = 0; i < n; ++i) {
    UNetBlockOptions o;
    o.prev_output_channel = output_channel;
    output_channel = channels[i];
    o.out_channels = output_channel;
    o.in_channels = channels[std::min(i + 1, n - 1)];
    o.temb_channels = c.time_embed_dim();
    o.num_layers = layers[i] + 1;
    o.transformer_layers = c.reverse_transformer_layers_per_block[i];
    o.num_attention_heads = heads[i];
    o.cross_attention_dim = cross_dims[i];
    o.resnet_groups = c.norm_num_groups;
    o.resnet_eps = c.norm_eps;
    o.use_linear_projection = c.use_linear_projection;
    o.add_sampler = i + 1 < n;
    std::shared_ptr<UNetUpBlock> block;
    if (c.up_block_types[i] == "CrossAttnUpBlock2D")
      block = CrossAttnUpBlock2D(o).ptr();
    else
      block = UpBlock2D(o).ptr();
    up_blocks->push_back(block);
    up_.push_back(block);
  }
}

void UNet2DConditionModelImpl::assign_attention_sites() {
  // Execution order: blocks down -> mid -> up, attentions.J in order, transformer_blocks.K
  // in order, attn1 (self) before attn2 (cross).
  int index = 0, cross_index = 0;
  auto visit = [&](const std::string& prefix, const std::vector<Transformer2DModel>& transformers) {
    for (size_t j = 0; j < transformers.size(); ++j) {
      const auto& blocks = transformers[j]->blocks();
      for (size_t k = 0; k < blocks.size(); ++k) {
        const std::string path = prefix + "attentions." + std::to_string(j) + ".transformer_blocks." + std::to_string(k);
        for (Attention layer : {blocks[k]->attn1, blocks[k]->attn2}) {
          auto& site = layer->site();
          site.index = index++;
          site.is_cross = layer->is_cross();
          site.cross_index = site.is_cross ? cross_index++ : -1;
          site.name = path + (site.is_cross ? ".attn2" : ".attn1");
          attention_layers_.push_back(layer);
        }
      }
    }
  };
  for (size_t i = 0; i < down_.size(); ++i) visit("down_blocks." + std::to_string(i) + ".", down_[i]->transformers());
  if (mid_block) visit("mid_block.", mid_block->transformers());
  for (size_t i = 0; i < up_.size(); ++i) visit("up_blocks." + std::to_string(i) + ".", up_[i]->transformers());
}

std::vector<Attention> UNet2DConditionModelImpl::cross_attention_layers() const {
  std::vector<Attention> out;
  for (const auto& layer : attention_layers_)
    if (layer->is_cross()) out.push_back(layer);
  return out;
}

void UNet2DConditionModelImpl::set_attention_controller(AttentionController* controller) {
  for (auto& layer : attention_layers_) layer->set_controller(controller);
}

at::Tensor UNet2DConditionModelImpl::time_embed(double timestep, int64_t batch, const UNetAddedConditions& added,
                                                c10::ScalarType dtype) {
  // diffusers unet_2d_condition.py get_time_embed / get_aug_embed: sinusoids in float32, then
  // the model dtype. The timestep is shared by the batch: embed once, broadcast.
  const auto device = conv_in->weight.device();
  auto emb = time_embedding(time_proj->forward(timestep, device).to(dtype));  // [1, T]
  if (!config_.has_text_time()) return emb.expand({batch, -1});               // [B, T]

  if (!added.text_embeds.defined() || !added.time_ids.defined())
    throw Error("this UNet (addition_embed_type \"text_time\", SDXL) needs added conditions text_embeds and time_ids");
  const auto& text = added.text_embeds;
  const auto& time_ids = added.time_ids;
  if (text.dim() != 2 || time_ids.dim() != 2 || text.size(0) != batch || time_ids.size(0) != batch ||
      text.size(1) + time_ids.size(1) * config_.addition_time_embed_dim != config_.projection_class_embeddings_input_dim)
    throw Error("UNet added conditions: text_embeds " + shape_of(text) + " and time_ids " + shape_of(time_ids) +
                " do not fit batch " + std::to_string(batch) + " and projection_class_embeddings_input_dim " +
                std::to_string(config_.projection_class_embeddings_input_dim));
  auto time_embeds = add_time_proj->forward(time_ids.to(device).flatten()).view({batch, -1});  // [B, 6 * d] float32
  auto add_embeds = at::cat({text.to(device, at::kFloat), time_embeds}, -1).to(dtype);  // [B, P + 6d]
  return add_embedding(add_embeds).add_(emb);  // [B, T]; add_embedding's fresh output
}

at::Tensor UNet2DConditionModelImpl::forward(const at::Tensor& sample, double timestep,
                                             const at::Tensor& encoder_hidden_states,
                                             const UNetAddedConditions& added) {
  const auto dtype = conv_in->weight.scalar_type();
  const auto device = conv_in->weight.device();
  if (sample.dim() != 4 || sample.size(1) != config_.in_channels)
    throw Error("UNet sample must be [B, " + std::to_string(config_.in_channels) + ", h, w], got " + shape_of(sample));
  const int64_t batch = sample.size(0);
  if (encoder_hidden_states.dim() != 3 || encoder_hidden_states.size(0) != batch)
    throw Error("UNet encoder_hidden_states must be [" + std::to_string(batch) + ", M, D], got " +
                shape_of(encoder_hidden_states));
  if (device.is_cpu()) {  // once per call: BLAS threads fitted to the free cores, the heap trimmed
    share_cpu_with_other_programs();
    release_free_memory();
  }
  auto x = sample.to(device, dtype);                            // [B, C_in, h, w]
  const auto context = encoder_hidden_states.to(device, dtype);  // [B, M, D]

  // 0. center input
  if (config_.center_input_sample) x = x * 2.0 - 1.0;
  // 1. time
  const auto temb = time_embed(timestep, batch, added, dtype);  // [B, T]
  // 2. pre-process
  x = conv_in(x);  // [B, C0, h, w]
  // 3. down
  std::vector<at::Tensor> skips{x};
  // (cancellation_point(): a cancel lands between blocks, and within them between layers.)
  for (auto& block : down_) {
    cancellation_point();
    x = block->forward(x, temb, context, skips);  // [B, C_i, h/2^i, w/2^i]
  }
  // 4. mid
  cancellation_point();
  if (mid_block) x = mid_block(x, temb, context);
  // 5. up
  for (auto& block : up_) {
    cancellation_point();
    x = block->forward(x, skips, temb, context);  // [B, C0, h, w] at the end
  }
  // 6. post-process
  x = conv_norm_out(x);
  x = at::GradMode::is_enabled() ? at::silu(x) : at::silu_(x);
  return conv_out(x);  // [B, C_out, h, w]
}

UNet2DConditionModel load_unet(const std::filesystem::path& unet_folder, c10::Device device, c10::ScalarType dtype,
                               bool prefer_fp16_weights) {
  const auto config = UNet2DConditionConfig::from_json(JsonConfig::load(unet_folder / "config.json"));
  return load_unet(config, WeightSet::open_folder(unet_folder, "diffusion_pytorch_model", prefer_fp16_weights),
                   device, dtype);
}

UNet2DConditionModel load_unet(const UNet2DConditionConfig& config, const WeightSource& weights, c10::Device device,
                               c10::ScalarType dtype) {
  // Parameters must be normal tensors even if the caller is inside InferenceMode, so that
  // the same model also serves token training.
  c10::InferenceMode normal_tensors(false);
  UNet2DConditionModel model(config);
  model->to(device, dtype);
  load_weights(*model, weights);
  model->eval();
  return model;
}

}  // namespace partedit
