#pragma once
// How the two paths of an edit [source, edit] move from step to step: a fresh generation
// (both from the same noise, the model's sampler) or the replay of a photo's inversion
// (algorithm.md §4: both from the inverted x_T with the inversion's noise maps; the source
// path tied to the inverted latents after every step, so it reproduces the photo exactly).
#include <memory>
#include <string>

#include <ATen/core/Tensor.h>

#include "schedulers/scheduler.h"

namespace partedit {

class DiffusionModel;
struct Inversion;
struct InvertRequest;
class InversionWalker;

class EditTrajectory {
 public:
  virtual ~EditTrajectory() = default;
  virtual int steps() const = 0;
  virtual double timestep(int i) const = 0;
  virtual std::string scheduler_name() const = 0;
  // [2, C, h, w] on the model's device: the starting latents of both paths.
  virtual at::Tensor initial_latents() = 0;
  virtual at::Tensor scale_model_input(const at::Tensor& sample, int i) const = 0;
  // The source rows' unguided predictions [1, C, h, w] of step i, before step(): what a
  // fused inversion needs.
  virtual void observe_source(const at::Tensor& uncond, const at::Tensor& cond, int i) {}
  // Step i of both paths from their guided noise predictions [2, C, h, w].
  virtual SchedulerStepOutput step(const at::Tensor& noise_pred, int i, const at::Tensor& latents) = 0;
  // A copy of the sampler's state (multistep history) before the next step, and its
  // restoration: re-rendering an edit from a later step starts from such a copy.
  virtual std::unique_ptr<Scheduler> sampler_state() const = 0;
  virtual void restore_sampler(const Scheduler& state) = 0;
};

// Both paths from `noise` ([1, C, h, w] unit variance) with the model's scheduler `kind`.
std::unique_ptr<EditTrajectory> generation_trajectory(const DiffusionModel& model, const std::string& kind,
                                                      int steps, const at::Tensor& noise);

// Inverting a photo in the same pass as editing it: the source rows are the walker's x_t
// with the inversion's conditioning, their prediction gives the step's noise map, which the
// edit path uses at once (the walker must outlive the trajectory).
std::unique_ptr<EditTrajectory> fused_inversion_trajectory(const DiffusionModel& model, InversionWalker& walker,
                                                           const InvertRequest& request);

// The replay of `inversion` (which must outlive the trajectory).
std::unique_ptr<EditTrajectory> inversion_trajectory(const DiffusionModel& model, const Inversion& inversion);

}  // namespace partedit
