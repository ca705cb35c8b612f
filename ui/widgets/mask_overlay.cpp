#include "ui/widgets/mask_overlay.h"

#include <QPainter>
#include <QRectF>

#include <algorithm>

namespace partedit::ui {

QImage toGreyMask(const QImage& mask) {
  if (mask.isNull() || mask.format() == QImage::Format_Grayscale8) return mask;
  return mask.convertToFormat(QImage::Format_Grayscale8);
}

QImage maskTint(const QImage& greyMask, const QColor& colour) {
  const QImage grey = toGreyMask(greyMask);
  if (grey.isNull()) return {};
  QImage tint(grey.size(), QImage::Format_ARGB32_Premultiplied);
  const int red = colour.red(), green = colour.green(), blue = colour.blue();
  for (int y = 0; y < grey.height(); ++y) {
    const uchar* in = grey.constScanLine(y);
    auto* out = reinterpret_cast<QRgb*>(tint.scanLine(y));
    for (int x = 0; x < grey.width(); ++x) {
      const int alpha = in[x];
      // Premultiplied, rounded: channel * alpha / 255.
      out[x] = qRgba((red * alpha + 127) / 255, (green * alpha + 127) / 255, (blue * alpha + 127) / 255, alpha);
    }
  }
  return tint;
}

void paintMaskTint(QPainter& painter, const QRectF& target, const QImage& tint, double opacity) {
  if (tint.isNull() || opacity <= 0.0) return;
  painter.save();
  painter.setRenderHint(QPainter::SmoothPixmapTransform, true);
  painter.setCompositionMode(QPainter::CompositionMode_SourceOver);
  painter.setOpacity(std::clamp(opacity, 0.0, 1.0));
  painter.drawImage(target, tint);
  painter.restore();
}

QImage composeMaskOverlay(const QImage& image, const QImage& greyMask, const QColor& colour, double opacity) {
  if (image.isNull()) return {};
  QImage result = image.convertToFormat(QImage::Format_ARGB32_Premultiplied);
  if (!greyMask.isNull()) {
    QPainter painter(&result);
    paintMaskTint(painter, QRectF(QPointF(0, 0), QSizeF(result.size())), maskTint(greyMask, colour), opacity);
  }
  return result.convertToFormat(image.hasAlphaChannel() ? QImage::Format_ARGB32 : QImage::Format_RGB32);
}

}  // namespace partedit::ui
