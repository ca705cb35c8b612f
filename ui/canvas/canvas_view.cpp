#include "ui/canvas/canvas_view.h"

#include <QKeyEvent>
#include <QPaintEvent>
#include <QPainter>
#include <QWheelEvent>

#include <cmath>
#include <utility>

namespace partedit::ui {

CanvasView::CanvasView(QWidget* parent) : QWidget(parent) {
  setMouseTracking(true);                 // tool overlays and status reports follow the cursor
  setFocusPolicy(Qt::WheelFocus);         // space-drag and tool keys need key events
  setAttribute(Qt::WA_OpaquePaintEvent);  // every paint covers what it exposes
  transform_.setViewportSize(size());
}

// ---- the image area ---------------------------------------------------------------------

void CanvasView::setImageSize(const QSizeF& size) {
  transform_.setImageSize(size);
  if (!hasImageArea()) endDrag();
  refreshCursor();
}

void CanvasView::updateImageArea(const QRectF& imageRect) {
  update(transform_.imageToViewport().mapRect(imageRect).toAlignedRect().adjusted(-2, -2, 2, 2) & rect());
}

// ---- zoom and pan -----------------------------------------------------------------------

void CanvasView::fitToWindow() {
  const double previousZoom = transform_.zoom();
  transform_.fitToWindow();
  fitted_ = true;
  viewChanged(previousZoom);
}

void CanvasView::actualSize() {
  const double previousZoom = transform_.zoom();
  // 100 % is one image pixel per device pixel, also on high-DPI screens.
  transform_.setZoom(1.0 / devicePixelRatioF(), QPointF(width(), height()) / 2.0);
  fitted_ = false;
  viewChanged(previousZoom);
}

void CanvasView::zoomIn() { zoomAround(kZoomStep, QPointF(width(), height()) / 2.0); }
void CanvasView::zoomOut() { zoomAround(1.0 / kZoomStep, QPointF(width(), height()) / 2.0); }

void CanvasView::zoomAround(double factor, const QPointF& anchor) {
  if (!hasImageArea()) return;
  const double previousZoom = transform_.zoom();
  transform_.zoomBy(factor, anchor);
  fitted_ = false;
  viewChanged(previousZoom);
}

void CanvasView::panBy(const QPointF& viewportDelta) {
  if (!hasImageArea()) return;
  transform_.panBy(viewportDelta);
  fitted_ = false;
  update();
}

void CanvasView::viewChanged(double previousZoom) {
  update();
  if (transform_.zoom() != previousZoom) Q_EMIT zoomChanged(transform_.zoom() * devicePixelRatioF());
}

void CanvasView::resizeEvent(QResizeEvent*) {
  const double previousZoom = transform_.zoom();
  transform_.setViewportSize(size());
  if (fitted_) transform_.fitToWindow();
  viewChanged(previousZoom);
}

void CanvasView::wheelEvent(QWheelEvent* event) {
  const double notches = event->angleDelta().y() / kWheelNotch;
  if (notches == 0.0 || !hasImageArea()) {
    event->ignore();
    return;
  }
  // Fractional notches (high-resolution wheels) zoom proportionally.
  zoomAround(std::pow(kZoomStep, notches), event->position());
  trackPointer(event->position(), true);
  pointerMoved(event->position());
  event->accept();
}

// ---- tools ------------------------------------------------------------------------------

void CanvasView::setActiveTool(CanvasTool* tool) {
  if (tool == activeTool_) return;
  endToolDrag();
  const QRect before = toolOverlayRect();
  activeTool_ = tool;
  if (activeTool_) activeTool_->hover(pointerAt(pointerPosition_));
  update(before | toolOverlayRect());
  refreshCursor();
}

void CanvasView::endToolDrag() {
  if (dragTool_ && dragTool_ == activeTool_) endDrag();
  refreshCursor();
}

void CanvasView::endDrag() {
  dragButton_ = Qt::NoButton;
  if (CanvasTool* tool = std::exchange(dragTool_, nullptr)) tool->endDrag();
}

QRect CanvasView::toolOverlayRect() const {
  if (!activeTool_ || !pointerInside_ || !hasImageArea()) return {};
  return activeTool_->overlayRect(transform_);
}

bool CanvasView::showsToolOverlay() const {
  return activeTool_ && pointerInside_ && hasImageArea() && !isPanning() && !spaceHeld_;
}

// The tool in charge decides: the dragging one, else the pan tool while space is held, else
// the active tool.
void CanvasView::refreshCursor() {
  std::optional<Qt::CursorShape> shape;
  if (!hasImageArea()) {
    shape = std::nullopt;
  } else if (dragTool_) {
    shape = dragTool_->cursor(true);
  } else if (spaceHeld_) {
    shape = panTool_.cursor(false);
  } else if (activeTool_) {
    shape = activeTool_->cursor(false);
  }
  // Called on every mouse move: only tell the window system about real changes.
  if (!shape) {
    if (testAttribute(Qt::WA_SetCursor)) unsetCursor();
  } else if (!testAttribute(Qt::WA_SetCursor) || cursor().shape() != *shape) {
    setCursor(*shape);
  }
}

CanvasPointer CanvasView::pointerAt(const QPointF& position, Qt::MouseButton button) const {
  return CanvasPointer{position, transform_.mapToImage(position), button};
}

void CanvasView::trackPointer(const QPointF& position, bool inside) {
  const QRect before = toolOverlayRect();
  pointerPosition_ = position;
  pointerInside_ = inside;
  if (activeTool_) activeTool_->hover(pointerAt(position));
  update(before | toolOverlayRect());
  refreshCursor();
}

// ---- painting ---------------------------------------------------------------------------

void CanvasView::paintEvent(QPaintEvent* event) {
  QPainter painter(this);
  painter.save();
  paintCanvas(painter, event->rect());
  painter.restore();
  if (showsToolOverlay()) activeTool_->paint(painter, transform_);
}

// ---- events -----------------------------------------------------------------------------

void CanvasView::mousePressEvent(QMouseEvent* event) {
  if (dragTool_) {
    event->accept();  // a second button during a drag does nothing
    return;
  }
  const bool panButton =
      event->button() == Qt::MiddleButton || (event->button() == Qt::LeftButton && spaceHeld_);
  CanvasTool* tool = panButton ? &panTool_ : activeTool_;
  if (!hasImageArea() || !tool || !tool->press(pointerAt(event->position(), event->button()))) {
    event->ignore();
    return;
  }
  dragTool_ = tool;
  dragButton_ = event->button();
  if (isPanning()) update(toolOverlayRect());  // the overlay hides while panning
  refreshCursor();
  event->accept();
}

void CanvasView::mouseMoveEvent(QMouseEvent* event) {
  const QPointF position = event->position();
  if (dragTool_) dragTool_->move(pointerAt(position));
  trackPointer(position, rect().contains(position.toPoint()));
  pointerMoved(position);
  event->accept();
}

void CanvasView::mouseReleaseEvent(QMouseEvent* event) {
  if (!dragTool_ || event->button() != dragButton_) {
    event->ignore();
    return;
  }
  CanvasTool* tool = std::exchange(dragTool_, nullptr);
  dragButton_ = Qt::NoButton;
  tool->release(pointerAt(event->position(), event->button()));
  if (tool == &panTool_) update(toolOverlayRect());
  refreshCursor();
  event->accept();
}

void CanvasView::keyPressEvent(QKeyEvent* event) {
  if (event->key() != Qt::Key_Space) {
    QWidget::keyPressEvent(event);
    return;
  }
  if (!event->isAutoRepeat()) {
    spaceHeld_ = true;
    update(toolOverlayRect());
    refreshCursor();
  }
  event->accept();
}

void CanvasView::keyReleaseEvent(QKeyEvent* event) {
  if (event->key() != Qt::Key_Space) {
    QWidget::keyReleaseEvent(event);
    return;
  }
  if (!event->isAutoRepeat()) {
    spaceHeld_ = false;
    // A space drag ends with the space bar; a middle-button drag goes on.
    if (isPanning() && dragButton_ != Qt::MiddleButton) endDrag();
    update(toolOverlayRect());
    refreshCursor();
  }
  event->accept();
}

void CanvasView::focusOutEvent(QFocusEvent* event) {
  // A key or button release may go to another window: never stay stuck in a pan or a drag.
  spaceHeld_ = false;
  endDrag();
  update(toolOverlayRect());
  refreshCursor();
  QWidget::focusOutEvent(event);
}

void CanvasView::leaveEvent(QEvent* event) {
  trackPointer(pointerPosition_, false);
  QWidget::leaveEvent(event);
}

}  // namespace partedit::ui
