#pragma once
#include "ui/canvas/canvas_tool.h"
#include "ui/training/mask_document.h"

namespace partedit::ui {

// The fill of the mask painter: a click fills the enclosed area with the part, a right click
// with background (MaskDocument::fill says what "enclosed" means).
class MaskFillTool : public CanvasTool {
 public:
  explicit MaskFillTool(MaskDocument& document) : document_(document) {}

  bool press(const CanvasPointer& pointer) override;
  std::optional<Qt::CursorShape> cursor(bool) const override { return Qt::CrossCursor; }

 private:
  MaskDocument& document_;
};

}  // namespace partedit::ui
