#include "schedulers/dpm_solver_multistep_scheduler.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <ATen/ATen.h>

#include "runtime/error.h"

namespace partedit {

namespace {

std::string kind_of(const DPMSolverOptions& o) {
  return o.algorithm_type == "sde-dpmsolver++" ? "dpmpp-sde" : "dpmpp-2m";
}

// VP coefficients of a k-diffusion σ (diffusers _sigma_to_alpha_sigma_t) and the half log-SNR
// λ = log α − log σ (+inf at σ = 0).
struct Level {
  double alpha, sigma, lambda;
};
Level level_of(double k_sigma) {
  const double alpha = 1.0 / std::sqrt(k_sigma * k_sigma + 1.0);
  const double sigma = k_sigma * alpha;
  const double lambda = sigma > 0 ? std::log(alpha) - std::log(sigma) : std::numeric_limits<double>::infinity();
  return {alpha, sigma, lambda};
}

// σ of every train timestep as diffusers' DPMSolverMultistepScheduler computes it: float32
// betas, cumulative product and sqrt((1 − ᾱ)/ᾱ) with the same ATen kernels, so that the
// inference sigmas are bit-equal to its float32 values.
std::vector<double> float32_train_sigmas(const SchedulerConfig& config, const NoiseSchedule& schedule) {
  const auto f32 = at::TensorOptions().dtype(at::kFloat);
  at::Tensor betas;  // [T]
  if (config.trained_betas.empty() && config.beta_schedule == "linear") {
    betas = at::linspace(config.beta_start, config.beta_end, config.num_train_timesteps, f32);
  } else if (config.trained_betas.empty() && config.beta_schedule == "scaled_linear") {
    betas = at::linspace(std::sqrt(config.beta_start), std::sqrt(config.beta_end), config.num_train_timesteps, f32)
                .pow(2);
  } else {  // trained or cosine betas: the double values rounded once
    betas = at::tensor(at::ArrayRef<double>(schedule.betas), at::TensorOptions().dtype(at::kDouble)).to(at::kFloat);
  }
  at::Tensor acp = at::cumprod(1.0 - betas, 0);  // [T]
  if (config.rescale_betas_zero_snr) {
    // diffusers recomputes ᾱ from the rescaled betas, then pins the last one to 2^-24.
    acp = at::tensor(at::ArrayRef<double>(schedule.alphas_cumprod), at::TensorOptions().dtype(at::kDouble))
              .to(at::kFloat);
  }
  const at::Tensor sig = ((1.0 - acp) / acp).pow(0.5).to(at::kDouble).contiguous();  // [T]
  return std::vector<double>(sig.data_ptr<double>(), sig.data_ptr<double>() + sig.numel());
}

}  // namespace

DPMSolverOptions dpm_solver_options_for_kind(const std::string& kind) {
  DPMSolverOptions o;
  if (kind == "dpmpp-sde") o.algorithm_type = "sde-dpmsolver++";
  else if (kind != "dpmpp-2m") throw Error("'" + kind + "' is not a DPM-Solver kind (dpmpp-2m, dpmpp-sde)");
  return o;
}

DPMSolverMultistepScheduler::DPMSolverMultistepScheduler(SchedulerConfig config, DPMSolverOptions options)
    : Scheduler(kind_of(options), std::move(config)), options_(std::move(options)) {
  const std::string who = name() + " scheduler: ";
  if (options_.algorithm_type != "dpmsolver++" && options_.algorithm_type != "sde-dpmsolver++")
    throw Error(who + "unsupported algorithm_type '" + options_.algorithm_type +
                "' (supported: dpmsolver++, sde-dpmsolver++)");
  if (options_.final_sigmas_type != "zero" && options_.final_sigmas_type != "sigma_min")
    throw Error(who + "unsupported final_sigmas_type '" + options_.final_sigmas_type + "' (zero, sigma_min)");
  if (config_.thresholding)
    throw Error(who + "'thresholding' (dynamic thresholding) is not supported; it is meant for pixel-space "
                "models, set it to false");
  // diffusers DPMSolverMultistepScheduler.__init__: zero terminal SNR would make the top σ infinite.
  if (config_.rescale_betas_zero_snr) schedule_.alphas_cumprod.back() = std::ldexp(1.0, -24);
  train_sigmas_ = float32_train_sigmas(config_, schedule_);
}

void DPMSolverMultistepScheduler::set_timesteps(int64_t num_inference_steps) {
  // diffusers DPMSolverMultistepScheduler.set_timesteps (lambda_min_clipped = −inf).
  // 1. integer timesteps: leading / linspace space n + 1 points and drop the last (t = offset
  //    or 0); trailing is the common rule
  const int64_t T = config_.num_train_timesteps;
  if (num_inference_steps < 1 || num_inference_steps > T)
    throw Error(name() + " scheduler: num_inference_steps " + std::to_string(num_inference_steps) +
                " must be in [1, " + std::to_string(T) + "]");
  std::vector<double> ts;
  if (config_.timestep_spacing == "trailing") {
    ts = spaced_timesteps(config_, num_inference_steps, /*integer=*/true);
  } else {
    if (num_inference_steps == T)
      throw Error(name() + " scheduler: " + std::to_string(T) + " steps need timestep_spacing 'trailing' (" +
                  config_.timestep_spacing + " spaces n + 1 points over the " + std::to_string(T) +
                  " train timesteps)");
    ts = spaced_timesteps(config_, num_inference_steps + 1, /*integer=*/true);
    ts.pop_back();
  }

  // 2. sigmas at those timesteps, or Karras sigmas over the whole table (timesteps follow σ)
  std::vector<double> sig;
  if (config_.use_karras_sigmas) {
    const double smin = config_.sigma_min.value_or(train_sigmas_.front());
    const double smax = config_.sigma_max.value_or(train_sigmas_.back());
    sig = karras_sigmas(smin, smax, num_inference_steps);
    std::vector<double> log_sigmas(train_sigmas_.size());
    std::transform(train_sigmas_.begin(), train_sigmas_.end(), log_sigmas.begin(),
                   [](double s) { return std::log(s); });
    for (size_t i = 0; i < ts.size(); ++i) ts[i] = std::nearbyint(sigma_to_timestep(sig[i], log_sigmas));
  } else {
    sig = interp_table(ts, train_sigmas_);
  }
  for (double t : ts) {
    if (t < 0 || t >= static_cast<double>(T))
      throw Error(name() + " scheduler: timestep " + std::to_string(static_cast<int64_t>(t)) + " (timestep_spacing '" +
                  config_.timestep_spacing + "', steps_offset " + std::to_string(config_.steps_offset) +
                  ") is outside the " + std::to_string(T) + " train timesteps");
  }
  // 3. the final noise level, then float32 values as diffusers keeps them
  sig.push_back(options_.final_sigmas_type == "zero" ? 0.0 : train_sigmas_.front());
  for (double& s : sig) s = rounded_to_float32(s);
  timesteps_ = std::move(ts);
  sigmas_ = std::move(sig);
  num_inference_steps_ = num_inference_steps;
  reset_history();
}

double DPMSolverMultistepScheduler::sigma(size_t step_index) const {
  check_step_index(step_index, "sigma");
  return sigmas_[step_index];
}

at::Tensor DPMSolverMultistepScheduler::scale_model_input(const at::Tensor& sample, size_t step_index) const {
  check_step_index(step_index, "scale_model_input");
  return sample;  // DPM-Solver does not scale the model input
}

at::Tensor DPMSolverMultistepScheduler::convert_model_output(const at::Tensor& model_output, size_t step_index,
                                                             const at::Tensor& sample) const {
  // diffusers DPMSolverMultistepScheduler.convert_model_output, dpmsolver++ branch.
  const Level s = level_of(sigma(step_index));
  check_like_sample(model_output, sample, "model_output");
  const auto dtype = step_compute_dtype(sample);
  const at::Tensor x = sample.to(dtype);                           // [B, C, H, W]
  const at::Tensor out = model_output.to(sample.device(), dtype);  // [B, C, H, W]
  if (config_.prediction_type == "epsilon") return (x - out * s.sigma) / s.alpha;
  if (config_.prediction_type == "v_prediction") return x * s.alpha - out * s.sigma;
  return out;  // sample
}

double DPMSolverMultistepScheduler::noise_scale(size_t step_index) const {
  check_step_index(step_index, "noise_scale");
  if (!stochastic()) return 0.0;
  const Level s = level_of(sigmas_[step_index]), t = level_of(sigmas_[step_index + 1]);
  const double h = t.lambda - s.lambda;
  return t.sigma * std::sqrt(-std::expm1(-2.0 * h));  // σ_t·sqrt(1 − e^(−2h)); 0 into σ = 0
}

DPMSolverMultistepScheduler::StepMean DPMSolverMultistepScheduler::step_mean(const at::Tensor& x0_pred,
                                                                             const at::Tensor& prev_x0_pred,
                                                                             size_t step_index,
                                                                             const at::Tensor& sample,
                                                                             int order) const {
  check_step_index(step_index, "step_mean");
  check_like_sample(x0_pred, sample, "x0_pred");
  if (order != 1 && order != 2) throw Error(name() + " scheduler: order must be 1 or 2, got " + std::to_string(order));
  const Level s0 = level_of(sigmas_[step_index]), t = level_of(sigmas_[step_index + 1]);
  const double h = t.lambda - s0.lambda;
  // diffusers dpm_solver_first_order_update / multistep_dpm_solver_second_order_update
  // (midpoint), written as mean = a·x + b·D0 + c·(m0 − m1):
  //   dpmsolver++:     a = σ_t/σ_s,          b = α_t(1 − e^(−h))
  //   sde-dpmsolver++: a = σ_t/σ_s·e^(−h),   b = α_t(1 − e^(−2h))
  //   second order: D1 = (m0 − m1)/r0 with r0 = h_0/h, weighted b/2.
  const double a = stochastic() ? (t.sigma / s0.sigma) * std::exp(-h) : t.sigma / s0.sigma;
  const double b = stochastic() ? t.alpha * -std::expm1(-2.0 * h) : t.alpha * -std::expm1(-h);
  const auto dtype = step_compute_dtype(sample);
  const at::Tensor x = sample.to(dtype);                    // [B, C, H, W]
  const at::Tensor m0 = x0_pred.to(sample.device(), dtype);  // [B, C, H, W]
  at::Tensor mean = x * a + m0 * b;
  if (order == 2) {
    if (step_index == 0) throw Error(name() + " scheduler: a second-order step needs a previous step");
    if (!std::isfinite(h))
      throw Error(name() + " scheduler: a second-order step into sigma 0 is undefined (use order 1)");
    check_like_sample(prev_x0_pred, sample, "the previous x0 prediction");
    const Level s1 = level_of(sigmas_[step_index - 1]);
    const double r0 = (s0.lambda - s1.lambda) / h;
    mean = mean + (m0 - prev_x0_pred.to(sample.device(), dtype)) * (0.5 * b / r0);
  }
  return {mean, noise_scale(step_index)};
}

bool DPMSolverMultistepScheduler::lower_order_final_at(size_t step_index) const {
  // diffusers step(): lower_order_final at the last step with euler_at_final, with
  // lower_order_final and fewer than 15 steps, or into a final sigma of 0.
  if (step_index + 1 != timesteps_.size()) return false;
  return options_.euler_at_final || (options_.lower_order_final && timesteps_.size() < 15) ||
         sigmas_.back() == 0.0;
}

int DPMSolverMultistepScheduler::sampler_order(size_t step_index) const {
  check_step_index(step_index, "sampler_order");
  const bool has_previous = prev_index_ && step_index > 0 && *prev_index_ + 1 == step_index;
  return has_previous && !lower_order_final_at(step_index) ? 2 : 1;
}

void DPMSolverMultistepScheduler::reset_history() {
  prev_x0_ = at::Tensor();
  prev_index_.reset();
}

void DPMSolverMultistepScheduler::set_history(const at::Tensor& x0_pred, size_t step_index) {
  check_step_index(step_index, "set_history");
  prev_x0_ = x0_pred;
  prev_index_ = step_index;
}

SchedulerStepOutput DPMSolverMultistepScheduler::step(const at::Tensor& model_output, size_t step_index,
                                                      const at::Tensor& sample, const at::Tensor& variance_noise) {
  check_step_index(step_index, "step");
  // 1. data prediction and the order this step takes
  const at::Tensor x0 = convert_model_output(model_output, step_index, sample);  // [B, C, H, W]
  int order = sampler_order(step_index);
  if (order == 2 && prev_x0_.sizes() != x0.sizes())
    throw Error(name() + " scheduler: the previous step had batch shape " + c10::str(prev_x0_.sizes()) +
                ", this one " + c10::str(x0.sizes()) + " (call reset_history between runs)");
  // 2. deterministic part, then the SDE noise term
  StepMean m = step_mean(x0, prev_x0_, step_index, sample, order);
  at::Tensor prev = m.mean;
  if (m.noise_scale > 0.0) {
    if (!variance_noise.defined())
      throw Error(name() + " scheduler: the SDE step needs variance_noise (a standard normal tensor shaped like "
                  "the sample)");
    check_like_sample(variance_noise, sample, "variance_noise");
    prev = prev + variance_noise.to(sample.device(), prev.scalar_type()) * m.noise_scale;
  }
  // 3. history for the next step
  set_history(x0, step_index);
  return {prev.to(sample.scalar_type()), x0.to(sample.scalar_type())};
}

at::Tensor DPMSolverMultistepScheduler::add_noise(const at::Tensor& original, const at::Tensor& noise,
                                                  size_t step_index) const {
  // diffusers DPMSolverMultistepScheduler.add_noise: α_t·x0 + σ_t·noise at the step's σ.
  const Level l = level_of(sigma(step_index));
  if (noise.sizes() != original.sizes())
    throw Error(name() + " scheduler: add_noise noise shape " + c10::str(noise.sizes()) + " differs from the sample's " +
                c10::str(original.sizes()));
  return original * l.alpha + noise.to(original.device(), original.scalar_type()) * l.sigma;
}

std::unique_ptr<Scheduler> DPMSolverMultistepScheduler::clone() const {
  return std::make_unique<DPMSolverMultistepScheduler>(*this);
}

}  // namespace partedit
