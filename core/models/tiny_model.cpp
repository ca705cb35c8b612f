#include "models/tiny_model.h"

#include <cmath>

#include <ATen/ATen.h>
#include <torch/nn/module.h>
#include <torch/utils.h>

#include "io/json_config.h"
#include "io/safetensors.h"
#include "models/clip/clip_text_model.h"
#include "models/tiny_model_parts.h"
#include "runtime/text.h"
#include "models/unet/unet_2d_condition.h"
#include "models/vae/autoencoder_kl.h"
#include "runtime/error.h"

namespace partedit {
namespace fs = std::filesystem;

namespace {

// Residual-branch outputs: damped so that deep stacks (10 transformer blocks per level)
// stay numerically tame in float32.
bool is_residual_output(const std::string& name) {
  for (const char* s : {"conv2.weight", "to_out.0.weight", "ff.net.2.weight", "proj_out.weight", "mlp.fc2.weight",
                        "self_attn.out_proj.weight"})
    if (ends_with(name, s)) return true;
  return false;
}

// Writes config.json, builds the module from it exactly as a loader would, initialises and
// saves it. Returns the parameter count.
template <typename Config, typename Model>
int64_t write_component(const fs::path& dir, const nlohmann::json& config, const std::string& weights_stem,
                        c10::ScalarType weights_dtype) {
  fs::create_directories(dir);
  tiny::write_json(dir / "config.json", config);
  Model model(Config::from_json(JsonConfig::load(dir / "config.json")));
  const int64_t count = tiny::init_parameters(*model);
  model->to(weights_dtype);  // one parameter at a time: never two full copies
  NamedTensors tensors;
  for (const auto& p : model->named_parameters(/*recurse=*/true)) tensors.emplace_back(p.key(), p.value());
  for (const auto& b : model->named_buffers(/*recurse=*/true)) tensors.emplace_back(b.key(), b.value());
  write_safetensors(dir / (weights_stem + ".safetensors"), tensors, {{"format", "pt"}});
  return count;
}

}  // namespace

int64_t TinyModelSummary::count(const std::string& component) const {
  for (const auto& [name, n] : parameters)
    if (name == component) return n;
  return 0;
}

TinyModelOptions medium_sdxl_options(uint64_t seed) {
  TinyModelOptions o;
  o.family = "sdxl";
  o.widths = {64, 128, 256};
  o.norm_num_groups = 32;
  o.sample_size = 32;
  o.seed = seed;
  return o;
}

TinyModelOptions full_size_sdxl_options(uint64_t seed) {
  TinyModelOptions o;
  o.family = "sdxl";
  o.full_size = true;
  o.seed = seed;
  return o;
}

TinyModelOptions resolve_tiny_model_options(TinyModelOptions o) {
  if (o.full_size) {
    if (o.family != "sdxl") throw Error("the full-size shapes exist for the sdxl family only");
    o.widths = {320, 640, 1280};
    o.norm_num_groups = 32;
    o.sample_size = 128;
  }
  if (o.family != "sdxl" && o.family != "sd15" && o.family != "sd21")
    throw Error("unknown model family '" + o.family + "' (expected sdxl, sd15 or sd21)");
  const bool xl = o.family == "sdxl";
  if (o.widths.empty()) o.widths = xl ? std::vector<int64_t>{8, 16, 32} : std::vector<int64_t>{8, 16, 32, 32};
  if (o.norm_num_groups == 0) o.norm_num_groups = 8;
  if (xl && o.widths.size() != 3)
    throw Error("the sdxl family has 3 UNet levels: give 3 widths, not " + std::to_string(o.widths.size()));
  if (!xl && (o.widths.size() < 2 || o.widths.size() > 6))
    throw Error("the " + o.family + " family needs 2 to 6 UNet widths, not " + std::to_string(o.widths.size()));
  if (o.norm_num_groups < 1) throw Error("norm_num_groups must be positive");
  const auto heads = tiny::unet_heads(o);
  for (size_t i = 0; i < o.widths.size(); ++i) {
    const int64_t w = o.widths[i];
    if (w < 1 || w % o.norm_num_groups != 0)
      throw Error("UNet width " + std::to_string(w) + " is not a positive multiple of norm_num_groups " +
                  std::to_string(o.norm_num_groups));
    if (w % heads[i] != 0)
      throw Error("UNet width " + std::to_string(w) + " of level " + std::to_string(i) + " is not divisible by its " +
                  std::to_string(heads[i]) + " attention heads");
  }
  const int64_t factor = int64_t(1) << (o.widths.size() - 1);
  if (o.sample_size < factor || o.sample_size % factor != 0)
    throw Error("latent size " + std::to_string(o.sample_size) + " must be a positive multiple of " +
                std::to_string(factor) + " (the UNet down-samples " + std::to_string(o.widths.size() - 1) + " times)");
  return o;
}

namespace tiny {

// Seeded initialisation (torch's global generator, seeded by write_tiny_model):
// weights N(0, 1/fan_in), residual-branch outputs x0.3, conv_out x0.5, UNet query/key x1.5
// (sharper attention maps than uniform); norms weight 1 bias 0; other biases N(0, 0.02^2);
// CLIP token/position embeddings N(0, 1).
int64_t init_parameters(torch::nn::Module& module) {
  torch::NoGradGuard no_grad;
  int64_t count = 0;
  const auto params = module.named_parameters(/*recurse=*/true);
  for (const auto& p : params) {
    const std::string& name = p.key();
    at::Tensor t = p.value();
    count += t.numel();
    if (ends_with(name, "bias")) {
      const auto weight = params.find(name.substr(0, name.size() - 4) + "weight");
      const bool norm_bias = weight && weight->dim() == 1;
      if (norm_bias)
        t.zero_();
      else
        t.normal_(0.0, 0.02);
    } else if (t.dim() == 1) {
      t.fill_(1.0);
    } else if (ends_with(name, "token_embedding.weight") || ends_with(name, "position_embedding.weight")) {
      t.normal_(0.0, 1.0);
    } else {
      double gain = 1.0;
      if (is_residual_output(name)) gain = 0.3;
      if (ends_with(name, "conv_out.weight")) gain = 0.5;
      if (ends_with(name, "to_q.weight") || ends_with(name, "to_k.weight")) gain = 1.5;
      const double fan_in = double(t.numel() / t.size(0));
      t.normal_(0.0, gain / std::sqrt(fan_in));
    }
  }
  return count;
}

int64_t write_parameters(const fs::path& file, const torch::nn::Module& module) {
  NamedTensors tensors;
  int64_t count = 0;
  for (const auto& p : module.named_parameters(/*recurse=*/true)) {
    tensors.emplace_back(p.key(), p.value());
    count += p.value().numel();
  }
  write_safetensors(file, tensors, {{"format", "pt"}});
  return count;
}

}  // namespace tiny

TinyModelSummary write_tiny_model(const TinyModelOptions& requested, const fs::path& out_dir) {
  const TinyModelOptions o = resolve_tiny_model_options(requested);
  const bool xl = o.family == "sdxl";
  fs::create_directories(out_dir);
  torch::manual_seed(o.seed);
  TinyModelSummary summary;

  // 1. tokenizers (the text encoders' vocab_size comes from them)
  const auto vocab = tiny::learn_vocabulary(tiny::kTinyVocabularyMerges);
  summary.vocab_size = static_cast<int64_t>(vocab.tokens.size());
  tiny::write_tokenizer(out_dir / "tokenizer", vocab, /*pad_with_bang=*/false);
  if (xl) tiny::write_tokenizer(out_dir / "tokenizer_2", vocab, /*pad_with_bang=*/true);

  // 2. weights: UNet, VAE, text encoder(s), each from its written config
  //    (full size: the real vocabulary's 49408 rows; the tokenizer's ids are a subset)
  const int64_t vocab_rows = o.full_size ? 49408 : summary.vocab_size;
  const auto text_configs = tiny::text_encoder_configs(o, vocab_rows);
  const auto dtype = o.full_size ? at::kHalf : at::kFloat;
  summary.parameters.emplace_back(
      "unet", write_component<UNet2DConditionConfig, UNet2DConditionModel>(
                  out_dir / "unet", tiny::unet_config(o, text_configs), "diffusion_pytorch_model", dtype));
  summary.parameters.emplace_back(
      "vae", write_component<AutoencoderKLConfig, AutoencoderKL>(out_dir / "vae", tiny::vae_config(o),
                                                                 "diffusion_pytorch_model", dtype));
  for (size_t i = 0; i < text_configs.size(); ++i) {
    const std::string name = i == 0 ? "text_encoder" : "text_encoder_" + std::to_string(i + 1);
    summary.parameters.emplace_back(
        name, write_component<CLIPTextConfig, CLIPTextModel>(out_dir / name, text_configs[i], "model", dtype));
  }

  // 3. scheduler and pipeline index
  fs::create_directories(out_dir / "scheduler");
  tiny::write_json(out_dir / "scheduler" / "scheduler_config.json", tiny::scheduler_config(o));
  tiny::write_json(out_dir / "model_index.json", tiny::model_index(o));
  return summary;
}

}  // namespace partedit
