#pragma once
#include "ui/canvas/canvas_tool.h"

namespace partedit::ui {

class ImageCanvas;

// The image canvas's tool: drags the before/after divider of the split comparison sideways.
// Takes only a left press on the divider, so elsewhere (or outside Split mode) it does nothing.
class SplitDividerTool : public CanvasTool {
 public:
  static constexpr double kGrabDistance = 8.0;  // px either side of the divider

  explicit SplitDividerTool(ImageCanvas& canvas) : canvas_(canvas) {}

  bool press(const CanvasPointer& pointer) override;
  void move(const CanvasPointer& pointer) override;
  void hover(const CanvasPointer& pointer) override { hoverPosition_ = pointer.position; }
  std::optional<Qt::CursorShape> cursor(bool dragging) const override;

 private:
  bool grabs(const QPointF& position) const;

  ImageCanvas& canvas_;
  QPointF hoverPosition_;
};

}  // namespace partedit::ui
