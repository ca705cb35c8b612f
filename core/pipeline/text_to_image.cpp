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
#include "pipeline/generation_common.h"
#include "pipeline/infotext.h"
#include "runtime/compute.h"
#include "runtime/error.h"
#include "runtime/stage.h"
#include "runtime/elapsed.h"

namespace partedit {

namespace {

bool stochastic_sampler(const Scheduler& scheduler) { return scheduler.name() == "dpmpp-sde"; }

void report_generation_step(const ProgressCallback& progress, int step, int total, double timestep, const SchedulerStepOutput& out,
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

void validate_image_size(int64_t width, int64_t height) {
  using L = RequestLimits;
  for (auto [name, value] : {std::pair<const char*, int64_t>{"width", width}, {"height", height}}) {
    if (value == 0) continue;  // the model's default
    if (value < L::min_side || value > L::max_side)
      throw Error(std::string("the ") + name + " " + std::to_string(value) + " is outside the supported range of " +
                  std::to_string(L::min_side) + " to " + std::to_string(L::max_side) +
                  " pixels (SDXL is made for about 1024, SD 1.x for 512)");
    if (value % L::side_multiple != 0)
      throw Error(std::string("the ") + name + " " + std::to_string(value) + " is not a multiple of " +
                  std::to_string(L::side_multiple));
  }
  if (width == 0 || height == 0) return;
  const int64_t longer = std::max(width, height), shorter = std::min(width, height);
  if (longer > L::max_aspect * shorter)
    throw Error("a " + std::to_string(width) + "x" + std::to_string(height) + " image is " +
                number_text(static_cast<double>(longer) / static_cast<double>(shorter)) + ":1; at most " +
                std::to_string(L::max_aspect) + ":1 is supported (make the shorter side at least " +
                std::to_string((longer / L::max_aspect + L::side_multiple - 1) / L::side_multiple * L::side_multiple) +
                ")");
}

void validate_mask_size(int64_t mask_size) {
  if (mask_size < 0 || mask_size > RequestLimits::max_mask_size)
    throw Error("the mask size " + std::to_string(mask_size) + " is outside the supported range of 1 to " +
                std::to_string(RequestLimits::max_mask_size) + " (the authors use 1024)");
}

void validate(const GenerateRequest& request) {
  if (request.steps < 1) throw Error("steps must be at least 1, got " + std::to_string(request.steps));
  if (request.steps > RequestLimits::max_steps)
    throw Error("steps must be at most " + std::to_string(RequestLimits::max_steps) + " (the model's training "
                "timesteps), got " + std::to_string(request.steps));
  if (request.width < 0 || request.height < 0)
    throw Error("the image size must be positive, got " + std::to_string(request.width) + "x" +
                std::to_string(request.height));
  validate_image_size(request.width, request.height);
}

std::string sampler_display_name(const std::string& kind) {
  if (kind == "ddim") return "DDIM";
  if (kind == "euler") return "Euler";
  if (kind == "dpmpp-2m") return "DPM++ 2M";
  if (kind == "dpmpp-sde") return "DPM++ 2M SDE";
  if (kind == "pndm") return "PNDM";
  return kind;
}

std::vector<InfotextSetting> generation_settings(const GenerateRequest& request, const GenerateResult& result,
                                                const std::string& model_name) {
  std::vector<InfotextSetting> s = {{"Steps", std::to_string(request.steps)},
                                    {"Sampler", infotext_value(sampler_display_name(result.scheduler))},
                                    {"CFG scale", number_text(request.guidance)}};
  if (result.noise_from_seed) s.push_back({"Seed", std::to_string(result.seed)});
  s.push_back({"Size", std::to_string(result.width) + "x" + std::to_string(result.height)});
  s.push_back({"Model", infotext_value(model_name)});
  if (!result.noise_from_seed) s.push_back({"Noise", "initial latents"});
  return s;
}

std::string format_parameters(const GenerateRequest& request, const GenerateResult& result,
                              const std::string& model_name) {
  return format_infotext(request.prompt, request.negative, generation_settings(request, result, model_name));
}

GenerateResult generate(DiffusionModel& model, const GenerateRequest& request, const ProgressCallback& progress,
                        const CancelToken& cancel) {
  const auto start = SteadyClock::now();
  GenerateResult result;
  validate(request);
  validate_generation(model, request, result.width, result.height);
  validate_image_size(result.width, result.height);  // a default side with a given one
  auto scheduler = model.make_scheduler(request.scheduler);
  scheduler->set_timesteps(request.steps);
  result.scheduler = scheduler->name();
  result.noise_from_seed = !request.initial_latents.defined();
  result.seed = request.seed ? *request.seed : std::random_device{}();
  InferenceGuard inference(model.compute().device);
  const CancelScope within_steps(cancel);  // cancellation_point() inside the models
  cancel.throw_if_cancelled();

  // 1. Prompt encoding: the batch [uncond, cond] with guidance, [cond] without.
  StageScope stage("encoding the prompt");
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
  const auto denoise_start = SteadyClock::now();
  stage.set("preparing the initial latents");
  const c10::Device device = model.compute().device;
  const int64_t f = model.vae_scale_factor();
  at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(result.seed);
  const auto cpu_float = at::TensorOptions().dtype(at::kFloat);
  at::Tensor noise = initial_noise(model, request, result.width, result.height, generator);
  at::Tensor latents = noise.to(device).mul(scheduler->init_noise_sigma());  // [1, C, h, w] float32

  // 3. Denoising loop (the latents stay float32; the UNet runs in the compute dtype).
  const auto& timesteps = scheduler->timesteps();
  const int total = static_cast<int>(timesteps.size());
  const bool step_noise = stochastic_sampler(*scheduler);
  for (int i = 0; i < total; ++i) {
    cancel.throw_if_cancelled();
    stage.set("denoising (step " + std::to_string(i + 1) + " of " + std::to_string(total) + ")");
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
    check_finite_step(latents, i + 1);
    if (progress) report_generation_step(progress, i + 1, total, timesteps[step], out, latents, preview_map);
  }
  wait_for(latents);
  result.timings.denoise = seconds_since(denoise_start);

  // 4. Decode (latents_to_image casts to the VAE's dtype: fp32 when it needs upcasting).
  cancel.throw_if_cancelled();
  const auto decode_start = SteadyClock::now();
  stage.set("decoding the image");
  result.image = latents_to_image(model.vae(), latents)[0].to(at::kCPU).contiguous();  // [3, H, W]
  result.latents = latents.to(at::kCPU);
  result.timings.decode = seconds_since(decode_start);
  result.parameters = format_parameters(request, result, model.name());
  result.timings.total = seconds_since(start);
  return result;
}

}  // namespace partedit
