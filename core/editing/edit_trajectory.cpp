#include "editing/edit_trajectory.h"

#include <ATen/ATen.h>

#include "pipeline/diffusion_model.h"
#include "pipeline/generation_common.h"
#include "pipeline/inversion.h"
#include "runtime/error.h"
#include "runtime/text.h"

namespace partedit {
namespace {

class GenerationTrajectory : public EditTrajectory {
 public:
  GenerationTrajectory(const DiffusionModel& model, const std::string& kind, int steps, const at::Tensor& noise)
      : scheduler_(model.make_scheduler(kind)), device_(model.compute().device), noise_(noise) {
    scheduler_->set_timesteps(steps);
  }
  int steps() const override { return static_cast<int>(scheduler_->timesteps().size()); }
  double timestep(int i) const override { return scheduler_->timesteps()[static_cast<size_t>(i)]; }
  std::string scheduler_name() const override { return scheduler_->name(); }
  at::Tensor initial_latents() override {
    return noise_.to(device_).mul(scheduler_->init_noise_sigma()).repeat({2, 1, 1, 1});  // [2, C, h, w]
  }
  at::Tensor scale_model_input(const at::Tensor& sample, int i) const override {
    return scheduler_->scale_model_input(sample, static_cast<size_t>(i));
  }
  SchedulerStepOutput step(const at::Tensor& noise_pred, int i, const at::Tensor& latents) override {
    return scheduler_->step(noise_pred, static_cast<size_t>(i), latents);
  }
  std::unique_ptr<Scheduler> sampler_state() const override { return scheduler_->clone(); }
  void restore_sampler(const Scheduler& state) override { scheduler_ = state.clone(); }

 private:
  std::unique_ptr<Scheduler> scheduler_;
  c10::Device device_;
  at::Tensor noise_;
};

class InversionTrajectory : public EditTrajectory {
 public:
  InversionTrajectory(const DiffusionModel& model, const Inversion& inversion)
      : inversion_(inversion), schedule_(make_inversion_schedule(model, inversion)), device_(model.compute().device) {}
  int steps() const override { return inversion_.steps; }
  double timestep(int i) const override { return schedule_.timestep(i); }
  std::string scheduler_name() const override { return inversion_.scheduler; }
  at::Tensor initial_latents() override {
    return inversion_.xts[inversion_.steps].to(device_).repeat({2, 1, 1, 1});  // [2, C, h, w] from x_T
  }
  at::Tensor scale_model_input(const at::Tensor& sample, int i) const override {
    return schedule_.scheduler->scale_model_input(sample, schedule_.first_step + static_cast<size_t>(i));
  }
  SchedulerStepOutput step(const at::Tensor& noise_pred, int i, const at::Tensor& latents) override {
    const auto z = inversion_.zs[i].to(device_);  // [1, C, h, w]
    SchedulerStepOutput out = schedule_.step_output(noise_pred, i, latents, z);
    // The source path is the photo's trajectory: tied to the inverted latents.
    out.prev_sample[0].copy_(inversion_.xts[inversion_.steps - 1 - i][0].to(out.prev_sample.device(),
                                                                            out.prev_sample.scalar_type()));
    return out;
  }
  std::unique_ptr<Scheduler> sampler_state() const override { return schedule_.scheduler->clone(); }
  void restore_sampler(const Scheduler& state) override { schedule_.scheduler = state.clone(); }

 private:
  const Inversion& inversion_;
  InversionSchedule schedule_;
  c10::Device device_;
};

class FusedInversionTrajectory : public EditTrajectory {
 public:
  FusedInversionTrajectory(const DiffusionModel& model, InversionWalker& walker, const InvertRequest& request)
      : walker_(walker),
        schedule_(make_inversion_schedule(model.scheduler_config(), request.scheduler, request.steps, request.skip)),
        blank_prompt_(is_blank(request.prompt)),
        kind_(request.scheduler) {}
  int steps() const override { return walker_.steps(); }
  double timestep(int i) const override { return walker_.timestep(i); }
  std::string scheduler_name() const override { return kind_; }
  at::Tensor initial_latents() override { return walker_.latents(0).repeat({2, 1, 1, 1}); }  // [2, C, h, w]
  at::Tensor scale_model_input(const at::Tensor& sample, int i) const override {
    return schedule_.scheduler->scale_model_input(sample, schedule_.first_step + static_cast<size_t>(i));
  }
  void observe_source(const at::Tensor& uncond, const at::Tensor& cond, int i) override {
    // The inversion's guided prediction, as predict_source_noise forms it.
    const SourceConditioning& c = walker_.conditioning();
    const at::Tensor eps = c.cfg ? uncond + c.guidance * (cond - uncond) : (blank_prompt_ ? uncond : cond);
    z_ = walker_.step(i, eps);
  }
  SchedulerStepOutput step(const at::Tensor& noise_pred, int i, const at::Tensor& latents) override {
    if (!z_.defined()) throw Error("the fused inversion missed the source prediction of step " + std::to_string(i));
    SchedulerStepOutput out = schedule_.step_output(noise_pred, i, latents, z_);
    out.prev_sample[0].copy_(walker_.latents(i + 1)[0]);  // the source path: the corrected x_{t-1}
    z_ = at::Tensor();
    return out;
  }
  std::unique_ptr<Scheduler> sampler_state() const override { return schedule_.scheduler->clone(); }
  void restore_sampler(const Scheduler& state) override { schedule_.scheduler = state.clone(); }

 private:
  InversionWalker& walker_;
  InversionSchedule schedule_;
  bool blank_prompt_;
  std::string kind_;
  at::Tensor z_;
};

}  // namespace

std::unique_ptr<EditTrajectory> fused_inversion_trajectory(const DiffusionModel& model, InversionWalker& walker,
                                                           const InvertRequest& request) {
  return std::make_unique<FusedInversionTrajectory>(model, walker, request);
}

std::unique_ptr<EditTrajectory> generation_trajectory(const DiffusionModel& model, const std::string& kind, int steps,
                                                      const at::Tensor& noise) {
  return std::make_unique<GenerationTrajectory>(model, kind, steps, noise);
}

std::unique_ptr<EditTrajectory> inversion_trajectory(const DiffusionModel& model, const Inversion& inversion) {
  return std::make_unique<InversionTrajectory>(model, inversion);
}

}  // namespace partedit
