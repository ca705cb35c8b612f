#pragma once
// Text-to-image generation with diffusers' StableDiffusionXLPipeline semantics (and
// StableDiffusionPipeline's for SD 1.x/2.x): initial noise x init_noise_sigma, classifier-
// free guidance batch [uncond, cond], SDXL micro-conditioning time_ids, the scheduler loop,
// VAE decode. Runs on the calling thread (the one that owns the models).
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

#include "pipeline/infotext.h"
#include "runtime/cancel.h"

namespace partedit {

class DiffusionModel;

struct GenerateRequest {
  std::string prompt;
  std::string negative;                // "" = none (SDXL: zero embeddings with force_zeros_for_empty_prompt)
  int steps = 50;
  double guidance = 7.5;               // <= 1 disables classifier-free guidance (as diffusers)
  std::string scheduler;               // "ddim" | "euler" | ... ; "" = the model's own
  std::optional<uint64_t> seed;        // nullopt = a random seed (reported in the result)
  int64_t width = 0;                   // 0 = the model's default size (UNet sample_size x 8)
  int64_t height = 0;
  at::Tensor initial_latents;          // [1, C, h, w] unit-variance noise; undefined = drawn from the seed
  bool preview = true;                 // compute GenerateProgress::preview at every step
};

struct GenerateProgress {
  int step = 0;         // steps done: 1 .. total
  int total = 0;
  double timestep = 0;  // the model timestep of this step
  at::Tensor preview;   // [3, h, w] float32 CPU in [0, 1], latent resolution (the step's x0
                        // estimate through the model's fitted latent->RGB map); undefined
                        // when GenerateRequest::preview is false
  at::Tensor latents;   // [1, C, h, w] float32 on the model's device, after this step (read-only)
};

struct GenerateTimings {
  double encode = 0;   // prompt encoding (and the preview map's one-time fit)
  double denoise = 0;  // the scheduler loop
  double decode = 0;   // VAE decode and the copy to the CPU
  double total = 0;    // the whole call
};

struct GenerateResult {
  at::Tensor image;    // [3, H, W] float32 CPU in [0, 1]
  at::Tensor latents;  // [1, C, h, w] float32 CPU, the final latents (before the VAE)
  std::string parameters;  // A1111-style text for the image metadata
  std::vector<std::string> warnings;
  GenerateTimings timings;
  uint64_t seed = 0;         // the seed used for the noise (meaningless when noise_from_seed is false)
  bool noise_from_seed = true;
  std::string scheduler;     // the kind that ran
  int64_t width = 0, height = 0;
};

using ProgressCallback = std::function<void(const GenerateProgress&)>;

// What any request may ask, whatever the model, so that a front end refuses at once what
// would only run out of memory or for minutes: SDXL is trained at 1024² (aspect buckets up
// to 4:1), SD 1.x at 512², SD 2.x at 768²; attention memory grows with the square of the
// pixel count.
struct RequestLimits {
  static constexpr int64_t min_side = 64;         // 8 latent pixels: the UNet halves them up to three times
  static constexpr int64_t max_side = 4096;       // 4 x SDXL's training side, 16.8 MP at most
  static constexpr int64_t side_multiple = 8;     // the VAE factor of every supported model
  static constexpr int64_t max_aspect = 8;        // longer side / shorter side: twice SDXL's widest bucket
  static constexpr int max_steps = 1000;          // the models' num_train_timesteps
  static constexpr int64_t max_mask_size = 4096;  // mask aggregation side (the authors use 1024)
};

// Throws Error for what no model can serve: steps outside [1, max_steps], a given side
// outside [min_side, max_side] or not a multiple of 8, two given sides more than max_aspect
// apart. A side of 0 (the model's default) is checked by generate() once it is known.
void validate(const GenerateRequest& request);
// The same size checks for a resolved width x height.
void validate_image_size(int64_t width, int64_t height);
// 0 (= the image size) or [1, max_mask_size].
void validate_mask_size(int64_t mask_size);

// Throws Error on bad input (empty prompt, the limits of validate(), initial latents of the
// wrong shape, unknown scheduler) and CancelledError when `cancel` is set
// (checked before every step and before decoding). `progress` is called after every step.
GenerateResult generate(DiffusionModel& model, const GenerateRequest& request, const ProgressCallback& progress = {},
                        const CancelToken& cancel = {});

// The display name of a scheduler kind in the parameters text ("ddim" -> "DDIM").
std::string sampler_display_name(const std::string& kind);

// The settings of a generation as infotext pairs: Steps, Sampler, CFG scale, Seed (when the
// noise came from it), Size, Model (and "Noise: initial latents" otherwise).
std::vector<InfotextSetting> generation_settings(const GenerateRequest& request, const GenerateResult& result,
                                                const std::string& model_name);

// "prompt\nNegative prompt: …\nSteps: N, Sampler: …, CFG scale: …, Seed: …, Size: WxH, Model: …"
// (the negative line only when there is one; "Seed" only when the noise came from it).
std::string format_parameters(const GenerateRequest& request, const GenerateResult& result, const std::string& model_name);

}  // namespace partedit
