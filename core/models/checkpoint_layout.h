#pragma once
// The one table between our module names (diffusers/transformers keys) and the keys of the
// original single-file checkpoints (Stability's SGM layout for SDXL, CompVis' LDM layout for
// SD 1.x/2.x), generated per component from its config. Used both ways: the single-file
// loader reads through it (io/renamed_weights.h), the tests write checkpoints through it.
//
//   UNet        model.diffusion_model.*  input_blocks.N.{0 resnet, 1 attention}, middle_block.{0,1,2},
//               output_blocks.N.{0 resnet, 1 attention, 1|2 upsampler}, time_embed, label_emb (SDXL), out
//   VAE         first_stage_model.*      encoder.down.N.block.M, mid.block_1/attn_1/block_2 (attention
//               q/k/v/proj_out stored as 1x1 convolutions), decoder.up.N (numbered bottom-up), nin_shortcut
//   SD 1.x text cond_stage_model.transformer.*          transformers' CLIPTextModel keys
//   SD 2.x text cond_stage_model.model.*                OpenCLIP: transformer.resblocks.N with a fused
//               attn.in_proj (q, k, v rows), ln_final, positional_embedding, token_embedding
//   SDXL text   conditioner.embedders.0.transformer.*   transformers' CLIPTextModel keys
//               conditioner.embedders.1.model.*         OpenCLIP, text_projection stored as x @ W
#include <optional>
#include <string>
#include <vector>

#include "io/renamed_weights.h"

namespace partedit {

struct UNet2DConditionConfig;
struct AutoencoderKLConfig;
struct CLIPTextConfig;
class SafetensorsFile;

struct ComponentLayout {
  std::string component;             // "UNet", "VAE", "text encoder", "text encoder 2"
  std::string prefix;                // the file keys the component owns
  std::vector<KeyRule> rules;        // module name/prefix <-> whole file key/prefix
  std::vector<std::string> ignored;  // known tensors of real files the component does not use
};

ComponentLayout unet_checkpoint_layout(const UNet2DConditionConfig& config);
ComponentLayout vae_checkpoint_layout(const AutoencoderKLConfig& config);
// transformers' layout under `prefix` (SD 1.x's and SDXL's first text encoder).
ComponentLayout clip_checkpoint_layout(const std::string& component, const std::string& prefix);
// OpenCLIP's layout under `prefix`. SD 2.x's encoder (drops_last_block): diffusers' text
// encoder has one layer fewer than the file (SD 2.x conditions on the penultimate block,
// followed by ln_final), so the file's resblock `num_hidden_layers` is a known, unused
// tensor set, as is the projection a CLIPTextModel without projection has no place for.
ComponentLayout open_clip_checkpoint_layout(const std::string& component, const std::string& prefix,
                                            const CLIPTextConfig& config, bool drops_last_block);

// Tensors real files carry outside any component that no part of the model uses: the EMA
// copy, the training noise schedule LDM stores as buffers, the SGM denoiser's sigmas.
std::vector<std::string> checkpoint_ignored_keys();

// The family a checkpoint's keys say it is, by the text encoder's prefix (SDXL:
// conditioner.embedders.1.model.*, SD 2.x: cond_stage_model.model.*, SD 1.x:
// cond_stage_model.transformer.*); nullopt when none matches.
enum class CheckpointFamily { SDXL, SD2, SD1 };
std::optional<CheckpointFamily> detect_checkpoint_family(const SafetensorsFile& file);
const char* checkpoint_family_name(CheckpointFamily family);  // "SDXL", "SD 2.x", "SD 1.x"

}  // namespace partedit
