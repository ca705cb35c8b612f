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

// Throws Error on bad input (empty prompt, size not a multiple of 8, steps < 1, initial
// latents of the wrong shape, unknown scheduler) and CancelledError when `cancel` is set
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
