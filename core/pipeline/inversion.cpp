#include "pipeline/inversion.h"

#include <algorithm>
#include <cmath>
#include <random>

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include "pipeline/diffusion_model.h"
#include "pipeline/generation_common.h"
#include "runtime/compute.h"
#include "runtime/error.h"
#include "runtime/stage.h"
#include "schedulers/ddim_scheduler.h"
#include "schedulers/dpm_solver_multistep_scheduler.h"
#include "runtime/elapsed.h"
#include "runtime/text.h"

namespace partedit {

namespace {

// Checks of the request that need no model.
void validate_request(const InvertRequest& r) {
  if (r.steps < 1) throw Error("inversion steps must be at least 1, got " + std::to_string(r.steps));
  if (!std::isfinite(r.guidance) || r.guidance < 0)
    throw Error("source guidance must be a finite number >= 0, got " + number_text(r.guidance));
  if (r.zero_noise_steps < 0 || r.zero_noise_steps > r.steps)
    throw Error("zero-noise steps must be in [0, steps = " + std::to_string(r.steps) + "], got " +
                std::to_string(r.zero_noise_steps));
  const at::Tensor& im = r.image;
  if (!im.defined() || im.dim() != 3 || im.size(0) != 3 || !im.is_floating_point())
    throw Error("the image to invert must be a float tensor [3, H, W]" +
                (im.defined() ? ", got " + c10::str(im.sizes()) : std::string(", got none")));
}

// The model-dependent checks: size, value range, noise draws.
void validate_for_model(const DiffusionModel& model, const InvertRequest& r) {
  const int64_t f = model.vae_scale_factor();
  const int64_t H = r.image.size(1), W = r.image.size(2);
  if (H < f || W < f || H % f != 0 || W % f != 0)
    throw Error("the image to invert is " + std::to_string(W) + "x" + std::to_string(H) +
                "; width and height must be positive multiples of " + std::to_string(f));
  const auto range = at::aminmax(r.image.to(at::kFloat));
  const double lo = std::get<0>(range).item<double>(), hi = std::get<1>(range).item<double>();
  if (!(lo >= -1e-3 && hi <= 1.0 + 1e-3))
    throw Error("the image to invert must hold values in [0, 1], found [" + number_text(lo) + ", " + number_text(hi) +
                "]");
  const std::vector<int64_t> expected = {r.steps, 1, model.latent_channels(), H / f, W / f};
  if (r.noise.defined() && (r.noise.sizes().vec() != expected || !r.noise.is_floating_point()))
    throw Error("the noising draws have shape " + c10::str(r.noise.sizes()) + " but " + std::to_string(r.steps) +
                " steps on a " + std::to_string(W) + "x" + std::to_string(H) + " image need float " +
                c10::str(c10::IntArrayRef(expected)));
}

// The settings part of the result.
Inversion inversion_settings(const DiffusionModel& model, const InvertRequest& request, const InversionSchedule& sched) {
  Inversion inv;
  inv.prompt = request.prompt;
  inv.guidance = request.guidance;
  inv.scheduler = request.scheduler;
  inv.skip = request.skip;
  inv.steps = request.steps;
  inv.total_steps = sched.total_steps;
  inv.zero_noise_steps = request.zero_noise_steps;
  inv.height = request.image.size(1);
  inv.width = request.image.size(2);
  inv.crop = request.crop;
  inv.source_image = request.source_image;
  inv.noise_from_seed = !request.noise.defined();
  inv.seed = request.seed ? *request.seed : std::random_device{}();
  inv.model = model_identity(model);
  return inv;
}

// [x0, x_t at each kept timestep in increasing t]: x0 noised independently to every level,
// one N(0, 1) draw per timestep in increasing t (LEdits++ invert(), "find zs and xts").
at::Tensor noised_latents(const at::Tensor& x0, const at::Tensor& draws, uint64_t seed, const InversionSchedule& sched) {
  const int n = sched.steps;
  at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(seed);
  at::Tensor xts = at::empty({n + 1, 1, x0.size(1), x0.size(2), x0.size(3)}, x0.options());  // [n + 1, 1, C, h, w]
  xts[0].copy_(x0);
  for (int k = 0; k < n; ++k) {
    const at::Tensor draw = draws.defined() ? draws[k].to(at::kFloat)
                                            : at::randn(x0.sizes(), generator, at::TensorOptions().dtype(at::kFloat));
    xts[k + 1].copy_(sched.scheduler->add_noise(x0, draw.to(x0.device()), sched.first_step + static_cast<size_t>(n - 1 - k)));
  }
  return xts;
}

}  // namespace

// ---- schedule and replay ----------------------------------------------------------------------

double InversionSchedule::timestep(int i) const {
  if (i < 0 || i >= steps) throw Error("replay step " + std::to_string(i) + " outside [0, " + std::to_string(steps) + ")");
  return scheduler->timesteps()[first_step + static_cast<size_t>(i)];
}

double InversionSchedule::noise_scale(int i) const {
  timestep(i);  // range check
  const size_t idx = first_step + static_cast<size_t>(i);
  if (const auto* dpm = dynamic_cast<const DPMSolverMultistepScheduler*>(scheduler.get())) return dpm->noise_scale(idx);
  if (const auto* ddim = dynamic_cast<const DDIMScheduler*>(scheduler.get()))
    return ddim->eta() * std::sqrt(ddim->variance(idx));  // DDIM eq. 16
  throw Error("inversion needs a dpmpp-sde or ddim scheduler, not " + scheduler->name());
}

at::Tensor InversionSchedule::step(const at::Tensor& noise_pred, int i, const at::Tensor& latents,
                                   const at::Tensor& z) {
  return step_output(noise_pred, i, latents, z).prev_sample;
}

SchedulerStepOutput InversionSchedule::step_output(const at::Tensor& noise_pred, int i, const at::Tensor& latents,
                                                   const at::Tensor& z) {
  const double scale = noise_scale(i);
  const at::Tensor zb = z.to(latents.device(), latents.scalar_type()).reshape({1, latents.size(1), latents.size(2),
                                                                               latents.size(3)})
                            .expand_as(latents);  // [B, C, h, w]
  SchedulerStepOutput out = scheduler->step(noise_pred, first_step + static_cast<size_t>(i), latents, zb);
  if (scale <= 0.0) out.prev_sample = out.prev_sample + zb;  // a step without noise term carries the residual itself
  return out;
}

const std::vector<std::string>& inversion_scheduler_kinds() {
  static const std::vector<std::string> kinds = {InvertRequest{}.scheduler, "ddim"};
  return kinds;
}

int default_zero_noise_steps(int steps) { return std::max(0, std::min(InvertRequest{}.zero_noise_steps, steps)); }

InversionSchedule make_inversion_schedule(const SchedulerConfig& model_config, const std::string& kind, int steps,
                                          double skip) {
  if (steps < 1) throw Error("inversion steps must be at least 1, got " + std::to_string(steps));
  if (!(skip >= 0.0 && skip < 1.0)) throw Error("skip must be in [0, 1), got " + number_text(skip));
  // LEdits++ invert(): set_timesteps(int(num_inversion_steps * (1 + skip))), "leading" forced.
  const auto total = static_cast<int64_t>(static_cast<double>(steps) * (1.0 + skip));
  if (total >= model_config.num_train_timesteps)
    throw Error(std::to_string(steps) + " steps with skip " + number_text(skip) + " need " + std::to_string(total) +
                " timesteps; the model has " + std::to_string(model_config.num_train_timesteps) +
                " train timesteps");
  const auto& kinds = inversion_scheduler_kinds();
  if (std::find(kinds.begin(), kinds.end(), kind) == kinds.end())
    throw Error("unknown inversion scheduler '" + kind + "' (supported: " + join(kinds, ", ") + ")");
  // Keys the model's file leaves out take the inversion scheduler's own defaults (diffusers
  // from_config), before "leading" is forced.
  SchedulerConfig config = model_config.for_class(scheduler_class_name(kind));
  config.timestep_spacing = "leading";
  InversionSchedule s;
  if (kind == "dpmpp-sde")
    s.scheduler = std::make_unique<DPMSolverMultistepScheduler>(config, dpm_solver_options_for_kind(kind));
  else
    s.scheduler = std::make_unique<DDIMScheduler>(config, /*eta=*/1.0);
  s.total_steps = static_cast<int>(total);
  s.steps = steps;
  s.first_step = static_cast<size_t>(s.total_steps - steps);
  s.scheduler->set_timesteps(s.total_steps);
  return s;
}

InversionSchedule make_inversion_schedule(const DiffusionModel& model, const Inversion& inversion) {
  return make_inversion_schedule(model.scheduler_config(), inversion.scheduler, inversion.steps, inversion.skip);
}

// ---- conditioning -------------------------------------------------------------------------------

SourceConditioning source_conditioning(const DiffusionModel& model, const std::string& prompt, double guidance,
                                       int64_t width, int64_t height) {
  const PromptEncoder& encoder = model.prompt_encoder();
  SourceConditioning c;
  c.guidance = guidance;
  if (is_blank(prompt)) {
    // LEdits++: an empty source prompt means the unconditional (negative) embedding alone
    // (zeros for SDXL with force_zeros_for_empty_prompt).
    const TextConditioning both = encoder.encode_with_guidance({""}, "");
    c.text.embeds = both.embeds.slice(0, 0, 1);  // [1, 77, D]
    if (both.pooled.defined()) c.text.pooled = both.pooled.slice(0, 0, 1);
  } else if (guidance > 1.0) {
    c.text = encoder.encode_with_guidance({prompt}, "");  // [uncond, cond]
    c.cfg = true;
  } else {
    c.text = encoder.encode({prompt});
  }
  if (model.family() == ModelFamily::SDXL) {
    c.added.text_embeds = c.text.pooled;                                                // [B, P]
    c.added.time_ids = sdxl_time_ids(height, width, c.batch(), c.text.embeds.options());  // [B, 6]
  }
  return c;
}

at::Tensor predict_source_noise(DiffusionModel& model, const SourceConditioning& cond, const at::Tensor& latents,
                                double timestep) {
  // Both inversion schedulers leave the model input unscaled (scale_model_input is the identity).
  const at::Tensor input = cond.cfg ? at::cat({latents, latents}) : latents;  // [B, C, h, w]
  at::Tensor eps = model.unet()->forward(input, timestep, cond.text.embeds, cond.added).to(at::kFloat);
  if (!cond.cfg) return eps;
  const at::Tensor uncond = eps.slice(0, 0, 1), text = eps.slice(0, 1, 2);  // [1, C, h, w]
  return uncond + cond.guidance * (text - uncond);
}

// ---- inversion ----------------------------------------------------------------------------------

struct InversionWalker::State {
  InversionSchedule sched;
  Inversion inv;
  SourceConditioning cond;
  at::Tensor x0, xts, zs;  // [1, C, h, w], [n + 1, 1, C, h, w], [n, 1, C, h, w]
  std::vector<int64_t> timesteps;
  int zero_noise_steps = 0;
  SteadyClock::time_point start, invert_start;
};

InversionWalker::InversionWalker(DiffusionModel& model, const InvertRequest& request) : state_(std::make_unique<State>()) {
  State& s = *state_;
  s.start = SteadyClock::now();
  validate_request(request);
  validate_for_model(model, request);
  s.sched = make_inversion_schedule(model.scheduler_config(), request.scheduler, request.steps, request.skip);
  s.inv = inversion_settings(model, request, s.sched);
  s.zero_noise_steps = request.zero_noise_steps;
  const c10::Device device = model.compute().device;
  InferenceGuard inference(device);

  // 1. x0 = scaling_factor · posterior mean; the source conditioning
  s.x0 = image_to_latents(model.vae(), request.image.unsqueeze(0).to(device)).to(at::kFloat);  // [1, C, h, w]
  s.cond = source_conditioning(model, request.prompt, request.guidance, s.inv.width, s.inv.height);
  wait_for(s.x0);
  s.inv.timings.encode = seconds_since(s.start);

  // 2. every x_t noised independently from x0, draws in increasing t (the reference's order)
  s.invert_start = SteadyClock::now();
  s.xts = noised_latents(s.x0, request.noise, s.inv.seed, s.sched);  // [n + 1, 1, C, h, w]
  s.zs = at::zeros_like(s.xts.slice(0, 1));                          // [n, 1, C, h, w]
}

InversionWalker::~InversionWalker() = default;
InversionWalker::InversionWalker(InversionWalker&&) noexcept = default;

int InversionWalker::steps() const { return state_->sched.steps; }
double InversionWalker::timestep(int j) const { return state_->sched.timestep(j); }
at::Tensor InversionWalker::latents(int j) const { return state_->xts[steps() - j]; }
const SourceConditioning& InversionWalker::conditioning() const { return state_->cond; }

at::Tensor InversionWalker::step(int j, const at::Tensor& eps) {
  // 3. from high noise to low: z = (x_{t−1} − μ)/σ, then x_{t−1} = μ + σ·z
  State& s = *state_;
  const int n = steps();
  const int idx = n - 1 - j;  // x_t = xts[idx + 1], x_{t−1} = xts[idx]
  const double t = s.sched.timestep(j);
  const at::Tensor xt = s.xts[idx + 1], xprev = s.xts[idx];  // [1, C, h, w]
  // The sampler's own step with zero variance noise is its mean (and records DPM's history).
  const at::Tensor mean = s.sched.scheduler->step(eps, s.sched.first_step + static_cast<size_t>(j), xt,
                                                  at::zeros_like(xt)).prev_sample;
  const double scale = s.sched.noise_scale(j);
  const at::Tensor z = scale > 0.0 ? (xprev - mean) / scale : xprev - mean;  // [1, C, h, w]
  const at::Tensor corrected = scale > 0.0 ? mean + z * scale : mean + z;
  check_finite_step(corrected, j + 1);
  if (idx > 0) s.xts[idx].copy_(corrected);  // xts[0] stays x0 itself (equal up to rounding)
  // 4. the last zero_noise_steps maps are zeroed (against SDXL noise artefacts on the edit path)
  if (j < n - s.zero_noise_steps) s.zs[j].copy_(z);
  s.timesteps.push_back(static_cast<int64_t>(t));
  return s.zs[j];
}

Inversion InversionWalker::finish() {
  State& s = *state_;
  if (static_cast<int>(s.timesteps.size()) != steps())
    throw Error("the inversion ran " + std::to_string(s.timesteps.size()) + " of its " + std::to_string(steps()) + " steps");
  wait_for(s.zs);
  s.inv.timings.invert = seconds_since(s.invert_start);
  s.inv.x0 = s.x0.to(at::kCPU);
  s.inv.xts = s.xts.to(at::kCPU);
  s.inv.zs = s.zs.to(at::kCPU);
  s.inv.timesteps = at::tensor(s.timesteps, at::TensorOptions().dtype(at::kLong));
  s.inv.timings.total = seconds_since(s.start);
  return std::move(s.inv);
}

Inversion invert(DiffusionModel& model, const InvertRequest& request, const InvertProgressCallback& progress,
                 const CancelToken& cancel) {
  InferenceGuard inference(model.compute().device);
  const CancelScope within_steps(cancel);  // cancellation_point() inside the models
  cancel.throw_if_cancelled();
  StageScope stage("encoding the photo");
  InversionWalker walker(model, request);
  const int n = walker.steps();
  for (int j = 0; j < n; ++j) {
    cancel.throw_if_cancelled();
    stage.set("inverting the photo (step " + std::to_string(j + 1) + " of " + std::to_string(n) + ")");
    const auto step_start = SteadyClock::now();
    const double t = walker.timestep(j);
    const at::Tensor z = walker.step(j, predict_source_noise(model, walker.conditioning(), walker.latents(j), t));
    if (progress) {
      wait_for(z);
      progress({j + 1, n, t, seconds_since(step_start)});
    }
  }
  return walker.finish();
}

Reconstruction reconstruct(DiffusionModel& model, const Inversion& inversion, bool decode,
                           const InvertProgressCallback& progress, const CancelToken& cancel) {
  check_inversion_matches(inversion, model, 0, 0);
  InversionSchedule sched = make_inversion_schedule(model, inversion);
  const c10::Device device = model.compute().device;
  InferenceGuard inference(device);
  const CancelScope within_steps(cancel);  // cancellation_point() inside the models
  const SourceConditioning cond =
      source_conditioning(model, inversion.prompt, inversion.guidance, inversion.width, inversion.height);
  const int n = inversion.steps;
  at::Tensor x = inversion.xts[n].to(device, at::kFloat);  // [1, C, h, w] = x_T
  Reconstruction r;
  r.step_latents = at::empty({n, 1, x.size(1), x.size(2), x.size(3)}, at::TensorOptions().dtype(at::kFloat));
  StageScope stage("replaying the inversion");
  for (int i = 0; i < n; ++i) {
    cancel.throw_if_cancelled();
    stage.set("replaying the inversion (step " + std::to_string(i + 1) + " of " + std::to_string(n) + ")");
    const auto step_start = SteadyClock::now();
    const double t = sched.timestep(i);
    const at::Tensor eps = predict_source_noise(model, cond, x, t);
    x = sched.step(eps, i, x, inversion.zs[i]);
    check_finite_step(x, i + 1);
    r.step_latents[i].copy_(x.to(at::kCPU));
    if (progress) progress({i + 1, n, t, seconds_since(step_start)});
  }
  r.latents = x.to(at::kCPU);
  stage.set("decoding the image");
  if (decode) r.image = latents_to_image(model.vae(), x)[0].to(at::kCPU).contiguous();  // [3, H, W]
  return r;
}

}  // namespace partedit
