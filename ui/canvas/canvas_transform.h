#pragma once
#include <QPointF>
#include <QRectF>
#include <QSize>
#include <QSizeF>
#include <QTransform>

namespace partedit::ui {

// The one owner of the canvas view transform: where the image sits in the viewport and at
// which zoom. A pure value type (no widget, no painting) so it can be tested exhaustively.
// viewport = zoom * image + offset; offset is the viewport position of image point (0, 0).
class CanvasTransform {
 public:
  static constexpr double kMinZoom = 1.0 / 32.0;
  static constexpr double kMaxZoom = 32.0;
  // At least this much of the image (in viewport pixels, or all of it when smaller) stays
  // inside the viewport on each axis, so the image can never be lost by panning.
  static constexpr double kMinVisiblePixels = 48.0;

  CanvasTransform() = default;
  CanvasTransform(const QSizeF& imageSize, const QSize& viewportSize);

  QSizeF imageSize() const { return imageSize_; }
  QSize viewportSize() const { return viewportSize_; }
  double zoom() const { return zoom_; }
  QPointF offset() const { return offset_; }
  bool isEmpty() const { return imageSize_.isEmpty() || viewportSize_.isEmpty(); }

  // Changing the image size keeps zoom and offset (clamped); the owner decides to re-fit.
  void setImageSize(const QSizeF& size);
  // Resizing the viewport keeps the image point at the viewport centre where it was.
  void setViewportSize(const QSize& size);

  // The zoom at which the whole image fits the viewport (may enlarge small images).
  double fitZoom() const;
  void fitToWindow();   // fitZoom(), image centred
  void actualSize();    // zoom 1, image point at the viewport centre kept there
  // Zoom so that the image point under viewportAnchor stays under it (clamped to limits).
  void zoomBy(double factor, const QPointF& viewportAnchor);
  void setZoom(double zoom, const QPointF& viewportAnchor);
  void panBy(const QPointF& viewportDelta);
  void setOffset(const QPointF& offset);  // clamped like panning

  QPointF mapToImage(const QPointF& viewportPoint) const;
  QPointF mapToViewport(const QPointF& imagePoint) const;
  QRectF imageRectInViewport() const;  // the whole image, in viewport coordinates
  QTransform imageToViewport() const;  // for QPainter::setTransform

 private:
  QPointF viewportCentre() const;
  void clampOffset();

  QSizeF imageSize_;
  QSize viewportSize_;
  double zoom_ = 1.0;
  QPointF offset_;
};

}  // namespace partedit::ui
