// The defaults of the Qt-side settings come from core's request structs: one place.
#include "ui/worker/engine_types.h"

#include <QCoreApplication>

#include "engine/control_ranges.h"
#include "engine/engine.h"

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

TrainingSettings TrainingSettings::defaults() {
  const TokenTrainingOptions core;
  TrainingSettings s;
  s.mode = QString::fromLatin1(training_mode_name(core.mode));
  s.optimizer = QString::fromLatin1(token_optimizer_name(core.optimizer));
  s.steps = static_cast<int>(core.steps);
  s.learningRate = core.learning_rate;
  s.timestepHigh = static_cast<int>(core.timestep_high);
  s.timestepLow = static_cast<int>(core.timestep_low);
  s.timestepStride = static_cast<int>(core.timestep_stride);
  s.validationSplit = core.validation_split;
  s.validateEvery = static_cast<int>(core.validate_every);
  s.seed = core.seed;
  return s;
}

double defaultLearningRate(const QString& optimizer) {
  try {
    return default_learning_rate(parse_token_optimizer(optimizer.toStdString()));
  } catch (const Error&) {
    return default_learning_rate(TokenTrainingOptions{}.optimizer);
  }
}

QString partNameProblem(const QString& name) {
  if (name.trimmed().isEmpty()) return QCoreApplication::translate("partedit::ui::TrainingSettings", "Name the part.");
  if (!is_valid_part_name(name.toStdString()))
    return QCoreApplication::translate("partedit::ui::TrainingSettings",
                                       "Use lower-case letters and digits, words joined by “-”, e.g. cat-ear.");
  return {};
}

int heldOutImageCount(const QVector<TrainingImage::HoldOut>& choices, double split) {
  if (choices.isEmpty() || !(split >= 0.0 && split < 1.0)) return 0;
  std::vector<HoldOut> core;
  for (const auto c : choices)
    core.push_back(c == TrainingImage::HoldOut::Always  ? HoldOut::Always
                   : c == TrainingImage::HoldOut::Never ? HoldOut::Never
                                                        : HoldOut::Automatic);
  try {
    return static_cast<int>(split_training_set(core.size(), split, 0, core).validation.size());
  } catch (const Error&) {
    return -1;
  }
}

ControlRanges ControlRanges::fromEngine() {
  using R = partedit::ControlRanges;
  ControlRanges r;
  r.minSteps = R::min_steps;
  r.maxSteps = R::max_steps;
  r.minGuidance = R::min_guidance;
  r.minEditGuidance = R::min_edit_guidance;
  r.maxGuidance = R::max_guidance;
  r.minOmega = R::min_omega;
  r.maxOmega = R::max_omega;
  r.maxFeather = R::max_feather;
  r.minSide = static_cast<int>(R::min_side);
  r.maxSide = static_cast<int>(R::max_side);
  r.sideStep = static_cast<int>(R::side_step);
  return r;
}

}  // namespace partedit::ui
