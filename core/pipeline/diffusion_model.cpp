#include "pipeline/diffusion_model.h"

#include <chrono>

#include <ATen/ATen.h>

#include "io/json_config.h"
#include "models/clip/clip_text_model.h"
#include "pipeline/model_folder.h"
#include "runtime/error.h"
#include "runtime/stage.h"
#include "text/clip_tokenizer.h"

namespace partedit {
namespace fs = std::filesystem;

namespace {

// model_index.json lists a component as [library, class]; [null, null] means absent.
bool listed(const nlohmann::json& index, const std::string& component) {
  if (!index.contains(component)) return false;
  const auto& entry = index.at(component);
  return entry.is_array() && !entry.empty() && !entry.at(0).is_null();
}

fs::path component_folder(const fs::path& folder, const std::string& component, const char* config_name) {
  const fs::path dir = folder / component;
  if (!fs::is_directory(dir))
    throw Error("model folder " + folder.string() + " has no '" + component + "' folder (a diffusers model needs " +
                "unet, vae, text_encoder, tokenizer and scheduler; SDXL also text_encoder_2 and tokenizer_2)");
  if (config_name && !fs::is_regular_file(dir / config_name))
    throw Error("model component " + dir.string() + " has no " + config_name);
  return dir;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

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

DiffusionModel DiffusionModel::load(const fs::path& folder_in, const ComputeOptions& compute) {
  const auto start = std::chrono::steady_clock::now();
  fs::path folder = folder_in.lexically_normal();
  if (folder.filename().empty()) folder = folder.parent_path();  // "dir/" -> "dir"
  require_model_folder(folder, "model folder", "model_index.json");
  if (!fs::is_regular_file(folder / "model_index.json"))
    throw Error("model folder " + folder.string() + " has no model_index.json (not a diffusers model folder)");
  const JsonConfig index = JsonConfig::load(folder / "model_index.json");

  // 1. Which components and family.
  for (const char* required : {"unet", "vae", "text_encoder", "tokenizer", "scheduler"})
    if (!listed(index.json(), required))
      throw Error(std::string("model_index.json in ") + folder.string() + " does not list the '" + required +
                  "' component (refiner-style or non-text-to-image folders are not supported)");
  const bool two_encoders = listed(index.json(), "text_encoder_2");
  if (two_encoders != listed(index.json(), "tokenizer_2"))
    throw Error("model_index.json in " + folder.string() + " lists only one of text_encoder_2 and tokenizer_2");
  const fs::path unet_dir = component_folder(folder, "unet", "config.json");
  const fs::path vae_dir = component_folder(folder, "vae", "config.json");
  const fs::path scheduler_dir = component_folder(folder, "scheduler", "scheduler_config.json");
  std::vector<fs::path> encoder_dirs = {component_folder(folder, "text_encoder", "config.json")};
  std::vector<fs::path> tokenizer_dirs = {component_folder(folder, "tokenizer", nullptr)};
  if (two_encoders) {
    encoder_dirs.push_back(component_folder(folder, "text_encoder_2", "config.json"));
    tokenizer_dirs.push_back(component_folder(folder, "tokenizer_2", nullptr));
  }

  StageScope stage("loading the model " + folder.string());

  // 2. Components: UNet and text encoders in the compute dtype; the VAE in fp32 when it is
  //    not fp16-safe (pipeline_stable_diffusion_xl.py: needs_upcasting = fp16 and force_upcast).
  auto unet = load_unet(unet_dir, compute.device, compute.dtype, compute.dtype == c10::kHalf);
  const bool text_time = unet->config().has_text_time();
  if (two_encoders != text_time)
    throw Error("model folder " + folder.string() + (two_encoders ? " has text_encoder_2 but its UNet has no " :
                                                                    " has one text encoder but its UNet uses ") +
                "\"text_time\" added conditioning (addition_embed_type); the combination is not supported");
  const ModelFamily family = two_encoders ? ModelFamily::SDXL : ModelFamily::SD;
  const bool force_zeros = family == ModelFamily::SDXL && index.get_or<bool>("force_zeros_for_empty_prompt", true);

  const auto vae_config = AutoencoderKLConfig::from_json(JsonConfig::load(vae_dir / "config.json"));
  const c10::ScalarType vae_dtype =
      (compute.dtype == c10::kHalf && vae_config.force_upcast) ? c10::kFloat : compute.dtype;
  auto vae = load_vae(vae_dir, compute.device, vae_dtype, vae_dtype == c10::kHalf);

  std::vector<ClipTokenizer> tokenizers;
  std::vector<CLIPTextModel> encoders;
  for (size_t i = 0; i < encoder_dirs.size(); ++i) {
    tokenizers.push_back(ClipTokenizer::load(tokenizer_dirs[i]));
    encoders.push_back(load_clip_text_model(encoder_dirs[i], compute.device, compute.dtype));
  }
  auto prompt_encoder = std::make_unique<PromptEncoder>(std::move(tokenizers), std::move(encoders),
                                                        family == ModelFamily::SDXL, force_zeros);
  auto scheduler_config = SchedulerConfig::load(scheduler_dir / "scheduler_config.json");

  DiffusionModel model(folder, compute, family, force_zeros, vae_dtype, std::move(unet), std::move(vae),
                       std::move(prompt_encoder), std::move(scheduler_config));
  model.load_seconds_ = seconds_since(start);
  return model;
}

std::string DiffusionModel::name() const { return folder_.filename().string(); }

int64_t DiffusionModel::latent_channels() const { return unet_->config().in_channels; }

int64_t DiffusionModel::vae_scale_factor() const { return vae_->config().downscale_factor(); }

int64_t DiffusionModel::default_image_size() const {
  const int64_t sample = unet_->config().sample_size;
  // A null sample_size in the UNet config: fall back to the VAE's training size.
  return sample > 0 ? sample * vae_scale_factor() : vae_->config().sample_size;
}

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
