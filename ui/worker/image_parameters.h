#pragma once
// The settings an exported image carries (its "parameters" text), read back when the image is
// opened again, so that the editing panel can be filled with what made it.
#include <optional>

#include <QString>

namespace partedit::ui {

struct RestoredParameters {
  bool found = false;
  QString sourcePrompt;
  QString negative;
  QString instruction;   // "with a robotic <head>" when the edit prompt extends the source prompt
  std::optional<int> steps, editEnd;
  std::optional<double> guidance, omega, feather;
  std::optional<quint64> seed;
};

// Nothing found (found = false) for images without our text or unreadable files.
RestoredParameters readImageParameters(const QString& path);
// The same from the text itself.
RestoredParameters parseImageParameters(const QString& text);

}  // namespace partedit::ui
