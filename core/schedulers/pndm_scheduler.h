#pragma once
// PNDM (Liu et al. 2022, "Pseudo Numerical Methods for Diffusion Models on Manifolds") with
// diffusers 0.27 PNDMScheduler semantics, the scheduler SD 1.5 folders name:
// - skip_prk_steps (SD 1.5): PLMS only. The timesteps are the spacing's t_{n-1}, …, t_0 with
//   the second entry repeated (n + 1 model evaluations for n steps): the step at the repeat
//   goes back to the first sample and uses the mean of the first two model outputs (a
//   second-order start), then the linear multistep formulas of order 2, 3 and 4 follow.
// - otherwise: 12 Runge–Kutta (PRK) evaluations over the last 4 spaced timesteps (with
//   half-step midpoints), then PLMS over the rest.
// The next timestep is t − T // n for every spacing, as in diffusers; ᾱ before t = 0 is
// 1 or ᾱ_0 (set_alpha_to_one). epsilon and v_prediction outputs; the model input is not
// scaled. The step is stateful (the history of model outputs): steps must be taken in order.
#include <vector>

#include "schedulers/scheduler.h"

namespace partedit {

class PNDMScheduler : public Scheduler {
 public:
  // Throws Error for prediction_type "sample" (diffusers' PNDM has no such step).
  explicit PNDMScheduler(SchedulerConfig config);

  void set_timesteps(int64_t num_inference_steps) override;  // also clears the history
  double init_noise_sigma() const override { return 1.0; }
  at::Tensor scale_model_input(const at::Tensor& sample, size_t step_index) const override;
  // Steps must come in order 0, 1, 2, … after set_timesteps (the multistep history).
  SchedulerStepOutput step(const at::Tensor& model_output, size_t step_index, const at::Tensor& sample,
                           const at::Tensor& variance_noise = {}) override;
  // sqrt(ᾱ_t)·original + sqrt(1 − ᾱ_t)·noise at timesteps()[step_index].
  at::Tensor add_noise(const at::Tensor& original, const at::Tensor& noise, size_t step_index) const override;
  std::unique_ptr<Scheduler> clone() const override;

  // The Runge–Kutta part of timesteps() (empty with skip_prk_steps).
  size_t prk_step_count() const { return prk_count_; }
  double final_alpha_cumprod() const;

 private:
  // diffusers PNDMScheduler._get_prev_sample: x at t_prev from x at t and a (combined) model
  // output, turned into ε at t first for v_prediction (eq. 9 of the paper). Also the x0
  // estimate of that ε, for previews.
  SchedulerStepOutput transfer(const at::Tensor& sample, int64_t t, int64_t t_prev, const at::Tensor& model_output) const;
  SchedulerStepOutput step_prk(const at::Tensor& model_output, size_t step_index, const at::Tensor& sample);
  SchedulerStepOutput step_plms(const at::Tensor& model_output, size_t step_index, const at::Tensor& sample);

  size_t prk_count_ = 0;
  int64_t step_ratio_ = 0;        // T // n: the distance to the next timestep
  size_t counter_ = 0;            // steps taken since set_timesteps
  std::vector<at::Tensor> ets_;   // the last (up to 4) model outputs of whole steps
  at::Tensor cur_sample_;         // the sample a PRK group or the repeated PLMS start begins from
  at::Tensor cur_model_output_;   // the PRK weighted sum so far
};

}  // namespace partedit
