#pragma once
#include "ui/canvas/canvas_tool.h"

namespace partedit::ui {

class CanvasView;

// Drags the image around: the view routes the middle button and space + left button here,
// whatever tool is active.
class PanTool : public CanvasTool {
 public:
  explicit PanTool(CanvasView& view) : view_(view) {}

  bool press(const CanvasPointer& pointer) override;
  void move(const CanvasPointer& pointer) override;
  std::optional<Qt::CursorShape> cursor(bool dragging) const override;

 private:
  CanvasView& view_;
  QPointF lastPosition_;
};

}  // namespace partedit::ui
