#pragma once
#include <QPointF>
#include <QRect>
#include <QWidget>

#include "ui/canvas/canvas_tool.h"
#include "ui/canvas/canvas_transform.h"
#include "ui/canvas/pan_tool.h"

namespace partedit::ui {

// The view under the image canvas and the mask painter: zoom (slots, wheel around the
// cursor), pan (middle drag, space + left drag), fitted to the window until the user zooms or
// pans, and the pointer handed to the active CanvasTool. Subclasses paint the image and say
// its size; they hold no view state of their own.
// A plain QWidget rather than a scroll area: panning is free (clamped by CanvasTransform) the
// way painting apps behave, and scroll bars would fight the zoom around the cursor.
class CanvasView : public QWidget {
  Q_OBJECT
 public:
  static constexpr double kZoomStep = 1.25;    // one zoomIn()/zoomOut() or one wheel notch
  static constexpr double kWheelNotch = 120.0;  // QWheelEvent::angleDelta units per notch

  double zoom() const { return transform_.zoom(); }
  const CanvasTransform& viewTransform() const { return transform_; }
  bool isFittedToWindow() const { return fitted_; }  // re-fits on resize until zoomed/panned
  void panBy(const QPointF& viewportDelta);           // leaves the fitted state

 public Q_SLOTS:
  void fitToWindow();
  void actualSize();
  void zoomIn();
  void zoomOut();

 Q_SIGNALS:
  void zoomChanged(double zoom);  // screen pixels per image pixel, so 100 % is 1:1 on any screen

 protected:
  explicit CanvasView(QWidget* parent = nullptr);

  // The size of the image area in image coordinates; empty: nothing to zoom, pan or use a
  // tool on. Zoom and pan are kept (clamped): the subclass calls fitToWindow() to re-fit.
  void setImageSize(const QSizeF& size);
  bool hasImageArea() const { return !transform_.imageSize().isEmpty(); }
  // Repaints what shows image rectangle `imageRect` (a margin for smooth sampling included).
  void updateImageArea(const QRectF& imageRect);

  // The tool that gets the left and right buttons (not owned; null: none).
  void setActiveTool(CanvasTool* tool);
  CanvasTool* activeTool() const { return activeTool_; }
  void endToolDrag();  // the active tool's drag, if any, ends now (state changed under it)
  QRect toolOverlayRect() const;  // where the active tool's overlay is, empty when hidden
  void refreshCursor();  // after a change the active tool's cursor depends on

  // Paints everything but the tool overlay; `exposed` is the area to repaint.
  virtual void paintCanvas(QPainter& painter, const QRect& exposed) = 0;
  // The pointer moved over the view, or the view moved under it (wheel zoom).
  virtual void pointerMoved(const QPointF& /*position*/) {}

  void paintEvent(QPaintEvent* event) override;
  void resizeEvent(QResizeEvent* event) override;
  void wheelEvent(QWheelEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;
  void keyPressEvent(QKeyEvent* event) override;
  void keyReleaseEvent(QKeyEvent* event) override;
  void focusOutEvent(QFocusEvent* event) override;
  void leaveEvent(QEvent* event) override;

 private:
  void zoomAround(double factor, const QPointF& anchor);
  void viewChanged(double previousZoom);
  CanvasPointer pointerAt(const QPointF& position, Qt::MouseButton button = Qt::NoButton) const;
  void trackPointer(const QPointF& position, bool inside);
  bool isPanning() const { return dragTool_ == &panTool_; }
  bool showsToolOverlay() const;
  void endDrag();

  CanvasTransform transform_;
  bool fitted_ = true;
  bool spaceHeld_ = false;
  PanTool panTool_{*this};
  CanvasTool* activeTool_ = nullptr;
  CanvasTool* dragTool_ = nullptr;  // the tool that took the press, until its button's release
  Qt::MouseButton dragButton_ = Qt::NoButton;
  QPointF pointerPosition_;
  bool pointerInside_ = false;
};

}  // namespace partedit::ui
