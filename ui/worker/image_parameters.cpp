#include "ui/worker/image_parameters.h"

#include <QtConcurrent/QtConcurrentRun>

#include "engine/image_settings.h"

namespace partedit::ui {

namespace {

RestoredParameters restored_from(const std::optional<ImageSettings>& settings, const std::string& text) {
  RestoredParameters out;
  out.text = QString::fromStdString(text);
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
  out.sampler = QString::fromStdString(settings->sampler);
  out.samplerName = QString::fromStdString(settings->sampler_name);
  out.width = settings->width;
  out.height = settings->height;
  out.model = QString::fromStdString(settings->model);
  for (const auto& [key, value] : settings->all) out.all.append({QString::fromStdString(key), QString::fromStdString(value)});
  return out;
}

}  // namespace

GenerateSettings RestoredParameters::generation(GenerateSettings base) const {
  if (!found) return base;
  base.prompt = sourcePrompt;
  base.negative = negative;
  if (seed) base.seed = *seed;
  if (steps) base.steps = *steps;
  if (guidance) base.guidance = *guidance;
  if (!sampler.isEmpty()) base.scheduler = sampler;
  if (width && height) {
    base.width = *width;
    base.height = *height;
  }
  return base;
}

QFuture<QStringList> imageWarningsInBackground(const QString& path) {
  return QtConcurrent::run([path] {
    QStringList out;
    for (const auto& warning : image_file_warnings(path.toStdString())) out << QString::fromStdString(warning);
    return out;
  });
}

RestoredParameters parseImageParameters(const QString& text) {
  const std::string utf8 = text.toStdString();
  return restored_from(parse_image_settings(utf8), utf8);
}

RestoredParameters readImageParameters(const QString& path) {
  const std::optional<std::string> text = read_image_parameters_text(path.toStdString());
  return text ? restored_from(parse_image_settings(*text), *text) : RestoredParameters{};
}

}  // namespace partedit::ui
