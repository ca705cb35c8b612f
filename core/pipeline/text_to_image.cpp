#include "pipeline/text_to_image.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <chrono>
#include <cstdio>
#include <random>
#include <sstream>

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include "pipeline/diffusion_model.h"
#include "runtime/compute.h"
#include "runtime/error.h"

namespace partedit {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

bool blank(const std::string& text) {
  return std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isspace(c); });
}

std::string shape_text(c10::IntArrayRef shape) {
  std::ostringstream out;
  out << "[";
  for (size_t i = 0; i < shape.size(); ++i) out << (i ? ", " : "") << shape[i];
  out << "]";
  return out.str();
}

std::string number_text(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", value);
  return buffer;
}

// Everything checkable before touching a model; fills the resolved size.
void validate(const DiffusionModel& model, const GenerateRequest& request, int64_t& width, int64_t& height) {
  if (blank(request.prompt)) throw Error("the prompt is empty");
  if (request.steps < 1) throw Error("steps must be at least 1, got " + std::to_string(request.steps));
  if (!std::isfinite(request.guidance) || request.guidance < 0)
    throw Error("guidance must be a finite number >= 0, got " + number_text(request.guidance));
  width = request.width > 0 ? request.width : model.default_image_size();
  height = request.height > 0 ? request.height : model.default_image_size();
  const int64_t f = model.vae_scale_factor();
  for (auto [name, value] : {std::pair<const char*, int64_t>{"width", request.width}, {"height", request.height}}) {
    if (value < 0) throw Error(std::string(name) + " must be positive, got " + std::to_string(value));
    if (value % f != 0)
      throw Error(std::string(name) + " " + std::to_string(value) + " is not a multiple of " + std::to_string(f));
  }
  const std::vector<int64_t> expected = {1, model.latent_channels(), height / f, width / f};
  if (request.initial_latents.defined() &&
      (request.initial_latents.sizes().vec() != expected || !request.initial_latents.is_floating_point()))
    throw Error("initial latents have shape " + shape_text(request.initial_latents.sizes()) + " but a " +
                std::to_string(width) + "x" + std::to_string(height) + " image needs float latents " +
                shape_text(expected));
}

// CLIP reads at most max_length ids (with the start and end marks); diffusers truncates
// and logs what it dropped.
void warn_if_truncated(const PromptEncoder& encoder, const std::string& text, const char* what,
                       std::vector<std::string>& warnings) {
  size_t longest = 0;
  for (const auto& tokenizer : encoder.tokenizers()) longest = std::max(longest, tokenizer.encode(text).size());
  const auto limit = static_cast<size_t>(encoder.max_length());
  if (longest <= limit) return;
  warnings.push_back(std::string("the ") + what + " is " + std::to_string(longest - 2) + " tokens long but CLIP reads " +
                     std::to_string(limit - 2) + ": the last " + std::to_string(longest - limit) +
                     " tokens were dropped");
}

// SDXL micro-conditioning (pipeline_stable_diffusion_xl.py _get_add_time_ids):
// original_size + crops_coords_top_left + target_size, one row per batch entry.
at::Tensor sdxl_time_ids(int64_t height, int64_t width, int64_t batch, const at::TensorOptions& options) {
  const auto h = static_cast<double>(height), w = static_cast<double>(width);
  const auto row = at::tensor({h, w, 0.0, 0.0, h, w}, at::TensorOptions().dtype(at::kDouble));  // [6]
  return row.to(options).unsqueeze(0).repeat({batch, 1});  // [B, 6]
}

bool stochastic_sampler(const Scheduler& scheduler) { return scheduler.name() == "dpmpp-sde"; }

void report_step(const ProgressCallback& progress, int step, int total, double timestep, const SchedulerStepOutput& out,
                 const at::Tensor& latents, const LatentPreviewMap* preview_map) {
  GenerateProgress p;
  p.step = step;
  p.total = total;
  p.timestep = timestep;
  p.latents = latents;
  if (preview_map) {
    const at::Tensor& x0 = out.pred_original_sample.defined() ? out.pred_original_sample : latents;
    p.preview = preview_map->apply(x0.slice(0, 0, 1))[0].to(at::kCPU);  // [3, h, w]
  }
  progress(p);
}

}  // namespace

std::string sampler_display_name(const std::string& kind) {
  if (kind == "ddim") return "DDIM";
  if (kind == "euler") return "Euler";
  if (kind == "dpmpp-sde") return "DPM++ 2M SDE";
  return kind;
}

