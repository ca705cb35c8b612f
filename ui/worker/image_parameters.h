#pragma once
// The settings an exported image carries (its "parameters" text), read back when the image is
// opened again, so that the editing panel can be filled with what made it.
#include <optional>

#include <QFuture>
#include <QPair>
#include <QStringList>
#include <QString>
#include <QVector>

#include "ui/worker/engine_types.h"

namespace partedit::ui {

struct RestoredParameters {
  bool found = false;
  QString sourcePrompt;
  QString negative;
  QString instruction;   // "with a robotic <head>" when the edit prompt extends the source prompt
  std::optional<int> steps, editEnd;
  std::optional<double> guidance, omega, feather;
  std::optional<quint64> seed;
  QString sampler;       // a scheduler kind ("dpmpp-2m"); "" when absent or not one of ours
  QString samplerName;   // as the text names it ("DPM++ 2M Karras")
  std::optional<int> width, height;
  QString model;
  QVector<QPair<QString, QString>> all;  // every "Key: value" pair, in order
  QString text;          // the whole parameters text as stored

  // The generation settings these name, over `base` (what they don't name stays).
  GenerateSettings generation(GenerateSettings base) const;
};

// What decoding `path` had to work around (a truncated JPEG), read on a pool thread: the
// warnings the CLI prints for the same file.
QFuture<QStringList> imageWarningsInBackground(const QString& path);

// Nothing found (found = false) for images without our text or unreadable files.
RestoredParameters readImageParameters(const QString& path);
// The same from the text itself.
RestoredParameters parseImageParameters(const QString& text);

}  // namespace partedit::ui
