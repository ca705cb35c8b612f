#pragma once
// One open image (a photo or an image generated from a prompt) with everything that makes
// it come back as the artist left it: its history, which entry is current and the Edit
// panel's settings. The window keeps one per open image (Krita's and InvokeAI's habit:
// opening another image never replaces this one's history).
#include <optional>

#include <QString>
#include <QVariantMap>
#include <QVector>

#include "ui/history/history_entry.h"
#include "ui/worker/engine_types.h"

namespace partedit::ui {

struct ImageDocument {
  enum class Kind { None, Photo, Generated } kind = Kind::None;
  quint64 id = 0;               // unique in this run of the app; 0 = none
  QString path;                 // the photo
  GenerateSettings generation;  // a generated image's settings (seed as used)
  // The history while another image is shown (the shown one's lives in the HistoryModel).
  QVector<HistoryEntry> entries;
  int currentRow = -1;
  QVariantMap panel;            // EditPanel::settingsSnapshot() as it was left
  int unexported = 0;           // results made since the last export of the image

  // For a tab: the photo's file name or the start of the prompt.
  QString displayName() const;
  // A result that arrived while another image was shown: added after the current entry
  // (dropping undone ones) as HistoryModel::pushResult would, at most `maximumEntries`.
  // The title of the oldest entry when the limit made it go.
  std::optional<QString> appendResult(HistoryEntry entry, int maximumEntries);
};

// A generated image's settings as plain values (the seed as text: JSON numbers stop at 2^53).
QVariantMap generationToMap(const GenerateSettings& generation);
GenerateSettings generationFromMap(const QVariantMap& map);  // missing keys: the defaults

}  // namespace partedit::ui
