#include "ui/canvas/canvas_transform.h"

#include <algorithm>
#include <cmath>

namespace partedit::ui {

namespace {

double clampZoom(double zoom) {
  if (!std::isfinite(zoom) || zoom <= 0.0) return 1.0;
  return std::clamp(zoom, CanvasTransform::kMinZoom, CanvasTransform::kMaxZoom);
}

// Keeps min(kMinVisiblePixels, extent, viewport) of [offset, offset + extent] inside
// [0, viewport]: the visible overlap is at least that much.
double clampAxis(double offset, double extent, double viewport) {
  const double keep = std::min({CanvasTransform::kMinVisiblePixels, extent, viewport});
  const double lowest = keep - extent;     // image mostly left/above of the viewport
  const double highest = viewport - keep;  // image mostly right/below of the viewport
  return std::clamp(offset, lowest, highest);
}

}  // namespace

CanvasTransform::CanvasTransform(const QSizeF& imageSize, const QSize& viewportSize)
    : imageSize_(imageSize), viewportSize_(viewportSize) {
  fitToWindow();
}

void CanvasTransform::setImageSize(const QSizeF& size) {
  imageSize_ = size;
  clampOffset();
}

void CanvasTransform::setViewportSize(const QSize& size) {
  if (viewportSize_.isEmpty() || size.isEmpty()) {
    viewportSize_ = size;
    clampOffset();
    return;
  }
  const QPointF centreInImage = mapToImage(viewportCentre());
  viewportSize_ = size;
  offset_ = viewportCentre() - centreInImage * zoom_;
  clampOffset();
}

double CanvasTransform::fitZoom() const {
  if (isEmpty()) return 1.0;
  const double zoomX = viewportSize_.width() / imageSize_.width();
  const double zoomY = viewportSize_.height() / imageSize_.height();
  return clampZoom(std::min(zoomX, zoomY));
}

void CanvasTransform::fitToWindow() {
  zoom_ = fitZoom();
  offset_ = viewportCentre() - QPointF(imageSize_.width(), imageSize_.height()) * zoom_ / 2.0;
  clampOffset();
}

void CanvasTransform::actualSize() { setZoom(1.0, viewportCentre()); }

void CanvasTransform::zoomBy(double factor, const QPointF& viewportAnchor) {
  setZoom(zoom_ * factor, viewportAnchor);
}

void CanvasTransform::setZoom(double zoom, const QPointF& viewportAnchor) {
  const QPointF anchorInImage = mapToImage(viewportAnchor);
  zoom_ = clampZoom(zoom);
  offset_ = viewportAnchor - anchorInImage * zoom_;
  clampOffset();
}

void CanvasTransform::panBy(const QPointF& viewportDelta) { setOffset(offset_ + viewportDelta); }

void CanvasTransform::setOffset(const QPointF& offset) {
  offset_ = offset;
  clampOffset();
}

QPointF CanvasTransform::mapToImage(const QPointF& viewportPoint) const {
  return (viewportPoint - offset_) / zoom_;
}

QPointF CanvasTransform::mapToViewport(const QPointF& imagePoint) const {
  return imagePoint * zoom_ + offset_;
}

QRectF CanvasTransform::imageRectInViewport() const {
  return QRectF(offset_, imageSize_ * zoom_);
}

QTransform CanvasTransform::imageToViewport() const {
  return QTransform(zoom_, 0.0, 0.0, zoom_, offset_.x(), offset_.y());
}

QPointF CanvasTransform::viewportCentre() const {
  return QPointF(viewportSize_.width(), viewportSize_.height()) / 2.0;
}

void CanvasTransform::clampOffset() {
  if (isEmpty()) return;
  offset_.setX(clampAxis(offset_.x(), imageSize_.width() * zoom_, viewportSize_.width()));
  offset_.setY(clampAxis(offset_.y(), imageSize_.height() * zoom_, viewportSize_.height()));
}

}  // namespace partedit::ui
