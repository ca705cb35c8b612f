#pragma once
// diffusers' UNet2DConditionModel (unet_2d_condition.py) for SD 1.x, SD 2.x and SDXL:
// conv_in, time_proj + time_embedding, SDXL's text_time added conditioning (add_time_proj +
// add_embedding), down_blocks.N, mid_block, up_blocks.N, conv_norm_out, conv_out. Every
// attention layer carries its AttentionSite (execution order, cross index, module path) so
// that editing code can observe and rewrite it through one AttentionController.
#include <filesystem>
#include <memory>
#include <vector>

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>
#include <c10/core/ScalarType.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/pimpl.h>

#include "models/unet/unet_blocks.h"
#include "models/unet/unet_config.h"
#include "nn/attention.h"
#include "nn/embeddings.h"
#include "nn/layers.h"

namespace partedit {

class WeightSource;

// SDXL's micro-conditioning ("text_time"): text_embeds [B, P] (pooled text embedding) and
// time_ids [B, 6]. Leave both undefined for SD 1.x/2.x.
struct UNetAddedConditions {
  at::Tensor text_embeds;
  at::Tensor time_ids;
};

class UNet2DConditionModelImpl : public torch::nn::Module {
 public:
  explicit UNet2DConditionModelImpl(const UNet2DConditionConfig& config);

  // sample [B, C_in, h, w] -> noise prediction [B, C_out, h, w] in the model's dtype (the dtype
  // of its parameters; inputs of another dtype are converted). The timestep is the same for
  // the whole batch. encoder_hidden_states: [B, M, cross_attention_dim].
  // Works with or without autograd; under InferenceMode/NoGrad intermediates are updated in place.
  at::Tensor forward(const at::Tensor& sample, double timestep, const at::Tensor& encoder_hidden_states,
                     const UNetAddedConditions& added = {});

  const UNet2DConditionConfig& config() const { return config_; }
  // All attention layers (attn1 and attn2 of every transformer block) in execution order:
  // down blocks, mid block, up blocks; site().index is the position in this list.
  std::vector<Attention> attention_layers() const { return attention_layers_; }
  // The attn2 layers in execution order; site().cross_index is the position (SDXL-base: 70).
  std::vector<Attention> cross_attention_layers() const;
  // Installs `controller` (not owned; nullptr = none) on every attention layer.
  void set_attention_controller(AttentionController* controller);

  Conv2d conv_in{nullptr};
  Timesteps time_proj{nullptr};
  TimestepEmbedding time_embedding{nullptr};
  Timesteps add_time_proj{nullptr};           // text_time only
  TimestepEmbedding add_embedding{nullptr};   // text_time only
  torch::nn::ModuleList down_blocks{nullptr};
  UNetMidBlock2DCrossAttn mid_block{nullptr};  // absent when mid_block_type is null
  torch::nn::ModuleList up_blocks{nullptr};
  torch::nn::GroupNorm conv_norm_out{nullptr};
  Conv2d conv_out{nullptr};

 private:
  void build_down_blocks();
  void build_mid_block();
  void build_up_blocks();
  void assign_attention_sites();
  at::Tensor time_embed(double timestep, int64_t batch, const UNetAddedConditions& added, c10::ScalarType dtype);

  UNet2DConditionConfig config_;
  std::vector<std::shared_ptr<UNetDownBlock>> down_;  // down_blocks, typed
  std::vector<std::shared_ptr<UNetUpBlock>> up_;      // up_blocks, typed
  std::vector<Attention> attention_layers_;
};
TORCH_MODULE(UNet2DConditionModel);

// Reads unet_folder/config.json and the folder's diffusion_pytorch_model*.safetensors strictly
// (with prefer_fp16_weights the .fp16 variant first); the model ends on `device` in `dtype`,
// in eval mode.
UNet2DConditionModel load_unet(const std::filesystem::path& unet_folder, c10::Device device = c10::kCPU,
                               c10::ScalarType dtype = c10::kFloat, bool prefer_fp16_weights = false);
// The same from a parsed config and any weight source (a single-file checkpoint's UNet).
UNet2DConditionModel load_unet(const UNet2DConditionConfig& config, const WeightSource& weights,
                               c10::Device device = c10::kCPU, c10::ScalarType dtype = c10::kFloat);

}  // namespace partedit
