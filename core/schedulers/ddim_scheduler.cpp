#include "schedulers/ddim_scheduler.h"

#include <algorithm>
#include <cmath>

#include <ATen/ATen.h>

#include "runtime/error.h"

namespace partedit {

DDIMScheduler::DDIMScheduler(SchedulerConfig config, double eta)
    : Scheduler("ddim", std::move(config)) {
  if (config_.thresholding)
    throw Error("ddim scheduler: 'thresholding' (dynamic thresholding) is not supported; it is "
                "meant for pixel-space models, set it to false");
  set_eta(eta);
}

void DDIMScheduler::set_eta(double eta) {
  if (!(eta >= 0.0)) throw Error("ddim scheduler: eta must be >= 0, got " + std::to_string(eta));
  eta_ = eta;
}

void DDIMScheduler::set_timesteps(int64_t num_inference_steps) {
  // diffusers DDIMScheduler.set_timesteps: integer timesteps of the configured spacing.
  std::vector<double> ts = spaced_timesteps(config_, num_inference_steps, /*integer=*/true);
  for (double t : ts) {
    if (t < 0 || t >= static_cast<double>(schedule_.size()))
      throw Error("ddim scheduler: timestep " + std::to_string(static_cast<int64_t>(t)) +
                  " (timestep_spacing '" + config_.timestep_spacing + "', steps_offset " +
                  std::to_string(config_.steps_offset) + ", " +
                  std::to_string(num_inference_steps) + " steps) is outside the " +
                  std::to_string(schedule_.size()) + " train timesteps");
  }
  timesteps_ = std::move(ts);
  num_inference_steps_ = num_inference_steps;
}

double DDIMScheduler::final_alpha_cumprod() const {
  return config_.set_alpha_to_one ? 1.0 : schedule_.alphas_cumprod.front();
}

int64_t DDIMScheduler::timestep(size_t step_index) const {
  check_step_index(step_index, "timestep");
  return static_cast<int64_t>(timesteps_[step_index]);
}

int64_t DDIMScheduler::prev_timestep(size_t step_index) const {
  // diffusers 0.27 DDIMScheduler.step: prev = t − T // n for every spacing (for linspace this
  // is not the next entry of timesteps()).
  return timestep(step_index) - config_.num_train_timesteps / num_inference_steps_;
}

double DDIMScheduler::alpha_cumprod_t(size_t step_index) const {
  return schedule_.alphas_cumprod[static_cast<size_t>(timestep(step_index))];
}

double DDIMScheduler::alpha_cumprod_prev(size_t step_index) const {
  const int64_t prev = prev_timestep(step_index);
  return prev >= 0 ? schedule_.alphas_cumprod[static_cast<size_t>(prev)] : final_alpha_cumprod();
}

double DDIMScheduler::variance(size_t step_index) const {
  // diffusers DDIMScheduler._get_variance (DDIM eq. 16 without eta).
  const double a_t = alpha_cumprod_t(step_index);
  const double a_prev = alpha_cumprod_prev(step_index);
  return (1.0 - a_prev) / (1.0 - a_t) * (1.0 - a_t / a_prev);
}

at::Tensor DDIMScheduler::scale_model_input(const at::Tensor& sample, size_t step_index) const {
  check_step_index(step_index, "scale_model_input");
  return sample;  // DDIM does not scale the model input
}

SchedulerStepOutput DDIMScheduler::step(const at::Tensor& model_output, size_t step_index,
                                        const at::Tensor& sample,
                                        const at::Tensor& variance_noise) {
  check_step_index(step_index, "step");
  check_like_sample(model_output, sample, "model_output");
  const double a_t = alpha_cumprod_t(step_index);
  const double a_prev = alpha_cumprod_prev(step_index);
  const double sqrt_a = std::sqrt(a_t), sqrt_b = std::sqrt(1.0 - a_t);
  const auto dtype = step_compute_dtype(sample);
  const at::Tensor x = sample.to(dtype);                                    // [B, C, H, W]
  const at::Tensor out = model_output.to(sample.device(), dtype);           // [B, C, H, W]

  // 1. predicted x0 and ε (diffusers DDIMScheduler.step, "3. compute predicted original sample")
  at::Tensor x0, eps;
  if (config_.prediction_type == "epsilon") {
    x0 = (x - out * sqrt_b) / sqrt_a;
    eps = out;
  } else if (config_.prediction_type == "sample") {
    x0 = out;
    eps = (x - x0 * sqrt_a) / sqrt_b;
  } else {  // v_prediction: v = sqrt(ᾱ)·ε − sqrt(1 − ᾱ)·x0
    x0 = x * sqrt_a - out * sqrt_b;
    eps = out * sqrt_a + x * sqrt_b;
  }
  // 2. clipping of x0
  if (config_.clip_sample) x0 = x0.clamp(-config_.clip_sample_range, config_.clip_sample_range);

  // 3. σ_t = eta · sqrt(variance) (DDIM eq. 16)
  const double std_dev = eta_ * std::sqrt(variance(step_index));

  // 4. x_prev = sqrt(ᾱ_prev)·x0 + sqrt(1 − ᾱ_prev − σ_t²)·ε (DDIM eq. 12)
  const double dir_coeff = std::sqrt(std::max(1.0 - a_prev - std_dev * std_dev, 0.0));
  at::Tensor prev = x0 * std::sqrt(a_prev) + eps * dir_coeff;

  // 5. stochastic part σ_t·z
  if (eta_ > 0.0) {
    if (!variance_noise.defined())
      throw Error("ddim scheduler: eta = " + std::to_string(eta_) +
                  " needs variance_noise (a standard normal tensor shaped like the sample)");
    check_like_sample(variance_noise, sample, "variance_noise");
    prev = prev + variance_noise.to(sample.device(), dtype) * std_dev;
  }
  return {prev.to(sample.scalar_type()), x0.to(sample.scalar_type())};
}

at::Tensor DDIMScheduler::add_noise(const at::Tensor& original, const at::Tensor& noise,
                                    size_t step_index) const {
  // diffusers DDIMScheduler.add_noise: sqrt(ᾱ_t)·x0 + sqrt(1 − ᾱ_t)·noise
  check_step_index(step_index, "add_noise");
  if (noise.sizes() != original.sizes())
    throw Error("ddim scheduler: add_noise noise shape " + c10::str(noise.sizes()) +
                " differs from the sample's " + c10::str(original.sizes()));
  const double a = alpha_cumprod_t(step_index);
  return original * std::sqrt(a) +
         noise.to(original.device(), original.scalar_type()) * std::sqrt(1.0 - a);
}

std::unique_ptr<Scheduler> DDIMScheduler::clone() const {
  return std::make_unique<DDIMScheduler>(*this);
}

}  // namespace partedit
