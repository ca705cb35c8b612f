#include "ui/training/training_previews.h"

#include "ui/widgets/mask_overlay.h"

namespace partedit::ui {

namespace {

constexpr double kMapOpacity = 0.7;
const QRgb kOutline = qRgb(255, 255, 255);

// Pixels of the mask (≥ 50 %) with a 4-neighbour that is not.
QImage maskEdge(const QImage& mask) {
  QImage edge(mask.size(), QImage::Format_Grayscale8);
  edge.fill(0);
  const auto part = [&](int x, int y) { return mask.constScanLine(y)[x] >= 128; };
  for (int y = 0; y < mask.height(); ++y)
    for (int x = 0; x < mask.width(); ++x) {
      if (!part(x, y)) continue;
      const bool border = x == 0 || y == 0 || x + 1 == mask.width() || y + 1 == mask.height() ||
                          !part(x - 1, y) || !part(x + 1, y) || !part(x, y - 1) || !part(x, y + 1);
      if (border) edge.scanLine(y)[x] = 255;
    }
  return edge;
}

}  // namespace

QImage validationPreview(const QImage& photo, const QImage& map, const QImage& paintedMask) {
  if (photo.isNull()) return {};
  QImage out = composeMaskOverlay(photo, toGreyMask(map), defaultMaskColour(), kMapOpacity)
                   .convertToFormat(QImage::Format_RGB32);
  if (paintedMask.isNull()) return out;
  const QImage mask = toGreyMask(paintedMask).scaled(out.size(), Qt::IgnoreAspectRatio, Qt::FastTransformation);
  const QImage edge = maskEdge(mask);
  for (int y = 0; y < out.height(); ++y) {
    auto* row = reinterpret_cast<QRgb*>(out.scanLine(y));
    const uchar* e = edge.constScanLine(y);
    for (int x = 0; x < out.width(); ++x)
      if (e[x]) row[x] = kOutline;
  }
  return out;
}

QImage maskedThumbnail(const QImage& photo, const QImage& mask, int side) {
  if (photo.isNull()) return {};
  const QImage small = photo.scaled(side, side, Qt::KeepAspectRatio, Qt::SmoothTransformation);
  if (mask.isNull()) return small;
  return composeMaskOverlay(small, toGreyMask(mask), defaultMaskColour(), 0.55);
}

}  // namespace partedit::ui
