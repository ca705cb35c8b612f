#pragma once
#include <QDateTime>
#include <QImage>
#include <QString>
#include <QVariantMap>
#include <QVector>

namespace partedit::ui {

constexpr int kHistoryThumbnailSide = 96;
constexpr int kHistoryListIconSide = 56;  // as the history list shows them

// One result in the edit history, with everything needed to show, compare and export it.
struct HistoryEntry {
  QImage result;               // what the edit produced
  QImage before;               // the image it was made from (the comparison's "before")
  QImage mask;                 // the final aggregated mask, grey (null when none)
  QVector<QImage> stepMasks;   // per-step grey masks for the contact sheet (optional)
  QString parameters;          // the A1111-style "parameters" text written into exports
  QString title;               // short, for lists and the undo action ("with a robotic <head>")
  QVariantMap settings;        // the request settings that produced it, to restore the panel
  QDateTime createdAt;         // set on push when left invalid
  QImage thumbnail;            // made once on push when left null (longer side 96 px)
  QString storageKey;          // names its files in the saved session; set once on push
};

// The image scaled (smoothly) so its longer side is `side`, keeping the aspect ratio; small
// images are enlarged so every row of the history list has the same height.
QImage makeHistoryThumbnail(const QImage& image, int side = kHistoryThumbnailSide);

}  // namespace partedit::ui
