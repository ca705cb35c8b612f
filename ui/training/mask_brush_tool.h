#pragma once
#include "ui/canvas/canvas_tool.h"
#include "ui/training/mask_document.h"

namespace partedit::ui {

// The brush's shape, one for the brush and the eraser alike (switching keeps the size).
struct MaskBrushTip {
  double diameter = 40.0;  // image pixels
  double hardness = 1.0;   // 0..1; hard by default: what is seen is what training gets
};

// The brush (op Paint) and the eraser (op Erase) of the mask painter: a stroke per drag, one
// undo step each; the right button does the opposite op, so correcting needs no tool switch.
// Its overlay, the outline of the tip, is the cursor.
class MaskBrushTool : public CanvasTool {
 public:
  static constexpr double kCrosshairArm = 4.0;  // px: marks the tip's centre, also for tiny tips

  MaskBrushTool(MaskDocument& document, MaskOp op, const MaskBrushTip& tip)
      : document_(document), op_(op), tip_(tip) {}

  bool press(const CanvasPointer& pointer) override;
  void move(const CanvasPointer& pointer) override { document_.strokeTo(pointer.imagePosition); }
  void release(const CanvasPointer&) override { document_.endStroke(); }
  void endDrag() override { document_.endStroke(); }
  void hover(const CanvasPointer& pointer) override { hoverPosition_ = pointer.position; }
  void paint(QPainter& painter, const CanvasTransform& view) const override;
  QRect overlayRect(const CanvasTransform& view) const override;
  std::optional<Qt::CursorShape> cursor(bool) const override { return Qt::BlankCursor; }

 private:
  MaskDocument& document_;
  MaskOp op_;
  const MaskBrushTip& tip_;
  QPointF hoverPosition_;
};

}  // namespace partedit::ui
