#include "ui/canvas/split_divider_tool.h"

#include <cmath>

#include "ui/canvas/image_canvas.h"

namespace partedit::ui {

bool SplitDividerTool::press(const CanvasPointer& pointer) {
  return pointer.button == Qt::LeftButton && grabs(pointer.position);
}

void SplitDividerTool::move(const CanvasPointer& pointer) {
  const QRectF imageRect = canvas_.viewTransform().imageRectInViewport();
  if (imageRect.width() > 0) canvas_.setSplitPosition((pointer.position.x() - imageRect.left()) / imageRect.width());
}

std::optional<Qt::CursorShape> SplitDividerTool::cursor(bool dragging) const {
  if (dragging || grabs(hoverPosition_)) return Qt::SplitHCursor;
  return std::nullopt;
}

bool SplitDividerTool::grabs(const QPointF& position) const {
  if (!canvas_.isSplitShown()) return false;
  const QRectF imageRect = canvas_.viewTransform().imageRectInViewport();
  return std::abs(position.x() - canvas_.splitDividerX()) <= kGrabDistance && position.y() >= imageRect.top() &&
         position.y() <= imageRect.bottom();
}

}  // namespace partedit::ui
