#pragma once
// Euler sampler on k-diffusion sigmas (Karras et al. 2022, Algorithm 2 with s_churn = 0) with
// diffusers 0.27 EulerDiscreteScheduler semantics: sigmas interpolated from ᾱ at the spaced
// timesteps (linear or log_linear), optional Karras sigmas, final sigma 0, model input scaled by
// 1 / sqrt(σ² + 1), epsilon / v_prediction / sample prediction. Deterministic: step ignores
// variance_noise.
#include "schedulers/scheduler.h"

namespace partedit {

class EulerDiscreteScheduler : public Scheduler {
 public:
  explicit EulerDiscreteScheduler(SchedulerConfig config);

  void set_timesteps(int64_t num_inference_steps) override;
  // max σ for linspace / trailing spacing, sqrt(max σ² + 1) for leading (diffusers 0.27).
  double init_noise_sigma() const override;
  at::Tensor scale_model_input(const at::Tensor& sample, size_t step_index) const override;
  SchedulerStepOutput step(const at::Tensor& model_output, size_t step_index,
                           const at::Tensor& sample,
                           const at::Tensor& variance_noise = {}) override;
  // original + σ·noise: the sample at the noise level of timesteps()[step_index].
  at::Tensor add_noise(const at::Tensor& original, const at::Tensor& noise,
                       size_t step_index) const override;
  std::unique_ptr<Scheduler> clone() const override;

  // Noise levels of the inference steps, descending, ending with 0: timesteps().size() + 1
  // entries (+ 2 with log_linear interpolation, whose last step ends at the table's smallest σ).
  const std::vector<double>& sigmas() const { return sigmas_; }
  double sigma(size_t step_index) const;

 private:
  std::vector<double> train_sigmas_;  // σ of every train timestep, ascending in t
  std::vector<double> sigmas_;
};

}  // namespace partedit
