#include "schedulers/euler_discrete_scheduler.h"

#include <algorithm>
#include <cmath>

#include <ATen/ATen.h>

#include "runtime/error.h"

namespace partedit {

EulerDiscreteScheduler::EulerDiscreteScheduler(SchedulerConfig config)
    : Scheduler("euler", std::move(config)) {
  // diffusers EulerDiscreteScheduler.__init__: zero terminal SNR would make the top σ infinite.
  if (config_.rescale_betas_zero_snr) schedule_.alphas_cumprod.back() = std::ldexp(1.0, -24);
  train_sigmas_ = schedule_.sigmas();
}

void EulerDiscreteScheduler::set_timesteps(int64_t num_inference_steps) {
  // diffusers EulerDiscreteScheduler.set_timesteps.
  // 1. spaced timesteps (fractional for linspace), as float32 values: the UNet sees exactly these
  std::vector<double> ts = spaced_timesteps(config_, num_inference_steps, /*integer=*/false);
  for (double& t : ts) t = rounded_to_float32(t);

  // 2. sigmas at those timesteps
  std::vector<double> sig;
  if (config_.interpolation_type == "linear") {
    sig = interp_table(ts, train_sigmas_);
  } else {  // log_linear: n + 1 log-spaced σ from the table's largest to its smallest
    const double hi = std::log(train_sigmas_.back()), lo = std::log(train_sigmas_.front());
    const auto n = static_cast<double>(num_inference_steps);
    for (int64_t i = 0; i <= num_inference_steps; ++i)
      sig.push_back(std::exp(hi + (lo - hi) * static_cast<double>(i) / n));
  }

  // 3. Karras sigmas between the same ends (or the configured range); timesteps follow σ
  if (config_.use_karras_sigmas) {
    const double smin = config_.sigma_min.value_or(sig.back());
    const double smax = config_.sigma_max.value_or(sig.front());
    sig = karras_sigmas(smin, smax, num_inference_steps);
    std::vector<double> log_sigmas(train_sigmas_.size());
    std::transform(train_sigmas_.begin(), train_sigmas_.end(), log_sigmas.begin(),
                   [](double s) { return std::log(s); });
    for (size_t i = 0; i < ts.size(); ++i) ts[i] = rounded_to_float32(sigma_to_timestep(sig[i], log_sigmas));
  }

  // 4. continuous-time v-prediction models take 0.25·log σ as their timestep
  if (config_.timestep_type == "continuous" && config_.prediction_type == "v_prediction") {
    ts.resize(sig.size());
    for (size_t i = 0; i < sig.size(); ++i) ts[i] = rounded_to_float32(0.25 * std::log(sig[i]));
  }
  sig.push_back(0.0);
  timesteps_ = std::move(ts);
  sigmas_ = std::move(sig);
  num_inference_steps_ = num_inference_steps;
}

double EulerDiscreteScheduler::init_noise_sigma() const {
  const auto& s = sigmas_.empty() ? train_sigmas_ : sigmas_;
  const double max_sigma = *std::max_element(s.begin(), s.end());
  if (config_.timestep_spacing == "linspace" || config_.timestep_spacing == "trailing")
    return max_sigma;
  return std::sqrt(max_sigma * max_sigma + 1.0);
}

double EulerDiscreteScheduler::sigma(size_t step_index) const {
  check_step_index(step_index, "sigma");
  return sigmas_[step_index];
}

at::Tensor EulerDiscreteScheduler::scale_model_input(const at::Tensor& sample,
                                                     size_t step_index) const {
  const double s = sigma(step_index);
  return sample / std::sqrt(s * s + 1.0);  // c_in of k-diffusion's VP-to-VE conversion
}

SchedulerStepOutput EulerDiscreteScheduler::step(const at::Tensor& model_output,
                                                 size_t step_index, const at::Tensor& sample,
                                                 const at::Tensor& /*variance_noise*/) {
  const double s = sigma(step_index);
  const double s_next = sigmas_[step_index + 1];
  check_like_sample(model_output, sample, "model_output");
  const auto dtype = step_compute_dtype(sample);
  const at::Tensor x = sample.to(dtype);                           // [B, C, H, W]
  const at::Tensor out = model_output.to(sample.device(), dtype);  // [B, C, H, W]

  // 1. predicted x0 (diffusers EulerDiscreteScheduler.step, gamma = 0 so σ_hat = σ)
  at::Tensor x0;
  if (config_.prediction_type == "epsilon") {
    x0 = x - out * s;
  } else if (config_.prediction_type == "v_prediction") {
    x0 = out * (-s / std::sqrt(s * s + 1.0)) + x / (s * s + 1.0);
  } else {  // sample
    x0 = out;
  }
  // 2. ODE derivative d = (x − x0)/σ and the Euler step to the next σ
  const at::Tensor derivative = (x - x0) / s;
  const at::Tensor prev = x + derivative * (s_next - s);
  return {prev.to(sample.scalar_type()), x0.to(sample.scalar_type())};
}

at::Tensor EulerDiscreteScheduler::add_noise(const at::Tensor& original, const at::Tensor& noise,
                                             size_t step_index) const {
  // diffusers EulerDiscreteScheduler.add_noise: x0 + σ·noise
  const double s = sigma(step_index);
  if (noise.sizes() != original.sizes())
    throw Error("euler scheduler: add_noise noise shape " + c10::str(noise.sizes()) +
                " differs from the sample's " + c10::str(original.sizes()));
  return original + noise.to(original.device(), original.scalar_type()) * s;
}

std::unique_ptr<Scheduler> EulerDiscreteScheduler::clone() const {
  return std::make_unique<EulerDiscreteScheduler>(*this);
}

}  // namespace partedit
