#pragma once
// Edit-friendly DDPM inversion of a real photo as LEdits++ does it (algorithm.md §4;
// diffusers' LEditsPPPipelineStableDiffusionXL.invert), on DPM-Solver++ 2M SDE ("dpmpp-sde")
// or stochastic DDIM with η = 1 ("ddim"):
// 1. x0 = scaling_factor · VAE posterior mean of the image;
// 2. timesteps: set_timesteps(int(steps · (1 + skip))) with "leading" spacing, the last
//    `steps` kept (the scheduler keeps its full schedule; step indices start at first_step);
// 3. x_t for every kept timestep = x0 noised independently (one N(0, 1) draw per timestep,
//    in increasing t: the reference's draw order);
// 4. from high noise to low: predict the noise at x_t (source prompt with source guidance;
//    a blank prompt = the unconditional prediction alone), take the sampler's mean μ of the
//    next latent and its noise scale σ, store z = (x_{t−1} − μ)/σ and replace x_{t−1} by
//    μ + σ·z (error correction);
// 5. the last zero_noise_steps maps (denoising order) are zeroed.
// The inversion's step is the sampler's own step (scheduler->step with zero variance noise),
// so replaying the maps with the same conditioning reproduces the inverted latents exactly.
// Differences from the reference, on purpose: the DPM step into σ = 0 is first order as in
// the sampler (the reference's second-order mean is not finite there), and a step whose noise
// scale is 0 (DPM's last step; DDIM's last with set_alpha_to_one) stores the residual
// x_{t−1} − μ itself, added with weight 1 on replay, so that zero_noise_steps = 0 replays
// x0 exactly. With a prompt and guidance <= 1 the prompt's prediction is used alone.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include <ATen/core/Tensor.h>

#include "models/unet/unet_2d_condition.h"
#include "pipeline/prompt_encoder.h"
#include "runtime/cancel.h"
#include "schedulers/scheduler.h"

