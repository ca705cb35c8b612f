#include "ui/history/history_entry.h"

namespace partedit::ui {

QImage makeHistoryThumbnail(const QImage& image, int side) {
  if (image.isNull() || side <= 0) return {};
  return image.scaled(side, side, Qt::KeepAspectRatio, Qt::SmoothTransformation);
}

}  // namespace partedit::ui
