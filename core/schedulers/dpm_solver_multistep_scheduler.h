#pragma once
// DPM-Solver++ 2M (Lu et al. 2022, arXiv 2211.01095) with diffusers 0.27
// DPMSolverMultistepScheduler semantics, solver_order 2, midpoint solver type:
// - "dpmpp-2m": algorithm_type dpmsolver++ (deterministic, the ODE solver);
// - "dpmpp-sde": algorithm_type sde-dpmsolver++ (DPM-Solver++ 2M SDE, the LEdits++ sampler),
//   whose step takes a standard normal variance_noise.
// Timesteps are integers of DPM's own spacing (leading: step ratio T // (n + 1)); sigmas are
// interpolated from the training table (or Karras), stored as float32 values as diffusers
// does, with a final 0 ("zero") or the table's smallest sigma ("sigma_min"). The model input
// is not scaled (init_noise_sigma 1); the model output is converted to a data prediction x0.
//
// Multistep state: step() keeps the previous step's x0 prediction. A step is second order
// when that history comes from the step just before, except at the last step when
// lower_order_final applies (fewer than 15 steps, euler_at_final, or a final sigma of 0,
// where a second-order step is undefined). The pieces of a step are public so that
// edit-friendly inversion can compute a step's mean and noise scale without committing.
#include <optional>
#include <string>

#include "schedulers/scheduler.h"

namespace partedit {

// The DPM-Solver keys of a scheduler_config.json that SchedulerConfig does not carry.
struct DPMSolverOptions {
  std::string algorithm_type = "dpmsolver++";  // dpmsolver++ | sde-dpmsolver++
  bool lower_order_final = true;
  bool euler_at_final = false;
  std::string final_sigmas_type = "zero";      // zero | sigma_min
};

class DPMSolverMultistepScheduler : public Scheduler {
 public:
  // Throws Error for thresholding, an unknown algorithm_type or final_sigmas_type.
  DPMSolverMultistepScheduler(SchedulerConfig config, DPMSolverOptions options = {});

  void set_timesteps(int64_t num_inference_steps) override;  // also clears the history
  double init_noise_sigma() const override { return 1.0; }
  at::Tensor scale_model_input(const at::Tensor& sample, size_t step_index) const override;
  // Converts the model output, takes a first- or second-order step (see sampler_order) and
  // records the x0 prediction as history. The SDE variant needs variance_noise (standard
  // normal, the sample's shape) unless the step's noise_scale is 0.
  SchedulerStepOutput step(const at::Tensor& model_output, size_t step_index, const at::Tensor& sample,
                           const at::Tensor& variance_noise = {}) override;
  // α_s·original + σ_s·noise at the noise level of sigmas()[step_index].
  at::Tensor add_noise(const at::Tensor& original, const at::Tensor& noise, size_t step_index) const override;
  std::unique_ptr<Scheduler> clone() const override;

  const DPMSolverOptions& options() const { return options_; }
  bool stochastic() const { return options_.algorithm_type == "sde-dpmsolver++"; }
  // timesteps().size() + 1 noise levels (k-diffusion σ), descending, float32 values.
  const std::vector<double>& sigmas() const { return sigmas_; }
  double sigma(size_t step_index) const;

  // ---- the pieces of one step (no state is read or written) ------------------------------
  // Data prediction x0 from the model output at sigmas()[step_index] (convert_model_output),
  // in the step's compute dtype.
  at::Tensor convert_model_output(const at::Tensor& model_output, size_t step_index, const at::Tensor& sample) const;
  struct StepMean {
    at::Tensor mean;          // deterministic part of x at the next noise level
    double noise_scale = 0;   // x_next = mean + noise_scale · z (0 for dpmsolver++ and into σ = 0)
  };
  // order 1: from x0_pred alone; order 2: multistep with prev_x0_pred, the x0 prediction of
  // step_index − 1 (required). Throws for order 2 at the first step or into σ = 0.
  StepMean step_mean(const at::Tensor& x0_pred, const at::Tensor& prev_x0_pred, size_t step_index,
                     const at::Tensor& sample, int order) const;
  // σ_t·sqrt(1 − e^(−2h)) of the SDE step from step_index (0 for the ODE variant).
  double noise_scale(size_t step_index) const;
  // The order step() would use at step_index given the current history: 1 or 2.
  int sampler_order(size_t step_index) const;

  // ---- history ---------------------------------------------------------------------------
  void reset_history();
  // Declares x0_pred the prediction made at step_index (as step() does after stepping).
  void set_history(const at::Tensor& x0_pred, size_t step_index);
  const at::Tensor& history() const { return prev_x0_; }  // undefined when none
  std::optional<size_t> history_step() const { return prev_index_; }

 private:
  bool lower_order_final_at(size_t step_index) const;

  DPMSolverOptions options_;
  std::vector<double> train_sigmas_;  // σ of every train timestep (float32 values), ascending in t
  std::vector<double> sigmas_;
  at::Tensor prev_x0_;
  std::optional<size_t> prev_index_;
};

// "dpmpp-2m" -> dpmsolver++, "dpmpp-sde" -> sde-dpmsolver++ (the factory's kinds).
DPMSolverOptions dpm_solver_options_for_kind(const std::string& kind);

}  // namespace partedit