namespace partedit {

class DiffusionModel;

// Where the working image came from (recorded in the inversion file; no effect on the maths).
struct PhotoCrop {
  int64_t source_width = 0, source_height = 0;  // the photo as read (0 = unknown)
  int64_t left = 0, top = 0, width = 0, height = 0;  // region of the photo that was resized to the working size
};

struct InvertRequest {
  at::Tensor image;                   // [3, H, W] float in [0, 1] at the working size (multiples of 8)
  std::string prompt;                 // source prompt; blank = unconditional
  double guidance = 3.5;              // source guidance scale (with a prompt; <= 1: the prompt alone)
  int steps = 50;                     // inversion steps kept
  double skip = 0.15;                 // in [0, 1): fraction of the noisiest steps dropped
  std::string scheduler = "dpmpp-sde";  // dpmpp-sde | ddim
  std::optional<uint64_t> seed;       // of the noising draws; nullopt = random (reported)
  at::Tensor noise;                   // [steps, 1, C, h, w] noising draws (instead of the seed), increasing t
  int zero_noise_steps = 3;           // last maps zeroed, in [0, steps]
  PhotoCrop crop;                     // metadata
  std::string source_image;           // file name of the photo (metadata)
};

// A model's identity in inversion files: name (folder), family and a fingerprint of its
// UNet/VAE/text-encoder configs and the UNet's weights.
struct ModelIdentity {
  std::string name;
  std::string family;       // family_name(): "SDXL", "SD 1.x/2.x"
  std::string fingerprint;  // 16 hex digits
};
ModelIdentity model_identity(const DiffusionModel& model);

struct InversionTimings {
  double encode = 0;  // VAE encode + prompt encoding
  double invert = 0;  // the noising and the inversion loop
  double total = 0;
};

struct Inversion {
  at::Tensor x0;         // [1, C, h, w] float32 CPU
  at::Tensor xts;        // [steps + 1, 1, C, h, w]: xts[0] = x0, xts[k + 1] at the k-th kept timestep in
                         // increasing order, after correction (xts[steps] = the replay's start x_T)
  at::Tensor zs;         // [steps, 1, C, h, w] noise maps in denoising order (zs[i] feeds replay step i)
  at::Tensor timesteps;  // [steps] int64, descending (denoising order)
  std::string prompt;
  double guidance = 3.5;
  std::string scheduler;  // dpmpp-sde | ddim
  double skip = 0.15;
  int steps = 0;
  int total_steps = 0;    // int(steps · (1 + skip)): the schedule the timesteps come from
  int zero_noise_steps = 0;
  int64_t width = 0, height = 0;  // working image size in pixels
  PhotoCrop crop;
  std::string source_image;
  uint64_t seed = 0;
  bool noise_from_seed = true;
  ModelIdentity model;
  InversionTimings timings;  // not saved
};

struct InvertProgress {
  int step = 0;  // 1 .. total
  int total = 0;
  double timestep = 0;
  double seconds = 0;  // of this step
};
using InvertProgressCallback = std::function<void(const InvertProgress&)>;

// Throws Error on bad input (image shape or range of sizes, steps < 1, skip outside [0, 1),
// int(steps · (1 + skip)) beyond the train timesteps, zero_noise_steps outside [0, steps],
// an unknown scheduler, noise of the wrong shape) and CancelledError between steps.
Inversion invert(DiffusionModel& model, const InvertRequest& request, const InvertProgressCallback& progress = {},
                 const CancelToken& cancel = {});

// The inversion loop one step at a time, for a caller that computes the source prediction
// itself: the photo edit fuses the inversion into its own UNet pass (its source rows are the
// inversion's x_t with the source conditioning), so a first edit costs no separate inversion.
// invert() is this walker with predict_source_noise.
struct SourceConditioning;

class InversionWalker {
 public:
  // Validates, encodes the image and noises x0 to every kept timestep.
  InversionWalker(DiffusionModel& model, const InvertRequest& request);
  ~InversionWalker();
  InversionWalker(InversionWalker&&) noexcept;
  int steps() const;
  double timestep(int j) const;                // step j in denoising order
  at::Tensor latents(int j) const;             // x_t of step j [1, C, h, w] on the model's device
  const SourceConditioning& conditioning() const;
  // Step j from the source's guided noise prediction at latents(j): stores z_j and the
  // corrected x_{t-1}; returns z_j as the edit path uses it (zero in the zeroed tail).
  at::Tensor step(int j, const at::Tensor& eps);
  Inversion finish();  // after the last step

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// ---- replaying an inversion (what the photo edit pipeline builds on) -------------------------

// The scheduler of an inversion, positioned on its kept timesteps: kind dpmpp-sde or ddim
// (η = 1), "leading" spacing, set_timesteps(int(steps · (1 + skip))). Replay step i
// (0 .. steps − 1, denoising order) is scheduler step first_step + i.
struct InversionSchedule {
  std::unique_ptr<Scheduler> scheduler;
  size_t first_step = 0;
  int steps = 0;
  int total_steps = 0;
  double timestep(int i) const;  // the model timestep of replay step i
  // σ of replay step i's noise term (DPM: σ_t·sqrt(1 − e^(−2h)); DDIM: η·sqrt(variance)).
  double noise_scale(int i) const;
  // Replay step i for a batch: the sampler step with variance noise z ([1, C, h, w], zs[i],
  // broadcast over the batch; a step of noise scale 0 adds z itself). Any batch size: the DPM
  // history follows the batch, so run one schedule per batch layout (clone() for another).
  at::Tensor step(const at::Tensor& noise_pred, int i, const at::Tensor& latents, const at::Tensor& z);
  // The same, with the sampler's x0 estimate (for previews).
  SchedulerStepOutput step_output(const at::Tensor& noise_pred, int i, const at::Tensor& latents, const at::Tensor& z);
};
// The schedulers a photo can be inverted with, the default first: "dpmpp-sde", "ddim".
const std::vector<std::string>& inversion_scheduler_kinds();
// The reference's zero-noise steps (3) for an inversion of `steps` steps, never more than
// `steps`: what an inversion uses unless the user chose a number.
int default_zero_noise_steps(int steps);

InversionSchedule make_inversion_schedule(const SchedulerConfig& model_config, const std::string& kind, int steps,
                                          double skip);
InversionSchedule make_inversion_schedule(const DiffusionModel& model, const Inversion& inversion);

// The source conditioning of an inversion: [uncond, cond] with guidance > 1 and a prompt,
// [cond] with a prompt and guidance <= 1, [uncond] for a blank prompt; SDXL time ids of the
// working size.
struct SourceConditioning {
  TextConditioning text;
  UNetAddedConditions added;
  bool cfg = false;
  double guidance = 1.0;
  int64_t batch() const { return text.embeds.size(0); }
};
SourceConditioning source_conditioning(const DiffusionModel& model, const std::string& prompt, double guidance,
                                       int64_t width, int64_t height);
// The guided noise prediction [1, C, h, w] float32 at `latents` [1, C, h, w].
at::Tensor predict_source_noise(DiffusionModel& model, const SourceConditioning& cond, const at::Tensor& latents,
                                double timestep);

struct Reconstruction {
  at::Tensor latents;       // [1, C, h, w] float32 CPU after the last step
  at::Tensor step_latents;  // [steps, 1, C, h, w] after every step (step i ~ inversion.xts[steps − 1 − i])
  at::Tensor image;         // [3, H, W] float32 CPU in [0, 1]; undefined unless decode
};
// Denoises freely from xts[steps] with the inversion's zs, conditioning and guidance
// (nothing is tied to the stored latents): with zero_noise_steps = 0 it reproduces x0.
Reconstruction reconstruct(DiffusionModel& model, const Inversion& inversion, bool decode = true,
                           const InvertProgressCallback& progress = {}, const CancelToken& cancel = {});

// ---- files ---------------------------------------------------------------------------------

// The metadata `format` of inversion files.
inline constexpr char kInversionFileFormat[] = "partedit-inversion";

// safetensors (atomic write): tensors x0, xts, zs, timesteps; metadata format
// "partedit-inversion" version 1 with the settings, the crop record and the model identity,
// plus `extra_metadata` (keys of its own, e.g. the cache's key; a clash throws Error).
void save_inversion(const std::filesystem::path& path, const Inversion& inversion,
                    const std::map<std::string, std::string>& extra_metadata = {});
// Reads and validates a file (tensors, shapes, metadata); refuses an inversion made with
// another model (family or fingerprint), and, when width/height are > 0, of another size.
Inversion load_inversion(const std::filesystem::path& path, const DiffusionModel& model, int64_t width = 0,
                         int64_t height = 0);
// The same checks on an inversion in memory (throws Error naming `what`).
void check_inversion_matches(const Inversion& inversion, const DiffusionModel& model, int64_t width, int64_t height,
                             const std::string& what = "the inversion");

}  // namespace partedit
