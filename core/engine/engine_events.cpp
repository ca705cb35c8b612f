#include "engine/engine_events.h"

namespace partedit {

const char* stage_label(EngineStage stage) {
  switch (stage) {
    case EngineStage::LoadingModel: return "loading the model";
    case EngineStage::Captioning: return "captioning";
    case EngineStage::Inverting: return "inverting";
    case EngineStage::Replaying: return "replaying the inversion";
    case EngineStage::Generating: return "generating";
    case EngineStage::Editing: return "editing";
    case EngineStage::Decoding: return "decoding";
    case EngineStage::InvertingAndEditing: return "inverting and editing";
    case EngineStage::PreparingTraining: return "preparing the training";
    case EngineStage::Training: return "training";
    case EngineStage::Locating: return "locating the part";
    case EngineStage::Compositing: return "compositing into the photo";
  }
  return "working";
}

EngineProgress step_progress(EngineStage stage, ProgressClock& clock, int step, int total, double timestep) {
  EngineProgress e;
  e.stage = stage;
  e.estimate = clock.tick(step, total);
  e.timestep = timestep;
  return e;
}

}  // namespace partedit
