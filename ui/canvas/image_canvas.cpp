#include "ui/canvas/image_canvas.h"

#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileInfo>
#include <QImageReader>
#include <QMimeData>
#include <QPainter>
#include <QUrl>

#include <algorithm>
#include <cmath>

#include "ui/canvas/canvas_painting.h"
#include "ui/widgets/mask_overlay.h"

namespace partedit::ui {

ImageCanvas::ImageCanvas(QWidget* parent) : CanvasView(parent), maskColour_(defaultMaskColour()) {
  setObjectName(QStringLiteral("imageCanvas"));
  setAcceptDrops(true);
  setMinimumSize(120, 90);
  setActiveTool(&splitDivider_);
}

void ImageCanvas::setImage(const QImage& image, const QSize& logicalSize) {
  if (image.isNull()) {
    clear();
    return;
  }
  const QSize logical = logicalSize.isEmpty() ? image.size() : logicalSize;
  const bool relayout = image_.isNull() || logical != logicalSize_;
  image_ = canvas_painting::toPaintFormat(image);
  logicalSize_ = logical;
  isPreview_ = image.size() != logical;
  setImageSize(QSizeF(logical));
  if (relayout) fitToWindow();
  update();
}

void ImageCanvas::clear() {
  image_ = QImage();
  logicalSize_ = QSize();
  isPreview_ = false;
  setImageSize(QSizeF());
  Q_EMIT cursorImagePositionChanged(QPoint(), false);
  update();
}

void ImageCanvas::setPlaceholderText(const QString& text) {
  placeholderText_ = text;
  if (!hasImage()) update();
}

namespace {

// The tint is drawn stretched over the image: a large photo's full-size mask (25 MP) would cost
// the GUI thread a tint pass over every pixel for no visible gain, so it is tinted from a
// nearest-sampled copy at most this many pixels on a side.
constexpr int kMaxTintSide = 2048;

QImage tintSource(const QImage& grey) {
  if (grey.width() <= kMaxTintSide && grey.height() <= kMaxTintSide) return grey;
  return grey.scaled(kMaxTintSide, kMaxTintSide, Qt::KeepAspectRatio, Qt::FastTransformation);
}

}  // namespace

void ImageCanvas::setMask(const QImage& greyMask) {
  mask_ = toGreyMask(greyMask);
  maskTint_ = maskTint(tintSource(mask_), maskColour_);
  // Only the image area changes: no layout, one repaint of that rectangle.
  if (hasImage()) updateImageArea(QRectF(QPointF(), QSizeF(logicalSize_)));
}

void ImageCanvas::setMaskColour(const QColor& colour) {
  maskColour_ = colour;
  maskTint_ = maskTint(tintSource(mask_), maskColour_);
  update();
}

void ImageCanvas::setMaskOpacity(double opacity) {
  maskOpacity_ = std::clamp(opacity, 0.0, 1.0);
  update();
}

void ImageCanvas::setMaskVisible(bool visible) {
  maskVisible_ = visible;
  update();
}

void ImageCanvas::setComparisonImage(const QImage& before) {
  before_ = canvas_painting::toPaintFormat(before);
  update();
}

void ImageCanvas::setComparisonMode(ComparisonMode mode) {
  comparisonMode_ = mode;
  endToolDrag();  // a divider drag ends with the split view
  update();
}

void ImageCanvas::setShowingBefore(bool showing) {
  showingBefore_ = showing;
  update();
}

void ImageCanvas::setSplitPosition(double fractionOfImageWidth) {
  const double clamped = std::clamp(fractionOfImageWidth, 0.0, 1.0);
  if (clamped == splitPosition_) return;
  splitPosition_ = clamped;
  Q_EMIT splitPositionChanged(splitPosition_);
  update();
}

bool ImageCanvas::isSplitShown() const {
  return comparisonMode_ == ComparisonMode::Split && hasImage() && !before_.isNull();
}

double ImageCanvas::splitDividerX() const {
  const QRectF imageRect = viewTransform().imageRectInViewport();
  return imageRect.left() + splitPosition_ * imageRect.width();
}

// ---- painting ---------------------------------------------------------------------------

void ImageCanvas::paintCanvas(QPainter& painter, const QRect&) {
  painter.fillRect(rect(), canvas_painting::surroundColour());
  if (!hasImage()) {
    canvas_painting::paintPlaceholder(painter, rect(), placeholderText_, dropHighlighted_);
    return;
  }
  const QRectF imageRect = viewTransform().imageRectInViewport();
  const QRectF visible = imageRect.intersected(QRectF(rect()));
  // Transparency shows over a checkerboard; an opaque image (every result and preview) covers it.
  if (image_.hasAlphaChannel() || (!before_.isNull() && before_.hasAlphaChannel()))
    canvas_painting::paintCheckerboard(painter, visible);
  const bool haveBefore = !before_.isNull();
  if (isSplitShown()) {
    paintSplitComparison(painter, imageRect);
    return;
  }
  if (comparisonMode_ == ComparisonMode::Toggle && showingBefore_ && haveBefore) {
    paintImage(painter, before_, visible);  // the pristine before: no overlay on it
    canvas_painting::paintCaption(painter, tr("Before"), visible.topLeft() + QPointF(8, 8),
                                  canvas_painting::LabelSide::RightOfAnchor);
    return;
  }
  paintImage(painter, image_, visible);
  if (maskVisible_) paintMaskTint(painter, imageRect, maskTint_, maskOpacity_);
}

void ImageCanvas::paintImage(QPainter& painter, const QImage& image, const QRectF& visibleArea) const {
  const double devicePixelsPerImagePixel =
      zoom() * devicePixelRatioF() * logicalSize_.width() / std::max(1, image.width());
  // A preview is a stand-in at latent resolution: smooth, as its pixel grid means nothing.
  const bool smooth = isPreview_ || canvas_painting::samplesSmoothly(devicePixelsPerImagePixel);
  painter.save();
  painter.setClipRect(visibleArea);
  painter.setRenderHint(QPainter::SmoothPixmapTransform, smooth);
  painter.drawImage(viewTransform().imageRectInViewport(), image);
  painter.restore();
}

void ImageCanvas::paintSplitComparison(QPainter& painter, const QRectF& imageRect) {
  const QRectF visible = imageRect.intersected(QRectF(rect()));
  paintImage(painter, image_, visible);
  if (maskVisible_) paintMaskTint(painter, imageRect, maskTint_, maskOpacity_);
  const double x = splitDividerX();
  const QRectF beforeArea = QRectF(QPointF(visible.left(), visible.top()), QPointF(x, visible.bottom())).normalized();
  if (x > visible.left()) paintImage(painter, before_, beforeArea.intersected(visible));
  if (visible.isEmpty()) return;
  canvas_painting::paintDivider(painter, x, visible.top(), visible.bottom());
  const QPointF labelTop(x, visible.top() + 8.0);
  canvas_painting::paintCaption(painter, tr("Before"), labelTop - QPointF(14, 0), canvas_painting::LabelSide::LeftOfAnchor);
  canvas_painting::paintCaption(painter, tr("After"), labelTop + QPointF(14, 0), canvas_painting::LabelSide::RightOfAnchor);
}

// ---- events -----------------------------------------------------------------------------

void ImageCanvas::pointerMoved(const QPointF& position) {
  if (!hasImage()) return;
  const QPointF imagePoint = viewTransform().mapToImage(position);
  const QPoint pixel(static_cast<int>(std::floor(imagePoint.x())), static_cast<int>(std::floor(imagePoint.y())));
  const bool onImage = pixel.x() >= 0 && pixel.y() >= 0 && pixel.x() < logicalSize_.width() &&
                       pixel.y() < logicalSize_.height();
  Q_EMIT cursorImagePositionChanged(pixel, onImage);
}

// In Toggle mode the compare key shows the before image while held.
void ImageCanvas::keyPressEvent(QKeyEvent* event) {
  if (event->key() == compareHoldKey_ && comparisonMode_ == ComparisonMode::Toggle) {
    if (!event->isAutoRepeat()) setShowingBefore(true);
    event->accept();
    return;
  }
  CanvasView::keyPressEvent(event);
}

void ImageCanvas::keyReleaseEvent(QKeyEvent* event) {
  if (event->key() == compareHoldKey_ && comparisonMode_ == ComparisonMode::Toggle) {
    if (!event->isAutoRepeat()) setShowingBefore(false);
    event->accept();
    return;
  }
  CanvasView::keyReleaseEvent(event);
}

void ImageCanvas::focusOutEvent(QFocusEvent* event) {
  // The key release may go to another window: never stay stuck in compare mode.
  if (comparisonMode_ == ComparisonMode::Toggle && showingBefore_) setShowingBefore(false);
  CanvasView::focusOutEvent(event);
}

void ImageCanvas::leaveEvent(QEvent* event) {
  Q_EMIT cursorImagePositionChanged(QPoint(), false);
  CanvasView::leaveEvent(event);
}

// ---- drag and drop ----------------------------------------------------------------------

QString ImageCanvas::droppableImagePath(const QMimeData* mime) {
  if (!mime || !mime->hasUrls()) return {};
  const QList<QByteArray> formats = QImageReader::supportedImageFormats();
  for (const QUrl& url : mime->urls()) {
    if (!url.isLocalFile()) continue;
    const QString path = url.toLocalFile();
    if (formats.contains(QFileInfo(path).suffix().toLower().toLatin1())) return path;
  }
  return {};
}

void ImageCanvas::dragEnterEvent(QDragEnterEvent* event) {
  if (droppableImagePath(event->mimeData()).isEmpty()) {
    event->ignore();
    return;
  }
  dropHighlighted_ = true;
  update();
  event->acceptProposedAction();
}

void ImageCanvas::dragLeaveEvent(QDragLeaveEvent* event) {
  dropHighlighted_ = false;
  update();
  CanvasView::dragLeaveEvent(event);
}

void ImageCanvas::dropEvent(QDropEvent* event) {
  dropHighlighted_ = false;
  update();
  const QString path = droppableImagePath(event->mimeData());
  if (path.isEmpty()) {
    event->ignore();
    return;
  }
  event->acceptProposedAction();
  Q_EMIT fileDropped(path);  // the owner opens it (it may ask about unsaved work first)
}

}  // namespace partedit::ui
