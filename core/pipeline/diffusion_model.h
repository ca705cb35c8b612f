#pragma once
// A loaded diffusers model folder (algorithm.md §1): model_index.json with unet/, vae/,
// text_encoder/ (+ text_encoder_2/ for SDXL), tokenizer/ (+ tokenizer_2/), scheduler/; or a
// single-file checkpoint with the configs of its shape (pipeline/single_file_checkpoint.h).
// Family: SDXL when text_encoder_2 is present and the UNet has "text_time" added
// conditioning; SD 1.x/2.x otherwise. Every torch call on the models must come from one
// thread (the worker that loaded them); the object itself is not thread-safe.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include <ATen/core/Tensor.h>

#include "models/unet/unet_2d_condition.h"
#include "models/vae/autoencoder_kl.h"
#include "pipeline/model_load_options.h"
#include "pipeline/prompt_encoder.h"
#include "runtime/compute.h"
#include "schedulers/scheduler.h"

namespace partedit {

enum class ModelFamily { SDXL, SD };
const char* family_name(ModelFamily family);  // "SDXL", "SD 1.x/2.x"

// A linear map latent -> RGB in [0, 1] (per pixel: rgb = weight · z + bias), fitted to the
// model's own VAE; for cheap previews at latent resolution.
struct LatentPreviewMap {
  at::Tensor weight;     // [3, C] float32 CPU
  at::Tensor bias;       // [3] float32 CPU
  double fit_rms = 0.0;  // root-mean-square residual of the fit, in [0, 1] RGB units

  // latents [B, C, h, w] (any device/dtype) -> [B, 3, h, w] float32 on the latents' device, clamped.
  at::Tensor apply(const at::Tensor& latents) const;
};

// The side a model generates at by default: the UNet's sample_size in image pixels (SDXL:
// 128 * 8 = 1024), or the VAE's training size when the UNet leaves it null.
int64_t default_image_size(const UNet2DConditionConfig& unet, const AutoencoderKLConfig& vae);

// On the CPU the VAE works one image at a time and in tiles of this edge above it.
constexpr int64_t kCpuVaeTileSize = 1024;

class DiffusionModel {
 public:
  // Loads every component on compute.device: UNet and text encoders in compute.dtype (the
  // UNet's .fp16 weight variant preferred for fp16), the VAE in fp32 when its config says
  // force_upcast and compute.dtype is fp16, else in compute.dtype. Throws Error naming the
  // folder/file when model_index.json, a component folder or a config is missing.
  // `path` may also be a single *.safetensors checkpoint (SGM/LDM layout): its family comes
  // from its keys, its configs and tokenizers from options.config_dir or the shipped shape,
  // and the weights are converted tensor by tensor from the mapped file, in the same dtypes.
  static DiffusionModel load(const std::filesystem::path& path, const ComputeOptions& compute,
                             const ModelLoadOptions& options = {});

  DiffusionModel(DiffusionModel&&) noexcept;
  DiffusionModel& operator=(DiffusionModel&&) noexcept;
  ~DiffusionModel();

  const std::filesystem::path& folder() const { return folder_; }  // the folder or file loaded
  const ModelLoadOptions& load_options() const { return load_options_; }
  bool is_single_file() const { return !single_file_shape_.empty(); }
  // A single file's config shape: the shipped shape's name or the --config folder.
  const std::string& single_file_shape() const { return single_file_shape_; }
  std::string name() const;  // the folder's name (a file's without .safetensors), for the parameters text
  ModelFamily family() const { return family_; }
  const ComputeOptions& compute() const { return compute_; }
  c10::ScalarType vae_dtype() const { return vae_dtype_; }
  bool force_zeros_for_empty_prompt() const { return force_zeros_; }
  double load_seconds() const { return load_seconds_; }

  UNet2DConditionModel& unet() { return unet_; }
  const UNet2DConditionModel& unet() const { return unet_; }
  AutoencoderKL& vae() { return vae_; }
  const PromptEncoder& prompt_encoder() const { return *prompt_encoder_; }
  const SchedulerConfig& scheduler_config() const { return scheduler_config_; }

  int64_t latent_channels() const;    // the UNet's in_channels
  int64_t vae_scale_factor() const;   // image pixels per latent pixel (8)
  int64_t default_image_size() const;  // default_image_size(unet config, vae config)

  // A fresh scheduler of `kind` ("" = the one model_index.json/scheduler_config names)
  // configured from scheduler/scheduler_config.json.
  std::unique_ptr<Scheduler> make_scheduler(const std::string& kind = "") const;

  // Fitted on the first call (least squares on the VAE-encoded latents of flat colour and
  // gradient images), then cached.
  const LatentPreviewMap& latent_preview_map();

 private:
  DiffusionModel(std::filesystem::path folder, ComputeOptions compute, ModelFamily family, bool force_zeros,
                 c10::ScalarType vae_dtype, UNet2DConditionModel unet, AutoencoderKL vae,
                 std::unique_ptr<PromptEncoder> prompt_encoder, SchedulerConfig scheduler_config);

  std::filesystem::path folder_;
  ModelLoadOptions load_options_;
  std::string single_file_shape_;
  ComputeOptions compute_;
  ModelFamily family_;
  bool force_zeros_;
  c10::ScalarType vae_dtype_;
  UNet2DConditionModel unet_;
  AutoencoderKL vae_;
  std::unique_ptr<PromptEncoder> prompt_encoder_;
  SchedulerConfig scheduler_config_;
  double load_seconds_ = 0.0;
  std::optional<LatentPreviewMap> preview_map_;
};

// Fits the preview map for `vae` (exposed for tests): images of `size` pixels square.
LatentPreviewMap fit_latent_preview_map(AutoencoderKL& vae, int64_t size = 64);

}  // namespace partedit
