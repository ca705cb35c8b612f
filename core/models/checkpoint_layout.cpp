#include "models/checkpoint_layout.h"

#include "io/safetensors.h"
#include "models/clip/clip_text_model.h"
#include "models/unet/unet_config.h"
#include "models/vae/vae_config.h"

namespace partedit {

namespace {

std::string num(size_t i) { return std::to_string(i); }

struct RuleList {
  std::string prefix;  // the component's file prefix, prepended to every file-side name
  std::vector<KeyRule> rules;

  void add(const std::string& ours, const std::string& theirs, KeyConversion conversion = KeyConversion::None) {
    rules.push_back({ours, prefix + theirs, conversion});
  }
  // An LDM ResBlock (UNet: in_layers/emb_layers/out_layers/skip_connection) as diffusers'
  // ResnetBlock2D.
  void unet_resnet(const std::string& ours, const std::string& theirs) {
    add(ours + "norm1.", theirs + "in_layers.0.");
    add(ours + "conv1.", theirs + "in_layers.2.");
    add(ours + "time_emb_proj.", theirs + "emb_layers.1.");
    add(ours + "norm2.", theirs + "out_layers.0.");
    add(ours + "conv2.", theirs + "out_layers.3.");
    add(ours + "conv_shortcut.", theirs + "skip_connection.");
  }
  // The VAE's ResnetBlock: the same names but the shortcut.
  void vae_resnet(const std::string& ours, const std::string& theirs) {
    add(ours, theirs);
    add(ours + "conv_shortcut.", theirs + "nin_shortcut.");
  }
  // The VAE's single-head attention: LDM's AttnBlock computes q, k, v and the output
  // projection with 1x1 convolutions.
  void vae_attention(const std::string& ours, const std::string& theirs) {
    add(ours + "group_norm.", theirs + "norm.");
    const std::pair<const char*, const char*> projections[] = {
        {"to_q.", "q."}, {"to_k.", "k."}, {"to_v.", "v."}, {"to_out.0.", "proj_out."}};
    for (const auto& [o, t] : projections) {
      add(ours + o + "weight", theirs + t + "weight", KeyConversion::Conv1x1ToLinear);
      add(ours + o + "bias", theirs + t + "bias");
    }
  }
  void vae_mid_block(const std::string& ours, const std::string& theirs, bool attention) {
    vae_resnet(ours + "resnets.0.", theirs + "block_1.");
    if (attention) vae_attention(ours + "attentions.0.", theirs + "attn_1.");
    vae_resnet(ours + "resnets.1.", theirs + "block_2.");
  }
};

}  // namespace

ComponentLayout unet_checkpoint_layout(const UNet2DConditionConfig& c) {
  RuleList r{"model.diffusion_model.", {}};
  r.add("conv_in.", "input_blocks.0.0.");
  r.add("time_embedding.linear_1.", "time_embed.0.");
  r.add("time_embedding.linear_2.", "time_embed.2.");
  if (c.has_text_time()) {
    r.add("add_embedding.linear_1.", "label_emb.0.0.");
    r.add("add_embedding.linear_2.", "label_emb.0.2.");
  }
  // input_blocks count on through the down blocks: one per resnet (with its attention at
  // .1), then one for the downsampler (its convolution is "op").
  const size_t n = c.num_blocks();
  size_t input = 1;
  for (size_t i = 0; i < n; ++i) {
    const std::string block = "down_blocks." + num(i) + ".";
    const bool attention = c.down_block_types[i] == "CrossAttnDownBlock2D";
    for (int64_t j = 0; j < c.layers_per_block[i]; ++j, ++input) {
      const std::string theirs = "input_blocks." + num(input) + ".";
      r.unet_resnet(block + "resnets." + num(j) + ".", theirs + "0.");
      if (attention) r.add(block + "attentions." + num(j) + ".", theirs + "1.");
    }
    if (i + 1 < n) r.add(block + "downsamplers.0.conv.", "input_blocks." + num(input++) + ".0.op.");
  }
  if (!c.mid_block_type.empty()) {
    r.unet_resnet("mid_block.resnets.0.", "middle_block.0.");
    r.add("mid_block.attentions.0.", "middle_block.1.");
    r.unet_resnet("mid_block.resnets.1.", "middle_block.2.");
  }
  // output_blocks: one per up-block resnet (layers_per_block + 1 of them, the per-block list
  // reversed); the block's last one also holds the upsampler, after the attention if any.
  size_t output = 0;
  for (size_t i = 0; i < n; ++i) {
    const std::string block = "up_blocks." + num(i) + ".";
    const bool attention = c.up_block_types[i] == "CrossAttnUpBlock2D";
    const int64_t resnets = c.layers_per_block[n - 1 - i] + 1;
    for (int64_t j = 0; j < resnets; ++j, ++output) {
      const std::string theirs = "output_blocks." + num(output) + ".";
      r.unet_resnet(block + "resnets." + num(j) + ".", theirs + "0.");
      if (attention) r.add(block + "attentions." + num(j) + ".", theirs + "1.");
      if (j + 1 == resnets && i + 1 < n) r.add(block + "upsamplers.0.conv.", theirs + (attention ? "2" : "1") + ".conv.");
    }
  }
  r.add("conv_norm_out.", "out.0.");
  r.add("conv_out.", "out.2.");
  return {"UNet", r.prefix, std::move(r.rules), {}};
}

ComponentLayout vae_checkpoint_layout(const AutoencoderKLConfig& c) {
  RuleList r{"first_stage_model.", {}};
  const size_t n = c.block_out_channels.size();
  r.add("encoder.conv_in.", "encoder.conv_in.");
  for (size_t i = 0; i < n; ++i) {
    for (int64_t j = 0; j < c.layers_per_block; ++j)
      r.vae_resnet("encoder.down_blocks." + num(i) + ".resnets." + num(j) + ".",
                   "encoder.down." + num(i) + ".block." + num(j) + ".");
    if (i + 1 < n)
      r.add("encoder.down_blocks." + num(i) + ".downsamplers.0.conv.", "encoder.down." + num(i) + ".downsample.conv.");
  }
  r.vae_mid_block("encoder.mid_block.", "encoder.mid.", c.mid_block_add_attention);
  r.add("encoder.conv_norm_out.", "encoder.norm_out.");
  r.add("encoder.conv_out.", "encoder.conv_out.");
  r.add("decoder.conv_in.", "decoder.conv_in.");
  r.vae_mid_block("decoder.mid_block.", "decoder.mid.", c.mid_block_add_attention);
  // LDM numbers the decoder's levels from the lowest resolution up: our up_blocks.i is up.(n-1-i).
  for (size_t i = 0; i < n; ++i) {
    const std::string theirs = "decoder.up." + num(n - 1 - i) + ".";
    for (int64_t j = 0; j <= c.layers_per_block; ++j)
      r.vae_resnet("decoder.up_blocks." + num(i) + ".resnets." + num(j) + ".", theirs + "block." + num(j) + ".");
    if (i + 1 < n) r.add("decoder.up_blocks." + num(i) + ".upsamplers.0.conv.", theirs + "upsample.conv.");
  }
  r.add("decoder.conv_norm_out.", "decoder.norm_out.");
  r.add("decoder.conv_out.", "decoder.conv_out.");
  if (c.use_quant_conv) r.add("quant_conv.", "quant_conv.");
  if (c.use_post_quant_conv) r.add("post_quant_conv.", "post_quant_conv.");
  return {"VAE", r.prefix, std::move(r.rules), {}};
}

ComponentLayout clip_checkpoint_layout(const std::string& component, const std::string& prefix) {
  // The whole transformers state dict under a prefix; position_ids is a buffer older
  // transformers versions saved.
  return {component, prefix, {{"", prefix}}, {prefix + "text_model.embeddings.position_ids"}};
}

ComponentLayout open_clip_checkpoint_layout(const std::string& component, const std::string& prefix,
                                            const CLIPTextConfig& config, bool drops_last_block) {
  RuleList r{prefix, {}};
  r.add("text_model.embeddings.token_embedding.weight", "token_embedding.weight");
  r.add("text_model.embeddings.position_embedding.weight", "positional_embedding");
  r.add("text_model.final_layer_norm.", "ln_final.");
  if (config.with_projection) r.add("text_projection.weight", "text_projection", KeyConversion::Transpose);
  for (int64_t i = 0; i < config.num_hidden_layers; ++i) {
    const std::string ours = "text_model.encoder.layers." + std::to_string(i) + ".";
    const std::string theirs = "transformer.resblocks." + std::to_string(i) + ".";
    r.add(ours + "layer_norm1.", theirs + "ln_1.");
    r.add(ours + "layer_norm2.", theirs + "ln_2.");
    r.add(ours + "mlp.fc1.", theirs + "mlp.c_fc.");
    r.add(ours + "mlp.fc2.", theirs + "mlp.c_proj.");
    r.add(ours + "self_attn.out_proj.", theirs + "attn.out_proj.");
    // nn.MultiheadAttention's fused input projection: rows q, then k, then v.
    const std::pair<const char*, KeyConversion> thirds[] = {
        {"q_proj.", KeyConversion::FirstThird}, {"k_proj.", KeyConversion::SecondThird}, {"v_proj.", KeyConversion::LastThird}};
    for (const auto& [name, conversion] : thirds) {
      r.add(ours + "self_attn." + name + "weight", theirs + "attn.in_proj_weight", conversion);
      r.add(ours + "self_attn." + name + "bias", theirs + "attn.in_proj_bias", conversion);
    }
  }
  // logit_scale belongs to CLIP's contrastive head; attn_mask is the causal mask some
  // OpenCLIP versions saved as a buffer.
  std::vector<std::string> ignored = {prefix + "logit_scale", prefix + "attn_mask"};
  if (!config.with_projection) ignored.push_back(prefix + "text_projection");
  if (drops_last_block) ignored.push_back(prefix + "transformer.resblocks." + std::to_string(config.num_hidden_layers) + ".");
  return {component, prefix, std::move(r.rules), std::move(ignored)};
}

std::vector<std::string> checkpoint_ignored_keys() {
  return {"model_ema.",
          // LDM's DDPM buffers (ldm/models/diffusion/ddpm.py register_schedule)
          "betas", "alphas_cumprod", "alphas_cumprod_prev", "sqrt_alphas_cumprod", "sqrt_one_minus_alphas_cumprod",
          "log_one_minus_alphas_cumprod", "sqrt_recip_alphas_cumprod", "sqrt_recipm1_alphas_cumprod",
          "posterior_variance", "posterior_log_variance_clipped", "posterior_mean_coef1", "posterior_mean_coef2",
          "logvar", "lvlb_weights",
          // SGM's discrete denoiser
          "denoiser.sigmas"};
}

std::optional<CheckpointFamily> detect_checkpoint_family(const SafetensorsFile& file) {
  bool sdxl = false, sd2 = false, sd1 = false;
  for (const auto& entry : file.entries()) {
    const std::string& key = entry.name;
    sdxl = sdxl || key.rfind("conditioner.embedders.1.model.", 0) == 0;
    sd2 = sd2 || key.rfind("cond_stage_model.model.", 0) == 0;
    sd1 = sd1 || key.rfind("cond_stage_model.transformer.", 0) == 0;
  }
  if (sdxl) return CheckpointFamily::SDXL;
  if (sd2) return CheckpointFamily::SD2;
  if (sd1) return CheckpointFamily::SD1;
  return std::nullopt;
}

const char* checkpoint_family_name(CheckpointFamily family) {
  switch (family) {
    case CheckpointFamily::SDXL: return "SDXL";
    case CheckpointFamily::SD2: return "SD 2.x";
    case CheckpointFamily::SD1: return "SD 1.x";
  }
  return "";
}

}  // namespace partedit
