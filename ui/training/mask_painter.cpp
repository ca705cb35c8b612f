#include "ui/training/mask_painter.h"

#include <QGuiApplication>
#include <QKeyEvent>
#include <QPaintEvent>
#include <QPainter>
#include <QUndoStack>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

#include "ui/canvas/canvas_painting.h"
#include "ui/training/mask_document.h"
#include "ui/widgets/mask_overlay.h"

namespace partedit::ui {

namespace {

// As on the main canvas: nearest-neighbour beyond 2 screen pixels per image pixel, so the
// artist sees the mask's real pixel edges when zoomed in; smooth below.
constexpr double kPainterNearestAbovePixelScale = 2.0;
constexpr double kPainterWheelNotch = 120.0;
constexpr double kCrosshairArm = 4.0;  // px: marks the brush centre, also for tiny brushes

QImage toPainterFormat(const QImage& image) {
  return image.convertToFormat(image.hasAlphaChannel() ? QImage::Format_ARGB32_Premultiplied
                                                       : QImage::Format_RGB32);
}

}  // namespace

MaskPainter::MaskPainter(QWidget* parent)
    : QWidget(parent), document_(new MaskDocument(this)), overlayColour_(defaultMaskColour()) {
  setObjectName(QStringLiteral("maskPainter"));
  setMouseTracking(true);                       // the brush outline follows the cursor
  setFocusPolicy(Qt::WheelFocus);               // space, [ and ] need key events
  setContextMenuPolicy(Qt::PreventContextMenu);  // the right button paints
  setAttribute(Qt::WA_OpaquePaintEvent);
  setMinimumSize(160, 120);
  transform_.setViewportSize(size());
  connect(document_, &MaskDocument::changed, this, &MaskPainter::documentChanged);
  // Every finished edit, undo and redo moves the stack's index: that is "the mask changed".
  connect(document_->undoStack(), &QUndoStack::indexChanged, this, &MaskPainter::maskChanged);
  updateCursor();
}

// The stack clears itself when the document is destroyed, which moves its index: that is no
// edit, and whoever listens to maskChanged may already be half destroyed.
MaskPainter::~MaskPainter() { disconnect(document_->undoStack(), nullptr, this, nullptr); }

QUndoStack* MaskPainter::undoStack() const { return document_->undoStack(); }

bool MaskPainter::setPhoto(const QImage& photo, const QImage& mask) {
  finishStroke();
  const bool relayout = photo_.isNull() || photo.size() != photo_.size();
  photo_ = photo.isNull() ? QImage() : toPainterFormat(photo);
  tint_ = QImage();  // rebuilt whole by the reset's change below
  const bool maskUsable = document_->reset(photo_.size(), mask);
  transform_.setImageSize(QSizeF(photo_.size()));
  if (relayout) fitToWindow();
  updateCursor();
  update();
  Q_EMIT maskChanged();
  return maskUsable;
}

// ---- settings ---------------------------------------------------------------------------

void MaskPainter::setTool(Tool tool) {
  if (tool == tool_) return;
  finishStroke();
  update(outlineRect());
  tool_ = tool;
  update(outlineRect());
  updateCursor();
  Q_EMIT toolChanged(tool_);
}

void MaskPainter::setBrushSize(double diameter) {
  const double clamped = std::clamp(std::isfinite(diameter) ? diameter : brushSize_, kMinBrushSize, kMaxBrushSize);
  if (clamped == brushSize_) return;
  update(outlineRect());
  brushSize_ = clamped;
  update(outlineRect());
  Q_EMIT brushSizeChanged(brushSize_);
}

void MaskPainter::setBrushHardness(double hardness) {
  hardness_ = std::clamp(std::isfinite(hardness) ? hardness : 1.0, 0.0, 1.0);
  update(outlineRect());
}

void MaskPainter::setOverlayColour(const QColor& colour) {
  overlayColour_ = colour;
  tint_ = QImage();
  rebuildTint(document_->mask().rect());
  update();
}

void MaskPainter::setOverlayOpacity(double opacity) {
  overlayOpacity_ = std::clamp(opacity, 0.0, 1.0);
  update();
}

void MaskPainter::setOverlayVisible(bool visible) {
  overlayVisible_ = visible;
  update();
}

// ---- view -------------------------------------------------------------------------------

void MaskPainter::fitToWindow() {
  const double previousZoom = transform_.zoom();
  transform_.fitToWindow();
  fitted_ = true;
  viewChanged(previousZoom);
}

void MaskPainter::actualSize() {
  const double previousZoom = transform_.zoom();
  transform_.setZoom(1.0 / devicePixelRatioF(), QPointF(width(), height()) / 2.0);  // 1:1 on any screen
  fitted_ = false;
  viewChanged(previousZoom);
}

void MaskPainter::zoomIn() { zoomAround(kZoomStep, QPointF(width(), height()) / 2.0); }
void MaskPainter::zoomOut() { zoomAround(1.0 / kZoomStep, QPointF(width(), height()) / 2.0); }

void MaskPainter::zoomAround(double factor, const QPointF& anchor) {
  if (!hasPhoto()) return;
  const double previousZoom = transform_.zoom();
  transform_.zoomBy(factor, anchor);
  fitted_ = false;
  viewChanged(previousZoom);
}

void MaskPainter::viewChanged(double previousZoom) {
  update();
  if (transform_.zoom() != previousZoom) Q_EMIT zoomChanged(transform_.zoom() * devicePixelRatioF());
}

QRect MaskPainter::viewportRect(const QRect& imageRect) const {
  return transform_.imageToViewport().mapRect(QRectF(imageRect)).toAlignedRect().adjusted(-2, -2, 2, 2) & rect();
}

// ---- the document -----------------------------------------------------------------------

void MaskPainter::documentChanged(const QRect& imageRect) {
  rebuildTint(imageRect);
  update(viewportRect(imageRect));  // only what changed: strokes stay cheap on big photos
}

void MaskPainter::rebuildTint(const QRect& imageRect) {
  const QImage& mask = document_->mask();
  if (mask.isNull()) {
    tint_ = QImage();
    return;
  }
  if (tint_.size() != mask.size()) {
    tint_ = maskTint(mask, overlayColour_);
    return;
  }
  const QRect area = imageRect & mask.rect();
  if (area.isEmpty()) return;
  QPainter painter(&tint_);
  painter.setCompositionMode(QPainter::CompositionMode_Source);
  painter.drawImage(area.topLeft(), maskTint(mask.copy(area), overlayColour_));
}

// ---- painting ---------------------------------------------------------------------------

void MaskPainter::paintEvent(QPaintEvent* event) {
  QPainter painter(this);
  const QRect exposed = event->rect();
  painter.fillRect(exposed, canvas_painting::surroundColour());
  if (!hasPhoto()) {
    canvas_painting::paintPlaceholder(painter, rect(), tr("Choose a photo to paint its part on"), false);
    return;
  }
  const QRectF visible = transform_.imageRectInViewport().intersected(QRectF(exposed));
  if (photo_.hasAlphaChannel()) canvas_painting::paintCheckerboard(painter, visible);
  drawImageArea(painter, photo_, exposed);
  if (overlayVisible_ && overlayOpacity_ > 0.0 && !tint_.isNull()) {
    painter.setOpacity(overlayOpacity_);
    drawImageArea(painter, tint_, exposed);
    painter.setOpacity(1.0);
  }
  if (hovering_ && tool_ != Tool::Fill && !panning_ && !spaceHeld_) paintBrushOutline(painter);
}

// Draws only the image pixels behind `exposed` (plus a margin for smooth sampling), so a
// dab's repaint costs its own area, not the photo's.
void MaskPainter::drawImageArea(QPainter& painter, const QImage& image, const QRect& exposed) const {
  const QRectF target = transform_.imageRectInViewport().intersected(QRectF(exposed));
  if (target.isEmpty()) return;
  const QPointF topLeft = transform_.mapToImage(target.topLeft());
  const QPointF bottomRight = transform_.mapToImage(target.bottomRight());
  const QRect source = QRect(QPoint(static_cast<int>(std::floor(topLeft.x())) - 2, static_cast<int>(std::floor(topLeft.y())) - 2),
                             QPoint(static_cast<int>(std::ceil(bottomRight.x())) + 2, static_cast<int>(std::ceil(bottomRight.y())) + 2)) &
                       image.rect();
  if (source.isEmpty()) return;
  const QRectF sourceInViewport(transform_.mapToViewport(QPointF(source.topLeft())),
                                transform_.mapToViewport(QPointF(source.topLeft() + QPoint(source.width(), source.height()))));
  painter.save();
  painter.setClipRect(target);
  painter.setRenderHint(QPainter::SmoothPixmapTransform,
                        transform_.zoom() * devicePixelRatioF() <= kPainterNearestAbovePixelScale);
  painter.drawImage(sourceInViewport, image, QRectF(source));
  painter.restore();
}

void MaskPainter::paintBrushOutline(QPainter& painter) const {
  const double radius = std::max(0.5, brushSize_ * transform_.zoom() / 2.0);
  const QPointF centre = hoverPosition_;
  painter.save();
  painter.setRenderHint(QPainter::Antialiasing, true);
  painter.setBrush(Qt::NoBrush);
  // A dark halo under a light line: readable on any photo and over the overlay.
  const QPen dark(QColor(0, 0, 0, 170), 3.0);
  const QPen light(QColor(255, 255, 255, 235), 1.25, tool_ == Tool::Eraser ? Qt::DashLine : Qt::SolidLine);  // eraser: dashed
  for (const QPen& pen : {dark, light}) {
    painter.setPen(pen);
    painter.drawEllipse(centre, radius, radius);
    painter.drawLine(centre - QPointF(kCrosshairArm, 0), centre + QPointF(kCrosshairArm, 0));
    painter.drawLine(centre - QPointF(0, kCrosshairArm), centre + QPointF(0, kCrosshairArm));
  }
  // A soft brush: the faint inner ring is where its 50 % edge, the edge training sees, falls.
  const double binaryRadius = radius * (1.0 + hardness_) / 2.0;
  if (hardness_ < 1.0 && radius - binaryRadius > 3.0) {
    painter.setPen(QPen(QColor(255, 255, 255, 120), 1.0, Qt::DotLine));
    painter.drawEllipse(centre, binaryRadius, binaryRadius);
  }
  painter.restore();
}

QRect MaskPainter::outlineRect() const {
  if (!hovering_) return {};
  const double reach = std::max(brushSize_ * transform_.zoom() / 2.0, kCrosshairArm) + 4.0;
  return QRectF(hoverPosition_ - QPointF(reach, reach), QSizeF(2 * reach, 2 * reach)).toAlignedRect();
}

void MaskPainter::moveHover(const QPointF& position, bool inside) {
  const QRect before = outlineRect();
  hoverPosition_ = position;
  hovering_ = inside && hasPhoto();
  if (tool_ != Tool::Fill) update(before | outlineRect());
}

// ---- events -----------------------------------------------------------------------------

void MaskPainter::resizeEvent(QResizeEvent*) {
  const double previousZoom = transform_.zoom();
  transform_.setViewportSize(size());
  if (fitted_) transform_.fitToWindow();
  viewChanged(previousZoom);
}

void MaskPainter::wheelEvent(QWheelEvent* event) {
  const double notches = event->angleDelta().y() / kPainterWheelNotch;
  if (notches == 0.0 || !hasPhoto()) {
    event->ignore();
    return;
  }
  zoomAround(std::pow(kZoomStep, notches), event->position());  // fractional notches zoom less
  moveHover(event->position(), true);
  event->accept();
}

void MaskPainter::mousePressEvent(QMouseEvent* event) {
  const QPointF position = event->position();
  const bool panButton = event->button() == Qt::MiddleButton || (event->button() == Qt::LeftButton && spaceHeld_);
  if (!hasPhoto() || stroking_ || panning_ ||
      (!panButton && event->button() != Qt::LeftButton && event->button() != Qt::RightButton)) {
    event->accept();  // a second button during a stroke or pan does nothing
    return;
  }
  if (panButton) {
    panning_ = true;
    lastDragPosition_ = position;
    update(outlineRect());
    updateCursor();
    event->accept();
    return;
  }
  const bool opposite = event->button() == Qt::RightButton;
  const QPointF imagePoint = transform_.mapToImage(position);
  if (tool_ == Tool::Fill) {
    const QPoint pixel(static_cast<int>(std::floor(imagePoint.x())), static_cast<int>(std::floor(imagePoint.y())));
    document_->fill(pixel, opposite ? MaskOp::Erase : MaskOp::Paint);
  } else {
    const bool paint = (tool_ == Tool::Brush) != opposite;
    document_->beginStroke(paint ? MaskOp::Paint : MaskOp::Erase, brushSize_, hardness_);
    stroking_ = true;
    strokeButton_ = event->button();
    document_->strokeTo(imagePoint);
  }
  event->accept();
}

void MaskPainter::mouseMoveEvent(QMouseEvent* event) {
  const QPointF position = event->position();
  if (panning_) {
    transform_.panBy(position - lastDragPosition_);
    fitted_ = false;
    update();
  } else if (stroking_) {
    document_->strokeTo(transform_.mapToImage(position));
  }
  lastDragPosition_ = position;
  moveHover(position, rect().contains(position.toPoint()));
  event->accept();
}

void MaskPainter::mouseReleaseEvent(QMouseEvent* event) {
  if (panning_ && (event->button() == Qt::MiddleButton || event->button() == Qt::LeftButton)) {
    panning_ = false;
    update(outlineRect());
  }
  if (stroking_ && event->button() == strokeButton_) finishStroke();
  updateCursor();
  event->accept();
}

void MaskPainter::finishStroke() {
  if (!stroking_) return;
  stroking_ = false;
  strokeButton_ = Qt::NoButton;
  document_->endStroke();
}

void MaskPainter::keyPressEvent(QKeyEvent* event) {
  const bool plain = (event->modifiers() & ~Qt::KeypadModifier) == Qt::NoModifier;
  if (event->key() == Qt::Key_Space) {
    if (!event->isAutoRepeat()) {
      spaceHeld_ = true;
      update(outlineRect());
      updateCursor();
    }
  } else if (event->key() == Qt::Key_BracketRight) {
    setBrushSize(std::max(brushSize_ + 1.0, std::round(brushSize_ * kBrushSizeStep)));
  } else if (event->key() == Qt::Key_BracketLeft) {
    setBrushSize(std::min(brushSize_ - 1.0, std::round(brushSize_ / kBrushSizeStep)));
  } else if (plain && event->key() == Qt::Key_B) {
    setTool(Tool::Brush);
  } else if (plain && event->key() == Qt::Key_E) {
    setTool(Tool::Eraser);
  } else if (plain && event->key() == Qt::Key_F) {
    setTool(Tool::Fill);
  } else if (event->matches(QKeySequence::Undo)) {
    finishStroke();
    undoStack()->undo();
  } else if (event->matches(QKeySequence::Redo)) {
    finishStroke();
    undoStack()->redo();
  } else {
    QWidget::keyPressEvent(event);
    return;
  }
  event->accept();
}

void MaskPainter::keyReleaseEvent(QKeyEvent* event) {
  if (event->key() == Qt::Key_Space && !event->isAutoRepeat()) {
    spaceHeld_ = false;
    panning_ = panning_ && (QGuiApplication::mouseButtons() & Qt::MiddleButton);
    update(outlineRect());
    updateCursor();
    event->accept();
    return;
  }
  QWidget::keyReleaseEvent(event);
}

void MaskPainter::focusOutEvent(QFocusEvent* event) {
  // The release may go to another window: never stay stuck panning or painting.
  spaceHeld_ = false;
  panning_ = false;
  finishStroke();
  updateCursor();
  QWidget::focusOutEvent(event);
}

void MaskPainter::leaveEvent(QEvent* event) {
  moveHover(hoverPosition_, false);
  QWidget::leaveEvent(event);
}

void MaskPainter::updateCursor() {
  if (!hasPhoto()) {
    unsetCursor();
  } else if (panning_) {
    setCursor(Qt::ClosedHandCursor);
  } else if (spaceHeld_) {
    setCursor(Qt::OpenHandCursor);
  } else if (tool_ == Tool::Fill) {
    setCursor(Qt::CrossCursor);
  } else {
    setCursor(Qt::BlankCursor);  // the drawn outline is the cursor
  }
}

}  // namespace partedit::ui
