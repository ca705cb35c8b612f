#include "ui/canvas/pan_tool.h"

#include "ui/canvas/canvas_view.h"

namespace partedit::ui {

bool PanTool::press(const CanvasPointer& pointer) {
  lastPosition_ = pointer.position;
  return true;
}

void PanTool::move(const CanvasPointer& pointer) {
  view_.panBy(pointer.position - lastPosition_);
  lastPosition_ = pointer.position;
}

std::optional<Qt::CursorShape> PanTool::cursor(bool dragging) const {
  return dragging ? Qt::ClosedHandCursor : Qt::OpenHandCursor;
}

}  // namespace partedit::ui
