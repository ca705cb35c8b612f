// The defaults of the Qt-side settings come from core's request structs: one place.
#include "worker/engine_types.h"

#include "editing/compositing.h"
#include "editing/part_edit_pipeline.h"
#include "pipeline/inversion.h"
#include "pipeline/text_to_image.h"

namespace partedit::ui {

GenerateSettings GenerateSettings::defaults() {
  const GenerateRequest core;
  GenerateSettings s;
  s.steps = core.steps;
  s.guidance = core.guidance;
  return s;
}

EditSettings EditSettings::defaults() {
  const EditRequest core;
  EditSettings s;
  s.omega = core.omega;
  s.crossReplace = core.cross_replace;
  s.feather = kDefaultFeatherRadius;
  return s;
}

PhotoSettings PhotoSettings::defaults() {
  const InvertRequest core;
  PhotoSettings s;
  s.sourceGuidance = core.guidance;
  s.steps = core.steps;
  s.skip = core.skip;
  s.scheduler = QString::fromStdString(core.scheduler);
  return s;
}

}  // namespace partedit::ui
