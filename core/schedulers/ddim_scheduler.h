#pragma once
// DDIM (Song et al. 2021) with diffusers 0.27 DDIMScheduler semantics: integer timesteps,
// the next timestep is t − T // n, set_alpha_to_one / final_alpha_cumprod, clip_sample,
// epsilon / v_prediction / sample, and eta (stochastic DDIM; eta = 1 is DDPM-like).
#include "schedulers/scheduler.h"

namespace partedit {

class DDIMScheduler : public Scheduler {
 public:
  explicit DDIMScheduler(SchedulerConfig config, double eta = 0.0);

  void set_timesteps(int64_t num_inference_steps) override;
  double init_noise_sigma() const override { return 1.0; }
  at::Tensor scale_model_input(const at::Tensor& sample, size_t step_index) const override;
  // eta > 0 needs variance_noise (a standard normal draw shaped like the sample).
  SchedulerStepOutput step(const at::Tensor& model_output, size_t step_index,
                           const at::Tensor& sample,
                           const at::Tensor& variance_noise = {}) override;
  at::Tensor add_noise(const at::Tensor& original, const at::Tensor& noise,
                       size_t step_index) const override;
  std::unique_ptr<Scheduler> clone() const override;

  void set_eta(double eta);  // >= 0
  double eta() const { return eta_; }

  // ᾱ used for the step after the last train timestep: 1 or ᾱ_0 (set_alpha_to_one).
  double final_alpha_cumprod() const;
  // Schedule values of one step (for inversion code that needs the same coefficients).
  int64_t timestep(size_t step_index) const;
  int64_t prev_timestep(size_t step_index) const;  // t − T // n; negative = final
  double alpha_cumprod_t(size_t step_index) const;
  double alpha_cumprod_prev(size_t step_index) const;
  // (1 − ᾱ_prev)/(1 − ᾱ_t) · (1 − ᾱ_t/ᾱ_prev): σ_t² / eta² of DDIM eq. 16.
  double variance(size_t step_index) const;

 private:
  double eta_ = 0.0;
};

}  // namespace partedit
