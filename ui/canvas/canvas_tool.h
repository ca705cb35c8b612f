#pragma once
// What a CanvasView hands its tools: each tool is an object with press / move / release and an
// overlay to paint, the way Qt's and Pencil2D's painting code split them, so a view's event
// plumbing (zoom, pan, focus, cursor) is written once and a new tool is one small class.
#include <QPointF>
#include <QRect>
#include <Qt>

#include <optional>

class QPainter;

namespace partedit::ui {

class CanvasTransform;

// One pointer event as a tool sees it: both coordinates, so no tool maps points itself.
struct CanvasPointer {
  QPointF position;       // widget (viewport) coordinates
  QPointF imagePosition;  // the same point in image coordinates
  Qt::MouseButton button = Qt::NoButton;  // the button pressed or released; none for moves
};

class CanvasTool {
 public:
  virtual ~CanvasTool() = default;

  // A button went down over the image. True takes it: the moves until that button is released
  // go to move(), then release(); meanwhile other buttons do nothing. False leaves the press to
  // the widget's parent.
  virtual bool press(const CanvasPointer& pointer) = 0;
  virtual void move(const CanvasPointer& /*pointer*/) {}
  virtual void release(const CanvasPointer& /*pointer*/) {}
  // The drag ends without a release (focus lost, tool switched, new image): keep what was done.
  virtual void endDrag() {}

  // The pointer moved, in a drag or not (also when the view zoomed under it).
  virtual void hover(const CanvasPointer& /*pointer*/) {}
  // Painted over the image in viewport coordinates while the pointer is over the view and no
  // pan is under way; overlayRect() is the area it covers, so the view repaints only that.
  virtual void paint(QPainter& /*painter*/, const CanvasTransform& /*view*/) const {}
  virtual QRect overlayRect(const CanvasTransform& /*view*/) const { return {}; }
  // The cursor over the view; none keeps the widget's default arrow.
  virtual std::optional<Qt::CursorShape> cursor(bool /*dragging*/) const { return std::nullopt; }
};

}  // namespace partedit::ui
