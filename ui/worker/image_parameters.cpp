#include "ui/worker/image_parameters.h"

#include "engine/image_settings.h"

namespace partedit::ui {

namespace {

RestoredParameters restored_from(const std::optional<ImageSettings>& settings) {
  RestoredParameters out;
  if (!settings) return out;
  out.found = true;
  out.sourcePrompt = QString::fromStdString(settings->source_prompt);
  out.negative = QString::fromStdString(settings->negative);
  out.instruction = QString::fromStdString(settings->instruction);
  out.steps = settings->steps;
  out.editEnd = settings->edit_end;
  out.guidance = settings->guidance;
  out.omega = settings->omega;
  out.feather = settings->feather;
  if (settings->seed) out.seed = static_cast<quint64>(*settings->seed);
  return out;
}

}  // namespace

RestoredParameters parseImageParameters(const QString& text) {
  return restored_from(parse_image_settings(text.toStdString()));
}

RestoredParameters readImageParameters(const QString& path) {
  return restored_from(read_image_settings(path.toStdString()));
}

}  // namespace partedit::ui
