// The config documents of the tiny models, written with the field names and values that
// diffusers 0.27 / transformers 4.44 write for the real SD 1.5, SD 2.1 and SDXL folders
// (numbers scaled down). Keys are sorted on output, as save_pretrained does.
#include <fstream>

#include "models/tiny_model_parts.h"
#include "runtime/error.h"

namespace partedit::tiny {
namespace {

constexpr const char* kDiffusersVersion = "0.27.2";
constexpr int64_t kTextWidth = 32;   // the tiny text encoders: 4 layers of width 32,
constexpr int64_t kTextLayers = 4;   // 4 heads, MLP 64 (as tests/data/tiny-sdxl)
constexpr int64_t kAdditionTimeEmbedDim = 8;

bool is_sdxl(const TinyModelOptions& o) { return o.family == "sdxl"; }

// The text encoders' widths: the tiny ones, or SDXL's CLIP ViT-L (768 wide, 12 layers, 12
// heads) and OpenCLIP ViT-bigG (1280, 32 layers, 20 heads), MLPs 4x wide.
struct TextShape {
  int64_t width = kTextWidth, layers = kTextLayers, heads = 4, mlp = 2 * kTextWidth;
  const char* stored_dtype = "float32";
};

nlohmann::json text_encoder(const std::string& architecture, const std::string& act, int64_t vocab_size,
                            const TextShape& shape = {}) {
  return {{"architectures", {architecture}},
          {"attention_dropout", 0.0},
          {"bos_token_id", 0},
          {"eos_token_id", 2},  // as in the real configs: pooling at the largest id
          {"hidden_act", act},
          {"hidden_size", shape.width},
          {"initializer_factor", 1.0},
          {"initializer_range", 0.02},
          {"intermediate_size", shape.mlp},
          {"layer_norm_eps", 1e-05},
          {"max_position_embeddings", 77},
          {"model_type", "clip_text_model"},
          {"num_attention_heads", shape.heads},
          {"num_hidden_layers", shape.layers},
          {"pad_token_id", 1},
          {"projection_dim", shape.width},
          {"torch_dtype", shape.stored_dtype},
          {"transformers_version", "4.44.0"},
          {"vocab_size", vocab_size}};
}

nlohmann::json list(const std::vector<int64_t>& v) { return nlohmann::json(v); }

}  // namespace

std::vector<nlohmann::json> text_encoder_configs(const TinyModelOptions& o, int64_t vocab_size) {
  if (o.full_size)
    return {text_encoder("CLIPTextModel", "quick_gelu", vocab_size, {768, 12, 12, 3072, "float16"}),
            text_encoder("CLIPTextModelWithProjection", "gelu", vocab_size, {1280, 32, 20, 5120, "float16"})};
  if (is_sdxl(o))
    return {text_encoder("CLIPTextModel", "quick_gelu", vocab_size),
            text_encoder("CLIPTextModelWithProjection", "gelu", vocab_size)};
  return {text_encoder("CLIPTextModel", o.family == "sd15" ? "quick_gelu" : "gelu", vocab_size)};
}

// diffusers stores head *counts* in attention_head_dim for these UNets (SDXL: 5, 10, 20 heads
// of width 64 for 320, 640, 1280 channels). The tiny models keep that 1 : 2 : 4 pattern for
// SDXL and SD 2.1; SD 1.5 uses one count for every block (2 here, 8 in the real model).
std::vector<int64_t> unet_heads(const TinyModelOptions& o) {
  if (o.full_size) return {5, 10, 20};
  std::vector<int64_t> heads;
  for (size_t i = 0; i < o.widths.size(); ++i) {
    if (o.family == "sd15") {
      heads.push_back(2);
    } else {
      heads.push_back(int64_t(1) << std::min<size_t>(i, 2));
    }
  }
  return heads;
}

nlohmann::json unet_config(const TinyModelOptions& o, const std::vector<nlohmann::json>& text_encoders) {
  const bool xl = is_sdxl(o);
  const size_t levels = o.widths.size();
  int64_t cross_dim = 0;
  for (const auto& te : text_encoders) cross_dim += te.at("hidden_size").get<int64_t>();
  std::vector<std::string> down, up;
  if (xl) {
    down = {"DownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D"};
    up = {"CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "UpBlock2D"};
  } else {
    down.assign(levels - 1, "CrossAttnDownBlock2D");
    down.push_back("DownBlock2D");
    up.push_back("UpBlock2D");
    up.insert(up.end(), levels - 1, "CrossAttnUpBlock2D");
  }
  const auto heads = unet_heads(o);
  nlohmann::json c = {
      {"_class_name", "UNet2DConditionModel"},
      {"_diffusers_version", kDiffusersVersion},
      {"act_fn", "silu"},
      {"addition_embed_type", nullptr},
      {"addition_embed_type_num_heads", 64},
      {"addition_time_embed_dim", nullptr},
      {"attention_head_dim", o.family == "sd15" ? nlohmann::json(heads[0]) : list(heads)},
      {"attention_type", "default"},
      {"block_out_channels", list(o.widths)},
      {"center_input_sample", false},
      {"class_embed_type", nullptr},
      {"class_embeddings_concat", false},
      {"conv_in_kernel", 3},
      {"conv_out_kernel", 3},
      {"cross_attention_dim", cross_dim},
      {"cross_attention_norm", nullptr},
      {"down_block_types", down},
      {"downsample_padding", 1},
      {"dropout", 0.0},
      {"dual_cross_attention", false},
      {"encoder_hid_dim", nullptr},
      {"encoder_hid_dim_type", nullptr},
      {"flip_sin_to_cos", true},
      {"freq_shift", 0},
      {"in_channels", 4},
      {"layers_per_block", 2},
      {"mid_block_only_cross_attention", nullptr},
      {"mid_block_scale_factor", 1},
      {"mid_block_type", "UNetMidBlock2DCrossAttn"},
      {"norm_eps", 1e-05},
      {"norm_num_groups", o.norm_num_groups},
      {"num_attention_heads", nullptr},
      {"num_class_embeds", nullptr},
      {"only_cross_attention", false},
      {"out_channels", 4},
      {"projection_class_embeddings_input_dim", nullptr},
      {"resnet_out_scale_factor", 1.0},
      {"resnet_skip_time_act", false},
      {"resnet_time_scale_shift", "default"},
      {"reverse_transformer_layers_per_block", nullptr},
      {"sample_size", o.sample_size},
      {"time_cond_proj_dim", nullptr},
      {"time_embedding_act_fn", nullptr},
      {"time_embedding_dim", nullptr},
      {"time_embedding_type", "positional"},
      {"timestep_post_act", nullptr},
      {"transformer_layers_per_block", 1},
      {"up_block_types", up},
      {"upcast_attention", o.family == "sd21"},
      {"use_linear_projection", o.family != "sd15"},
  };
  if (xl) {
    // text_time: six micro-conditioning numbers embedded sinusoidally + text_encoder_2's pooled
    const int64_t pooled = text_encoders.back().at("projection_dim").get<int64_t>();
    const int64_t time_embed = o.full_size ? 256 : kAdditionTimeEmbedDim;
    c["addition_embed_type"] = "text_time";
    c["addition_time_embed_dim"] = time_embed;
    c["projection_class_embeddings_input_dim"] = 6 * time_embed + pooled;
    c["transformer_layers_per_block"] = list({1, 2, 10});
    c["upcast_attention"] = nullptr;
  }
  return c;
}

nlohmann::json vae_config(const TinyModelOptions& o) {
  // The fixture's VAE for every family: 4 levels (32, 32, 64, 64), i.e. 8x down-sampling;
  // full size: SDXL's (128, 256, 512, 512), two resnets per level.
  const bool full = o.full_size;
  return {{"_class_name", "AutoencoderKL"},
          {"_diffusers_version", kDiffusersVersion},
          {"act_fn", "silu"},
          {"block_out_channels", full ? list({128, 256, 512, 512}) : list({32, 32, 64, 64})},
          {"down_block_types", std::vector<std::string>(4, "DownEncoderBlock2D")},
          {"force_upcast", true},
          {"in_channels", 3},
          {"latent_channels", 4},
          {"latents_mean", nullptr},
          {"latents_std", nullptr},
          {"layers_per_block", full ? 2 : 1},
          {"norm_num_groups", 32},
          {"out_channels", 3},
          {"sample_size", 8 * o.sample_size},
          {"scaling_factor", is_sdxl(o) ? 0.13025 : 0.18215},
          {"up_block_types", std::vector<std::string>(4, "UpDecoderBlock2D")}};
}

nlohmann::json scheduler_config(const TinyModelOptions& o) {
  // As the published folders: SDXL base an EulerDiscreteScheduler, SD 1.5 a PNDMScheduler
  // (PLMS, skip_prk_steps), SD 2.1 (768-v) a DDIMScheduler with v_prediction. Neither SD file
  // sets timestep_spacing, so each scheduler uses its own default (leading for DDIM and PNDM,
  // linspace for Euler and DPM-Solver).
  nlohmann::json c = {{"_diffusers_version", kDiffusersVersion},
                      {"beta_end", 0.012},
                      {"beta_schedule", "scaled_linear"},
                      {"beta_start", 0.00085},
                      {"clip_sample", false},
                      {"num_train_timesteps", 1000},
                      {"set_alpha_to_one", false},
                      {"skip_prk_steps", true},
                      {"steps_offset", 1},
                      {"trained_betas", nullptr}};
  if (is_sdxl(o)) {
    c["_class_name"] = "EulerDiscreteScheduler";
    c["prediction_type"] = "epsilon";
    c["sample_max_value"] = 1.0;
    c["rescale_betas_zero_snr"] = false;
    c["timestep_spacing"] = "leading";
    c["interpolation_type"] = "linear";
    c["sigma_max"] = nullptr;
    c["sigma_min"] = nullptr;
    c["timestep_type"] = "discrete";
    c["use_karras_sigmas"] = false;
  } else if (o.family == "sd15") {
    c["_class_name"] = "PNDMScheduler";
  } else {
    c["_class_name"] = "DDIMScheduler";
    c["prediction_type"] = "v_prediction";
    c["sample_max_value"] = 1.0;
    c["rescale_betas_zero_snr"] = false;
    c["clip_sample_range"] = 1.0;
    c["dynamic_thresholding_ratio"] = 0.995;
    c["thresholding"] = false;
  }
  return c;
}

nlohmann::json model_index(const TinyModelOptions& o) {
  const nlohmann::json none = {nullptr, nullptr};
  const nlohmann::json tokenizer = {"transformers", "CLIPTokenizer"};
  nlohmann::json c = {{"_diffusers_version", kDiffusersVersion},
                      {"feature_extractor", none},
                      {"image_encoder", none},
                      {"scheduler", {"diffusers", scheduler_config(o).at("_class_name")}},
                      {"text_encoder", {"transformers", "CLIPTextModel"}},
                      {"tokenizer", tokenizer},
                      {"unet", {"diffusers", "UNet2DConditionModel"}},
                      {"vae", {"diffusers", "AutoencoderKL"}}};
  if (is_sdxl(o)) {
    c["_class_name"] = "StableDiffusionXLPipeline";
    c["force_zeros_for_empty_prompt"] = true;
    c["text_encoder_2"] = {"transformers", "CLIPTextModelWithProjection"};
    c["tokenizer_2"] = tokenizer;
  } else {
    c["_class_name"] = "StableDiffusionPipeline";
    c["requires_safety_checker"] = false;
    c["safety_checker"] = none;
  }
  return c;
}

void write_json(const std::filesystem::path& path, const nlohmann::json& json) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw Error("cannot write " + path.string());
  out << json.dump(2) << "\n";
  if (!out) throw Error("cannot write " + path.string());
}

}  // namespace partedit::tiny
