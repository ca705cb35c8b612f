#include "ui/canvas/image_canvas.h"

#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileInfo>
#include <QGuiApplication>
#include <QImageReader>
#include <QMimeData>
#include <QPainter>
#include <QUrl>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

#include "ui/canvas/canvas_painting.h"
#include "ui/widgets/mask_overlay.h"

namespace partedit::ui {

namespace {

// Beyond this many screen pixels per image pixel the image is drawn with nearest-neighbour
// sampling: at high zoom the artist inspects individual pixels, and bilinear filtering would
// smear exactly the detail they zoomed in to see. Below it (and always when zoomed out)
// smooth sampling avoids the aliasing and uneven pixel widths of nearest at odd scales.
constexpr double kNearestAbovePixelScale = 2.0;
constexpr double kDividerGrabDistance = 8.0;  // px either side of the split divider
constexpr double kWheelNotch = 120.0;         // QWheelEvent::angleDelta units per notch

QImage toPaintFormat(const QImage& image) {
  if (image.isNull()) return image;
  // Painting premultiplied ARGB / RGB32 needs no per-paint conversion.
  return image.convertToFormat(image.hasAlphaChannel() ? QImage::Format_ARGB32_Premultiplied
                                                       : QImage::Format_RGB32);
}

}  // namespace

ImageCanvas::ImageCanvas(QWidget* parent) : QWidget(parent), maskColour_(defaultMaskColour()) {
  setObjectName(QStringLiteral("imageCanvas"));
  setAcceptDrops(true);
  setMouseTracking(true);  // the status bar follows the cursor without a button held
  setFocusPolicy(Qt::WheelFocus);  // space-drag needs key events
  setAttribute(Qt::WA_OpaquePaintEvent);  // every paint covers the whole widget
  setMinimumSize(120, 90);
  transform_.setViewportSize(size());
}

void ImageCanvas::setImage(const QImage& image, const QSize& logicalSize) {
  if (image.isNull()) {
    clear();
    return;
  }
  const QSize logical = logicalSize.isEmpty() ? image.size() : logicalSize;
  const bool relayout = image_.isNull() || logical != logicalSize_;
  image_ = toPaintFormat(image);
  logicalSize_ = logical;
  isPreview_ = image.size() != logical;
  transform_.setImageSize(QSizeF(logical));
  if (relayout) {
    const double previousZoom = transform_.zoom();
    transform_.fitToWindow();
    fitted_ = true;
    viewChanged(previousZoom);
  }
  update();
}

void ImageCanvas::clear() {
  image_ = QImage();
  logicalSize_ = QSize();
  isPreview_ = false;
  transform_.setImageSize(QSizeF());
  Q_EMIT cursorImagePositionChanged(QPoint(), false);
  update();
}

void ImageCanvas::setPlaceholderText(const QString& text) {
  placeholderText_ = text;
  if (!hasImage()) update();
}

void ImageCanvas::setMask(const QImage& greyMask) {
  mask_ = toGreyMask(greyMask);
  maskTint_ = maskTint(mask_, maskColour_);
  // Only the image area changes: no layout, one repaint of that rectangle.
  if (hasImage()) update(transform_.imageRectInViewport().toAlignedRect().adjusted(-1, -1, 1, 1) & rect());
}

void ImageCanvas::setMaskColour(const QColor& colour) {
  maskColour_ = colour;
  maskTint_ = maskTint(mask_, maskColour_);
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
  before_ = toPaintFormat(before);
  update();
}

void ImageCanvas::setComparisonMode(ComparisonMode mode) {
  comparisonMode_ = mode;
  draggingDivider_ = false;
  updateCursor();
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

void ImageCanvas::fitToWindow() {
  const double previousZoom = transform_.zoom();
  transform_.fitToWindow();
  fitted_ = true;
  viewChanged(previousZoom);
}

void ImageCanvas::actualSize() {
  const double previousZoom = transform_.zoom();
  // 100 % is one image pixel per device pixel, also on high-DPI screens.
  transform_.setZoom(1.0 / devicePixelRatioF(), QPointF(width(), height()) / 2.0);
  fitted_ = false;
  viewChanged(previousZoom);
}

void ImageCanvas::zoomIn() { zoomAround(kZoomStep, QPointF(width(), height()) / 2.0); }
void ImageCanvas::zoomOut() { zoomAround(1.0 / kZoomStep, QPointF(width(), height()) / 2.0); }

void ImageCanvas::zoomAround(double factor, const QPointF& anchor) {
  if (!hasImage()) return;
  const double previousZoom = transform_.zoom();
  transform_.zoomBy(factor, anchor);
  fitted_ = false;
  viewChanged(previousZoom);
}

void ImageCanvas::viewChanged(double previousZoom) {
  update();
  // Reported as screen pixels per image pixel, so "100 %" means 1:1 on any screen.
  if (transform_.zoom() != previousZoom) Q_EMIT zoomChanged(transform_.zoom() * devicePixelRatioF());
}

// ---- painting ---------------------------------------------------------------------------

void ImageCanvas::paintEvent(QPaintEvent*) {
  QPainter painter(this);
  painter.fillRect(rect(), canvas_painting::surroundColour());
  if (!hasImage()) {
    canvas_painting::paintPlaceholder(painter, rect(), placeholderText_, dropHighlighted_);
    return;
  }
  const QRectF imageRect = transform_.imageRectInViewport();
  const QRectF visible = imageRect.intersected(QRectF(rect()));
  canvas_painting::paintCheckerboard(painter, visible);
  const bool haveBefore = !before_.isNull();
  if (comparisonMode_ == ComparisonMode::Split && haveBefore) {
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
      transform_.zoom() * devicePixelRatioF() * logicalSize_.width() / std::max(1, image.width());
  // A preview is a stand-in at latent resolution: smooth, as its pixel grid means nothing.
  const bool smooth = isPreview_ || devicePixelsPerImagePixel <= kNearestAbovePixelScale;
  painter.save();
  painter.setClipRect(visibleArea);
  painter.setRenderHint(QPainter::SmoothPixmapTransform, smooth);
  painter.drawImage(transform_.imageRectInViewport(), image);
  painter.restore();
}

void ImageCanvas::paintSplitComparison(QPainter& painter, const QRectF& imageRect) {
  const QRectF visible = imageRect.intersected(QRectF(rect()));
  paintImage(painter, image_, visible);
  if (maskVisible_) paintMaskTint(painter, imageRect, maskTint_, maskOpacity_);
  const double x = dividerX();
  const QRectF beforeArea = QRectF(QPointF(visible.left(), visible.top()), QPointF(x, visible.bottom())).normalized();
  if (x > visible.left()) paintImage(painter, before_, beforeArea.intersected(visible));
  if (visible.isEmpty()) return;
  canvas_painting::paintDivider(painter, x, visible.top(), visible.bottom());
  const QPointF labelTop(x, visible.top() + 8.0);
  canvas_painting::paintCaption(painter, tr("Before"), labelTop - QPointF(14, 0), canvas_painting::LabelSide::LeftOfAnchor);
  canvas_painting::paintCaption(painter, tr("After"), labelTop + QPointF(14, 0), canvas_painting::LabelSide::RightOfAnchor);
}

double ImageCanvas::dividerX() const {
  const QRectF imageRect = transform_.imageRectInViewport();
  return imageRect.left() + splitPosition_ * imageRect.width();
}

// ---- view events ------------------------------------------------------------------------

void ImageCanvas::resizeEvent(QResizeEvent*) {
  const double previousZoom = transform_.zoom();
  transform_.setViewportSize(size());
  if (fitted_) transform_.fitToWindow();
  viewChanged(previousZoom);
}

void ImageCanvas::wheelEvent(QWheelEvent* event) {
  const double notches = event->angleDelta().y() / kWheelNotch;
  if (notches == 0.0 || !hasImage()) {
    event->ignore();
    return;
  }
  // Fractional notches (high-resolution wheels) zoom proportionally.
  zoomAround(std::pow(kZoomStep, notches), event->position());
  reportCursor(event->position());
  event->accept();
}

void ImageCanvas::mousePressEvent(QMouseEvent* event) {
  const bool panButton = event->button() == Qt::MiddleButton || (event->button() == Qt::LeftButton && spaceHeld_);
  if (panButton && hasImage()) {
    panning_ = true;
  } else if (event->button() == Qt::LeftButton && nearDivider(event->position())) {
    draggingDivider_ = true;
  } else {
    QWidget::mousePressEvent(event);
    return;
  }
  lastDragPosition_ = event->position();
  updateCursor();
  event->accept();
}

void ImageCanvas::mouseMoveEvent(QMouseEvent* event) {
  const QPointF position = event->position();
  if (panning_) {
    transform_.panBy(position - lastDragPosition_);
    fitted_ = false;
    update();
  } else if (draggingDivider_) {
    const QRectF imageRect = transform_.imageRectInViewport();
    if (imageRect.width() > 0) setSplitPosition((position.x() - imageRect.left()) / imageRect.width());
  } else {
    updateCursor();
  }
  lastDragPosition_ = position;
  reportCursor(position);
}

void ImageCanvas::mouseReleaseEvent(QMouseEvent* event) {
  const bool endsPan = panning_ && (event->button() == Qt::MiddleButton || event->button() == Qt::LeftButton);
  if (endsPan) panning_ = false;
  if (draggingDivider_ && event->button() == Qt::LeftButton) draggingDivider_ = false;
  updateCursor();
  QWidget::mouseReleaseEvent(event);
}

void ImageCanvas::keyPressEvent(QKeyEvent* event) {
  if (event->key() == Qt::Key_Space) {
    if (!event->isAutoRepeat()) {
      spaceHeld_ = true;
      updateCursor();
    }
    event->accept();
    return;
  }
  if (event->key() == compareHoldKey_ && comparisonMode_ == ComparisonMode::Toggle) {
    if (!event->isAutoRepeat()) setShowingBefore(true);
    event->accept();
    return;
  }
  QWidget::keyPressEvent(event);
}

void ImageCanvas::keyReleaseEvent(QKeyEvent* event) {
  if (event->key() == Qt::Key_Space) {
    if (!event->isAutoRepeat()) {
      spaceHeld_ = false;
      panning_ = panning_ && (QGuiApplication::mouseButtons() & Qt::MiddleButton);
      updateCursor();
    }
    event->accept();
    return;
  }
  if (event->key() == compareHoldKey_ && comparisonMode_ == ComparisonMode::Toggle) {
    if (!event->isAutoRepeat()) setShowingBefore(false);
    event->accept();
    return;
  }
  QWidget::keyReleaseEvent(event);
}

void ImageCanvas::focusOutEvent(QFocusEvent* event) {
  // A key release may go to another window: never stay stuck in pan or compare mode.
  spaceHeld_ = false;
  panning_ = false;
  if (comparisonMode_ == ComparisonMode::Toggle && showingBefore_) setShowingBefore(false);
  updateCursor();
  QWidget::focusOutEvent(event);
}

void ImageCanvas::leaveEvent(QEvent* event) {
  Q_EMIT cursorImagePositionChanged(QPoint(), false);
  QWidget::leaveEvent(event);
}

bool ImageCanvas::nearDivider(const QPointF& position) const {
  if (comparisonMode_ != ComparisonMode::Split || before_.isNull() || !hasImage()) return false;
  const QRectF imageRect = transform_.imageRectInViewport();
  return std::abs(position.x() - dividerX()) <= kDividerGrabDistance && position.y() >= imageRect.top() &&
         position.y() <= imageRect.bottom();
}

void ImageCanvas::updateCursor() {
  if (panning_) {
    setCursor(Qt::ClosedHandCursor);
  } else if (spaceHeld_) {
    setCursor(Qt::OpenHandCursor);
  } else if (draggingDivider_ || nearDivider(mapFromGlobal(QCursor::pos()))) {
    setCursor(Qt::SplitHCursor);
  } else {
    unsetCursor();
  }
}

void ImageCanvas::reportCursor(const QPointF& position) {
  if (!hasImage()) return;
  const QPointF imagePoint = transform_.mapToImage(position);
  const QPoint pixel(static_cast<int>(std::floor(imagePoint.x())), static_cast<int>(std::floor(imagePoint.y())));
  const bool onImage = pixel.x() >= 0 && pixel.y() >= 0 && pixel.x() < logicalSize_.width() &&
                       pixel.y() < logicalSize_.height();
  Q_EMIT cursorImagePositionChanged(pixel, onImage);
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
  QWidget::dragLeaveEvent(event);
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