std::string format_parameters(const GenerateRequest& request, const GenerateResult& result,
                              const std::string& model_name) {
  std::ostringstream out;
  out << request.prompt << "\n";
  if (!blank(request.negative)) out << "Negative prompt: " << request.negative << "\n";
  out << "Steps: " << request.steps << ", Sampler: " << sampler_display_name(result.scheduler)
      << ", CFG scale: " << number_text(request.guidance);
  if (result.noise_from_seed) out << ", Seed: " << result.seed;
  out << ", Size: " << result.width << "x" << result.height << ", Model: " << model_name;
  if (!result.noise_from_seed) out << ", Noise: initial latents";
  return out.str();
}

GenerateResult generate(DiffusionModel& model, const GenerateRequest& request, const ProgressCallback& progress,
                        const CancelToken& cancel) {
  const auto start = Clock::now();
  GenerateResult result;
  validate(model, request, result.width, result.height);
  auto scheduler = model.make_scheduler(request.scheduler);
  scheduler->set_timesteps(request.steps);
  result.scheduler = scheduler->name();
  result.noise_from_seed = !request.initial_latents.defined();
  result.seed = request.seed ? *request.seed : std::random_device{}();
  InferenceGuard inference(model.compute().device);
  cancel.throw_if_cancelled();

  // 1. Prompt encoding: the batch [uncond, cond] with guidance, [cond] without.
  const PromptEncoder& encoder = model.prompt_encoder();
  warn_if_truncated(encoder, request.prompt, "prompt", result.warnings);
  warn_if_truncated(encoder, request.negative, "negative prompt", result.warnings);
  const bool cfg = request.guidance > 1.0;  // diffusers: do_classifier_free_guidance
  const TextConditioning text =
      cfg ? encoder.encode_with_guidance({request.prompt}, request.negative) : encoder.encode({request.prompt});
  const int64_t batch = text.embeds.size(0);
  UNetAddedConditions added;
  if (model.family() == ModelFamily::SDXL) {
    added.text_embeds = text.pooled;  // [B, P]
    added.time_ids = sdxl_time_ids(result.height, result.width, batch, text.embeds.options());  // [B, 6]
  }
  const LatentPreviewMap* preview_map = (progress && request.preview) ? &model.latent_preview_map() : nullptr;
  wait_for(text.embeds);
  result.timings.encode = seconds_since(start);

  // 2. Initial latents (prepare_latents): unit noise from a CPU float32 generator, bit-equal
  //    to torch.manual_seed(seed); torch.randn(...), then x init_noise_sigma on the device.
  const auto denoise_start = Clock::now();
  const c10::Device device = model.compute().device;
  const int64_t f = model.vae_scale_factor();
  at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(result.seed);
  const auto cpu_float = at::TensorOptions().dtype(at::kFloat);
  at::Tensor noise = result.noise_from_seed
                         ? at::randn({1, model.latent_channels(), result.height / f, result.width / f}, generator,
                                     cpu_float)
                         : request.initial_latents.to(at::kFloat);
  at::Tensor latents = noise.to(device).mul(scheduler->init_noise_sigma());  // [1, C, h, w] float32

  // 3. Denoising loop (the latents stay float32; the UNet runs in the compute dtype).
  const auto& timesteps = scheduler->timesteps();
  const int total = static_cast<int>(timesteps.size());
  const bool step_noise = stochastic_sampler(*scheduler);
  for (int i = 0; i < total; ++i) {
    cancel.throw_if_cancelled();
    const auto step = static_cast<size_t>(i);
    at::Tensor model_input = cfg ? at::cat({latents, latents}) : latents;  // [B, C, h, w]
    model_input = scheduler->scale_model_input(model_input, step);
    at::Tensor noise_pred = model.unet()->forward(model_input, timesteps[step], text.embeds, added).to(at::kFloat);
    if (cfg) {
      const auto uncond = noise_pred.slice(0, 0, 1), cond = noise_pred.slice(0, 1, 2);  // [1, C, h, w]
      noise_pred = uncond + request.guidance * (cond - uncond);
    }
    at::Tensor variance_noise;
    if (step_noise) variance_noise = at::randn(latents.sizes(), generator, cpu_float).to(device);
    SchedulerStepOutput out = scheduler->step(noise_pred, step, latents, variance_noise);
    latents = out.prev_sample;
    if (progress) report_step(progress, i + 1, total, timesteps[step], out, latents, preview_map);
  }
  wait_for(latents);
  result.timings.denoise = seconds_since(denoise_start);

  // 4. Decode (latents_to_image casts to the VAE's dtype: fp32 when it needs upcasting).
  cancel.throw_if_cancelled();
  const auto decode_start = Clock::now();
  result.image = latents_to_image(model.vae(), latents)[0].to(at::kCPU).contiguous();  // [3, H, W]
  result.latents = latents.to(at::kCPU);
  result.timings.decode = seconds_since(decode_start);
  result.parameters = format_parameters(request, result, model.name());
  result.timings.total = seconds_since(start);
  return result;
}

}  // namespace partedit
