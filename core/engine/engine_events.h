#pragma once
// What a running engine request tells its front end: one progress type for every request
// (generate, edit, invert, caption), and notes and warnings in the engine's own words. The
// CLI prints them on stderr; the app shows them in its progress bar, canvas and status bar.
// Callbacks run on the engine's thread, between steps; they must be quick. A request that
// fails throws Error (CancelledError when cancelled); describe_exception words any exception
// for the user.
#include <functional>
#include <string>

#include <ATen/core/Tensor.h>

#include "runtime/error.h"
#include "runtime/error_text.h"
#include "runtime/progress_clock.h"

namespace partedit {

// InvertingAndEditing: a photo inverted within its edit's pass. PreparingTraining: encoding
// the training images and recording their queries; Training: optimisation steps; Locating:
// finding a token's part in an image.
enum class EngineStage {
  LoadingModel, Captioning, Inverting, Replaying, Generating, Editing, Decoding, InvertingAndEditing,
  PreparingTraining, Training, Locating, Compositing
};
const char* stage_label(EngineStage stage);  // "loading the model", "captioning", "inverting", ...

struct EngineProgress {
  EngineStage stage = EngineStage::Generating;
  ProgressEstimate estimate;  // step / total, elapsed, seconds per step, remaining (of this stage)
  double timestep = 0;        // the model timestep of the step (denoising stages)
  at::Tensor preview;         // [3, h, w] float32 CPU in [0, 1] (latent resolution), may be undefined
  at::Tensor mask;            // [Hm, Wm] float32 CPU: the edit's mask of this step; undefined otherwise
};

// A step of a denoising stage as progress (the clock estimates the time left).
EngineProgress step_progress(EngineStage stage, ProgressClock& clock, int step, int total, double timestep);

struct EngineListener {
  std::function<void(const EngineProgress&)> progress;
  std::function<void(const std::string&)> status;   // what the engine is doing or decided ("reusing the inversion …")
  std::function<void(const std::string&)> note;     // advice: how the input was taken ("photo.png is 101x70 pixels; …")
  std::function<void(const std::string&)> warning;  // something the user should know about the result

  void say(const std::string& text) const {
    if (status) status(text);
  }
  void advise(const std::string& text) const {
    if (note) note(text);
  }
  void warn(const std::string& text) const {
    if (warning) warning(text);
  }
};

}  // namespace partedit
