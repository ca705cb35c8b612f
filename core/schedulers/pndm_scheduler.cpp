#include "schedulers/pndm_scheduler.h"

#include <algorithm>
#include <cmath>

#include <ATen/ATen.h>

#include "runtime/error.h"

namespace partedit {

PNDMScheduler::PNDMScheduler(SchedulerConfig config) : Scheduler("pndm", std::move(config)) {
  if (config_.prediction_type != "epsilon" && config_.prediction_type != "v_prediction")
    throw Error("pndm scheduler: prediction_type '" + config_.prediction_type +
                "' is not supported (epsilon or v_prediction)");
}

void PNDMScheduler::set_timesteps(int64_t num_inference_steps) {
  // diffusers PNDMScheduler.set_timesteps: the spacing's timesteps in ascending order …
  std::vector<double> spaced = spaced_timesteps(config_, num_inference_steps, /*integer=*/true);
  std::reverse(spaced.begin(), spaced.end());
  for (double t : spaced)
    if (t < 0 || t >= static_cast<double>(schedule_.size()))
      throw Error("pndm scheduler: timestep " + std::to_string(static_cast<int64_t>(t)) + " (timestep_spacing '" +
                  config_.timestep_spacing + "', steps_offset " + std::to_string(config_.steps_offset) + ", " +
                  std::to_string(num_inference_steps) + " steps) is outside the " +
                  std::to_string(schedule_.size()) + " train timesteps");
  const int64_t T = config_.num_train_timesteps;
  std::vector<double> prk, plms;
  if (config_.skip_prk_steps) {
    // … PLMS only: [t_0 … t_{n−2}, t_{n−2}, t_{n−1}] reversed; the second entry repeats.
    plms.assign(spaced.begin(), spaced.end() - 1);
    if (spaced.size() >= 2) plms.push_back(spaced[spaced.size() - 2]);
    plms.push_back(spaced.back());
    std::reverse(plms.begin(), plms.end());
  } else {
    // … PRK over the last 4 (pndm_order) timesteps, each with its half step:
    // repeat(2) + tile([0, T // n // 2]), drop the last, repeat(2), drop both ends, reverse.
    if (spaced.size() < 4)
      throw Error("pndm scheduler: with skip_prk_steps false, PNDM needs at least 4 steps, got " +
                  std::to_string(num_inference_steps));
    const double half = static_cast<double>(T / num_inference_steps / 2);
    std::vector<double> pairs;
    for (size_t i = spaced.size() - 4; i < spaced.size(); ++i) {
      pairs.push_back(spaced[i]);
      pairs.push_back(spaced[i] + half);
    }
    pairs.pop_back();
    std::vector<double> doubled;
    for (double t : pairs) doubled.insert(doubled.end(), {t, t});
    prk.assign(doubled.begin() + 1, doubled.end() - 1);
    std::reverse(prk.begin(), prk.end());
    plms.assign(spaced.begin(), spaced.end() - 3);
    std::reverse(plms.begin(), plms.end());
  }
  timesteps_ = prk;
  timesteps_.insert(timesteps_.end(), plms.begin(), plms.end());
  prk_count_ = prk.size();
  num_inference_steps_ = num_inference_steps;
  step_ratio_ = T / num_inference_steps;
  counter_ = 0;
  ets_.clear();
  cur_sample_ = at::Tensor();
  cur_model_output_ = at::Tensor();
}

double PNDMScheduler::final_alpha_cumprod() const {
  return config_.set_alpha_to_one ? 1.0 : schedule_.alphas_cumprod.front();
}

at::Tensor PNDMScheduler::scale_model_input(const at::Tensor& sample, size_t step_index) const {
  check_step_index(step_index, "scale_model_input");
  return sample;  // PNDM does not scale the model input
}

SchedulerStepOutput PNDMScheduler::transfer(const at::Tensor& sample, int64_t t, int64_t t_prev,
                                            const at::Tensor& model_output) const {
  const double a_t = schedule_.alphas_cumprod[static_cast<size_t>(t)];
  const double a_prev = t_prev >= 0 ? schedule_.alphas_cumprod[static_cast<size_t>(t_prev)] : final_alpha_cumprod();
  const double b_t = 1.0 - a_t, b_prev = 1.0 - a_prev;
  // v = sqrt(ᾱ)·ε − sqrt(1 − ᾱ)·x0  ⇒  ε = sqrt(ᾱ)·v + sqrt(1 − ᾱ)·x_t
  const at::Tensor eps = config_.prediction_type == "v_prediction"
                             ? model_output * std::sqrt(a_t) + sample * std::sqrt(b_t)
                             : model_output;
  const double sample_coeff = std::sqrt(a_prev / a_t);
  const double denom = a_t * std::sqrt(b_prev) + std::sqrt(a_t * b_t * a_prev);
  at::Tensor prev = sample * sample_coeff - eps * ((a_prev - a_t) / denom);
  at::Tensor x0 = (sample - eps * std::sqrt(b_t)) / std::sqrt(a_t);
  return {prev, x0};
}

SchedulerStepOutput PNDMScheduler::step(const at::Tensor& model_output, size_t step_index, const at::Tensor& sample,
                                        const at::Tensor&) {
  check_step_index(step_index, "step");
  if (step_index != counter_)
    throw Error("pndm scheduler: steps must be taken in order (expected step " + std::to_string(counter_) +
                ", got " + std::to_string(step_index) + "); call set_timesteps to start again");
  if (!model_output.defined() || model_output.sizes() != sample.sizes())
    throw Error("pndm scheduler: model_output must have the sample's shape " + c10::str(sample.sizes()));
  const auto dtype = step_compute_dtype(sample);
  const at::Tensor x = sample.to(dtype);
  const at::Tensor out = model_output.to(sample.device(), dtype);
  SchedulerStepOutput r = step_index < prk_count_ ? step_prk(out, step_index, x) : step_plms(out, step_index, x);
  ++counter_;
  return {r.prev_sample.to(sample.scalar_type()), r.pred_original_sample.to(sample.scalar_type())};
}

SchedulerStepOutput PNDMScheduler::step_prk(const at::Tensor& model_output, size_t step_index,
                                            const at::Tensor& sample) {
  // diffusers PNDMScheduler.step_prk: groups of 4 evaluations (RK4 weights 1/6, 1/3, 1/3, 1/6);
  // every evaluation steps from the group's first sample, the 1st and 3rd to the half step.
  const int64_t half = config_.num_train_timesteps / num_inference_steps_ / 2;
  const int64_t diff_to_prev = counter_ % 2 ? 0 : half;
  const int64_t prev_t = static_cast<int64_t>(timesteps_[step_index]) - diff_to_prev;
  const int64_t t = static_cast<int64_t>(timesteps_[counter_ / 4 * 4]);
  at::Tensor output = model_output;
  switch (counter_ % 4) {
    case 0:
      cur_model_output_ = model_output / 6.0;
      ets_.push_back(model_output);
      cur_sample_ = sample;
      break;
    case 1:
    case 2:
      cur_model_output_ = cur_model_output_ + model_output / 3.0;
      break;
    default:
      output = cur_model_output_ + model_output / 6.0;
      cur_model_output_ = at::Tensor();
      break;
  }
  return transfer(cur_sample_.defined() ? cur_sample_ : sample, t, prev_t, output);
}

SchedulerStepOutput PNDMScheduler::step_plms(const at::Tensor& model_output, size_t step_index,
                                             const at::Tensor& sample) {
  // diffusers PNDMScheduler.step_plms. counter_ 1 is the repeated timestep: it goes back to
  // the first sample (t = the first timestep) with the mean of both outputs.
  int64_t t = static_cast<int64_t>(timesteps_[step_index]);
  int64_t prev_t = t - step_ratio_;
  if (counter_ != 1) {
    if (ets_.size() > 3) ets_.erase(ets_.begin(), ets_.end() - 3);
    ets_.push_back(model_output);
  } else {
    prev_t = t;
    t = t + step_ratio_;
  }
  at::Tensor output;
  at::Tensor from = sample;
  const size_t n = ets_.size();
  if (n == 1 && counter_ == 0) {
    output = model_output;
    cur_sample_ = sample;
  } else if (n == 1 && counter_ == 1) {
    output = (model_output + ets_[0]) / 2.0;
    from = cur_sample_;
    cur_sample_ = at::Tensor();
  } else if (n == 2) {
    output = (ets_[1] * 3.0 - ets_[0]) / 2.0;
  } else if (n == 3) {
    output = (ets_[2] * 23.0 - ets_[1] * 16.0 + ets_[0] * 5.0) / 12.0;
  } else {
    output = (ets_[3] * 55.0 - ets_[2] * 59.0 + ets_[1] * 37.0 - ets_[0] * 9.0) / 24.0;
  }
  return transfer(from, t, prev_t, output);
}

at::Tensor PNDMScheduler::add_noise(const at::Tensor& original, const at::Tensor& noise, size_t step_index) const {
  check_step_index(step_index, "add_noise");
  if (noise.sizes() != original.sizes())
    throw Error("pndm scheduler: add_noise noise shape " + c10::str(noise.sizes()) + " differs from the sample's " +
                c10::str(original.sizes()));
  const double a = schedule_.alphas_cumprod[static_cast<size_t>(timesteps_[step_index])];
  return original * std::sqrt(a) + noise.to(original.device(), original.scalar_type()) * std::sqrt(1.0 - a);
}

std::unique_ptr<Scheduler> PNDMScheduler::clone() const { return std::make_unique<PNDMScheduler>(*this); }

}  // namespace partedit
