#include "pipeline/diffusion_model.h"

#include <chrono>

#include <ATen/ATen.h>

#include "io/json_config.h"
#include "models/clip/clip_text_model.h"
#include "pipeline/model_folder.h"
#include "pipeline/single_file_checkpoint.h"
#include "runtime/error.h"
#include "runtime/message_text.h"
#include "runtime/stage.h"
#include "text/clip_tokenizer.h"
#include "runtime/elapsed.h"

namespace partedit {
namespace fs = std::filesystem;

const char* family_name(ModelFamily family) { return family == ModelFamily::SDXL ? "SDXL" : "SD 1.x/2.x"; }

at::Tensor LatentPreviewMap::apply(const at::Tensor& latents) const {
  // A 1x1 convolution is the per-pixel affine map.
  const auto w = weight.to(latents.device(), at::kFloat).view({weight.size(0), weight.size(1), 1, 1});
  return at::conv2d(latents.to(at::kFloat), w, bias.to(latents.device(), at::kFloat)).clamp(0.0, 1.0);
}

DiffusionModel::DiffusionModel(fs::path folder, ComputeOptions compute, ModelFamily family, bool force_zeros,
                               c10::ScalarType vae_dtype, UNet2DConditionModel unet, AutoencoderKL vae,
                               std::unique_ptr<PromptEncoder> prompt_encoder, SchedulerConfig scheduler_config)
    : folder_(std::move(folder)),
      compute_(compute),
      family_(family),
      force_zeros_(force_zeros),
      vae_dtype_(vae_dtype),
      unet_(std::move(unet)),
      vae_(std::move(vae)),
      prompt_encoder_(std::move(prompt_encoder)),
      scheduler_config_(std::move(scheduler_config)) {}

DiffusionModel::DiffusionModel(DiffusionModel&&) noexcept = default;
DiffusionModel& DiffusionModel::operator=(DiffusionModel&&) noexcept = default;
DiffusionModel::~DiffusionModel() = default;

DiffusionModel DiffusionModel::load(const fs::path& path, const ComputeOptions& compute,
                                   const ModelLoadOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  const std::string& prediction = options.prediction_type;
  if (!prediction.empty() && prediction != "epsilon" && prediction != "v_prediction" && prediction != "sample")
    throw Error("prediction type '" + printable_excerpt(prediction, 40) +
                "' is not one of epsilon, v_prediction and sample");
  // A single file: its configs come from elsewhere, its weights through the checkpoint table.
  std::optional<SingleFileCheckpoint> checkpoint;
  if (is_single_file_checkpoint(path)) checkpoint = SingleFileCheckpoint::open(path, options);
  const DiffusersFolder parts = checkpoint ? checkpoint->configs() : inspect_diffusers_folder(path);
  const fs::path folder = checkpoint ? path : parts.folder;
  const fs::path& unet_dir = parts.unet;
  const fs::path& vae_dir = parts.vae;
  const fs::path& scheduler_dir = parts.scheduler;
  const std::vector<fs::path>& encoder_dirs = parts.text_encoders;
  const std::vector<fs::path>& tokenizer_dirs = parts.tokenizers;
  const bool two_encoders = encoder_dirs.size() == 2;
  const JsonConfig index = JsonConfig::load(parts.folder / "model_index.json");

  StageScope stage("loading the model " + folder.string());

  // 2. Components: UNet and text encoders in the compute dtype; the VAE in fp32 when it is
  //    not fp16-safe (pipeline_stable_diffusion_xl.py: needs_upcasting = fp16 and force_upcast).
  auto unet = [&] {
    if (!checkpoint) return load_unet(unet_dir, compute.device, compute.dtype, compute.dtype == c10::kHalf);
    const auto config = UNet2DConditionConfig::from_json(JsonConfig::load(unet_dir / "config.json"));
    return load_unet(config, checkpoint->unet_weights(config), compute.device, compute.dtype);
  }();
  const bool text_time = unet->config().has_text_time();
  if (two_encoders != text_time)
    throw Error("model folder " + parts.folder.string() +
                (two_encoders ? " has text_encoder_2 but its UNet has no " : " has one text encoder but its UNet uses ") +
                "\"text_time\" added conditioning (addition_embed_type); the combination is not supported");
  const ModelFamily family = two_encoders ? ModelFamily::SDXL : ModelFamily::SD;
  const bool force_zeros = family == ModelFamily::SDXL && index.get_or<bool>("force_zeros_for_empty_prompt", true);

  const auto vae_config = AutoencoderKLConfig::from_json(JsonConfig::load(vae_dir / "config.json"));
  const c10::ScalarType vae_dtype =
      (compute.dtype == c10::kHalf && vae_config.force_upcast) ? c10::kFloat : compute.dtype;
  auto vae = checkpoint ? load_vae(vae_config, checkpoint->vae_weights(vae_config), compute.device, vae_dtype)
                        : load_vae(vae_dir, compute.device, vae_dtype, vae_dtype == c10::kHalf);
  if (compute.device.is_cpu()) {
    // The CPU gains no speed from a batch in the VAE; one image at a time halves an edit's
    // decode peak (source and edit). Images with a side above 1024 px are decoded in
    // blended tiles of 1024 (a 2048² decode at one go would need ~8 GB more).
    VaeMemoryOptions memory;
    memory.slicing = true;
    memory.tiling = true;
    memory.tile_sample_size = kCpuVaeTileSize;
    vae->set_memory_options(memory);
  }

  std::vector<ClipTokenizer> tokenizers;
  std::vector<CLIPTextModel> encoders;
  for (size_t i = 0; i < encoder_dirs.size(); ++i) {
    tokenizers.push_back(ClipTokenizer::load(tokenizer_dirs[i], checkpoint ? checkpoint->vocabulary_dir() : fs::path()));
    if (checkpoint) {
      const auto config = CLIPTextConfig::from_json(JsonConfig::load(encoder_dirs[i] / "config.json"));
      encoders.push_back(load_clip_text_model(config, checkpoint->text_encoder_weights(i, config), compute.device,
                                              compute.dtype));
    } else {
      encoders.push_back(load_clip_text_model(encoder_dirs[i], compute.device, compute.dtype));
    }
  }
  auto prompt_encoder = std::make_unique<PromptEncoder>(std::move(tokenizers), std::move(encoders),
                                                        family == ModelFamily::SDXL, force_zeros);
  const std::string single_file_shape = checkpoint ? checkpoint->shape_name() : std::string();
  if (options.release_text_encoders.value_or(compute.device.is_cpu())) {
    // Loaded again from the same files (a single file stays open for it: a mapping, no memory).
    std::shared_ptr<SingleFileCheckpoint> file;
    if (checkpoint) file = std::make_shared<SingleFileCheckpoint>(std::move(*checkpoint));
    prompt_encoder->release_between_uses([file, encoder_dirs, compute](size_t i) {
      if (!file) return load_clip_text_model(encoder_dirs[i], compute.device, compute.dtype);
      const auto config = CLIPTextConfig::from_json(JsonConfig::load(encoder_dirs[i] / "config.json"));
      return load_clip_text_model(config, file->text_encoder_weights(i, config), compute.device, compute.dtype);
    });
  }
  auto scheduler_config = SchedulerConfig::load(scheduler_dir / "scheduler_config.json");
  if (!prediction.empty()) {
    scheduler_config.prediction_type = prediction;
    scheduler_config.defaulted_keys.erase("prediction_type");  // set now: every scheduler keeps it
  }

  DiffusionModel model(folder, compute, family, force_zeros, vae_dtype, std::move(unet), std::move(vae),
                       std::move(prompt_encoder), std::move(scheduler_config));
  model.load_options_ = options;
  model.single_file_shape_ = single_file_shape;
  model.load_seconds_ = seconds_since(start);
  return model;
}

std::string DiffusionModel::name() const {
  return single_file_shape_.empty() ? folder_.filename().string() : folder_.stem().string();
}

int64_t DiffusionModel::latent_channels() const { return unet_->config().in_channels; }

int64_t DiffusionModel::vae_scale_factor() const { return vae_->config().downscale_factor(); }

int64_t default_image_size(const UNet2DConditionConfig& unet, const AutoencoderKLConfig& vae) {
  return unet.sample_size > 0 ? unet.sample_size * vae.downscale_factor() : vae.sample_size;
}

int64_t DiffusionModel::default_image_size() const { return partedit::default_image_size(unet_->config(), vae_->config()); }

std::unique_ptr<Scheduler> DiffusionModel::make_scheduler(const std::string& kind) const {
  return partedit::make_scheduler(kind, scheduler_config_);
}

const LatentPreviewMap& DiffusionModel::latent_preview_map() {
  if (!preview_map_) preview_map_ = fit_latent_preview_map(vae_, 8 * vae_scale_factor());
  return *preview_map_;
}

LatentPreviewMap fit_latent_preview_map(AutoencoderKL& vae, int64_t size) {
  c10::InferenceMode guard;
  // 1. Flat colours (the RGB cube's corners and mid grey) and smooth two-axis gradients.
  const auto opts = at::TensorOptions().dtype(at::kFloat);
  std::vector<at::Tensor> images;
  for (int corner = 0; corner < 8; ++corner) {
    const float rgb[3] = {float(corner & 1), float((corner >> 1) & 1), float((corner >> 2) & 1)};
    images.push_back(at::tensor(at::ArrayRef<float>(rgb, 3), opts).view({3, 1, 1}).expand({3, size, size}));
  }
  images.push_back(at::full({3, size, size}, 0.5, opts));
  const auto ramp = at::linspace(0.0, 1.0, size, opts);
  const auto gx = ramp.view({1, size}).expand({size, size});  // [S, S], left -> right
  const auto gy = ramp.view({size, 1}).expand({size, size});  // [S, S], top -> bottom
  images.push_back(at::stack({gx, gy, 1 - gx}));
  images.push_back(at::stack({gy, 1 - gx, gx}));
  images.push_back(at::stack({1 - gy, gx, gy}));
  images.push_back(at::stack({gx * gy, 1 - gy, 0.5 * (gx + gy)}));
  const auto batch = at::stack(images);  // [N, 3, S, S]

  // 2. The VAE's pipeline-space latents and the images averaged over each latent pixel.
  const auto latents = image_to_latents(vae, batch).to(at::kCPU, at::kDouble);  // [N, C, h, w]
  const int64_t factor = size / latents.size(2);
  const auto target = at::avg_pool2d(batch.to(at::kDouble), factor, factor);  // [N, 3, h, w]
  const int64_t C = latents.size(1);

  // 3. Ridge-regularised least squares rgb = [z, 1] · beta (tiny ridge: only conditioning).
  const auto z = latents.permute({0, 2, 3, 1}).reshape({-1, C});  // [M, C]
  const auto X = at::cat({z, at::ones({z.size(0), 1}, z.options())}, 1);  // [M, C + 1]
  const auto Y = target.permute({0, 2, 3, 1}).reshape({-1, 3});  // [M, 3]
  auto A = X.t().mm(X);  // [C + 1, C + 1]
  const double ridge = 1e-6 * A.diagonal().mean().item<double>() + 1e-12;
  A = A + ridge * at::eye(C + 1, A.options());
  const auto beta = at::linalg_solve(A, X.t().mm(Y));  // [C + 1, 3]

  LatentPreviewMap map;
  map.weight = beta.slice(0, 0, C).t().to(at::kFloat).contiguous();  // [3, C]
  map.bias = beta[C].to(at::kFloat).contiguous();                    // [3]
  map.fit_rms = (X.mm(beta) - Y).pow(2).mean().sqrt().item<double>();
  return map;
}

}  // namespace partedit
