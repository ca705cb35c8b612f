#include "support/checkpoint_writer.h"

#include <map>

#include <ATen/ATen.h>

#include "io/json_config.h"
#include "io/safetensors.h"
#include "io/weights.h"
#include "models/clip/clip_text_model.h"
#include "models/unet/unet_config.h"
#include "models/vae/vae_config.h"
#include "pipeline/model_folder.h"
#include "runtime/error.h"

namespace partedit::test {
namespace fs = std::filesystem;

namespace {

// Every tensor of one component, renamed and converted back to the file's layout.
void add_component(const WeightSet& weights, const ComponentLayout& layout, NamedTensors& out) {
  std::map<std::string, KeyRule> by_ours;
  for (const auto& rule : layout.rules) by_ours[rule.ours] = rule;
  std::map<std::string, std::vector<at::Tensor>> fused;  // in_proj key -> q, k, v
  for (const auto& name : weights.names()) {
    if (name == "text_model.embeddings.position_ids") continue;
    const KeyRule* rule = longest_prefix_match(by_ours, name);
    if (!rule) throw Error("no checkpoint key for " + name + " in " + weights.describe());
    const std::string key = rule->theirs + name.substr(rule->ours.size());
    const at::Tensor t = weights.view(name);
    switch (rule->conversion) {
      case KeyConversion::None: out.emplace_back(key, t); break;
      case KeyConversion::Conv1x1ToLinear: out.emplace_back(key, t.view({t.size(0), t.size(1), 1, 1})); break;
      case KeyConversion::Transpose: out.emplace_back(key, t.t().contiguous()); break;
      case KeyConversion::FirstThird:
      case KeyConversion::SecondThird:
      case KeyConversion::LastThird: {
        auto& parts = fused[key];
        parts.resize(3);
        parts[rule->conversion == KeyConversion::FirstThird ? 0 : rule->conversion == KeyConversion::SecondThird ? 1 : 2] = t;
        break;
      }
    }
  }
  for (auto& [key, parts] : fused) out.emplace_back(key, at::cat(parts, 0));
}

// The tensors of one resblock copied under the next index (SD 2.x files have one more).
void add_extra_resblock(NamedTensors& out, const std::string& prefix, int64_t last) {
  const std::string from = prefix + "transformer.resblocks." + std::to_string(last) + ".";
  const std::string to = prefix + "transformer.resblocks." + std::to_string(last + 1) + ".";
  NamedTensors extra;
  for (const auto& [key, t] : out)
    if (key.rfind(from, 0) == 0) extra.emplace_back(to + key.substr(from.size()), t);
  out.insert(out.end(), extra.begin(), extra.end());
}

}  // namespace

void write_single_file_checkpoint(const fs::path& folder, const fs::path& out_path,
                                  const CheckpointWriteOptions& options) {
  const DiffusersFolder parts = inspect_diffusers_folder(folder);
  const auto unet_config = UNet2DConditionConfig::from_json(JsonConfig::load(parts.unet / "config.json"));
  const auto vae_config = AutoencoderKLConfig::from_json(JsonConfig::load(parts.vae / "config.json"));
  std::vector<CLIPTextConfig> text_configs;
  for (const auto& dir : parts.text_encoders)
    text_configs.push_back(CLIPTextConfig::from_json(JsonConfig::load(dir / "config.json")));

  NamedTensors tensors;
  add_component(WeightSet::open_folder(parts.unet, "diffusion_pytorch_model"), unet_checkpoint_layout(unet_config),
                tensors);
  add_component(WeightSet::open_folder(parts.vae, "diffusion_pytorch_model"), vae_checkpoint_layout(vae_config),
                tensors);
  std::vector<ComponentLayout> text_layouts;
  switch (options.family) {
    case CheckpointFamily::SD1:
      text_layouts.push_back(clip_checkpoint_layout("text encoder", "cond_stage_model.transformer."));
      break;
    case CheckpointFamily::SD2:
      text_layouts.push_back(open_clip_checkpoint_layout("text encoder", "cond_stage_model.model.", text_configs.at(0), true));
      break;
    case CheckpointFamily::SDXL:
      text_layouts.push_back(clip_checkpoint_layout("text encoder", "conditioner.embedders.0.transformer."));
      text_layouts.push_back(
          open_clip_checkpoint_layout("text encoder 2", "conditioner.embedders.1.model.", text_configs.at(1), false));
      break;
  }
  if (text_layouts.size() != parts.text_encoders.size())
    throw Error(folder.string() + " has " + std::to_string(parts.text_encoders.size()) +
                " text encoders, the requested family " + std::to_string(text_layouts.size()));
  for (size_t i = 0; i < text_layouts.size(); ++i)
    add_component(WeightSet::open_folder(parts.text_encoders[i], "model"), text_layouts[i], tensors);

  if (options.known_extras) {
    const auto opts = at::TensorOptions().dtype(at::kFloat);
    tensors.emplace_back("model_ema.decay", at::full({}, 0.9999, opts));
    tensors.emplace_back("model_ema.diffusion_modelinput_blocks00bias", at::zeros({4}, opts));  // LDM's EMA naming
    tensors.emplace_back("alphas_cumprod", at::linspace(0.999, 0.005, 1000, opts));
    tensors.emplace_back("betas", at::linspace(0.00085, 0.012, 1000, opts));
    for (const auto& layout : text_layouts) {
      if (layout.rules.size() == 1 && layout.rules[0].ours.empty()) {  // transformers' layout
        tensors.emplace_back(layout.prefix + "text_model.embeddings.position_ids", at::arange(77).view({1, 77}));
        continue;
      }
      tensors.emplace_back(layout.prefix + "logit_scale", at::full({}, 4.6052, opts));
      if (options.family == CheckpointFamily::SD2) {
        const int64_t width = text_configs[0].hidden_size;
        tensors.emplace_back(layout.prefix + "text_projection", at::eye(width, opts));
        add_extra_resblock(tensors, layout.prefix, text_configs[0].num_hidden_layers - 1);
      }
    }
  }
  for (auto& [key, t] : tensors)
    if (t.is_floating_point()) t = t.to(options.dtype).contiguous();
  write_safetensors(out_path, tensors, {{"format", "pt"}});
}

}  // namespace partedit::test
