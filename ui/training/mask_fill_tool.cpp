#include "ui/training/mask_fill_tool.h"

#include <cmath>

namespace partedit::ui {

bool MaskFillTool::press(const CanvasPointer& pointer) {
  if (pointer.button != Qt::LeftButton && pointer.button != Qt::RightButton) return false;
  const QPoint pixel(static_cast<int>(std::floor(pointer.imagePosition.x())),
                     static_cast<int>(std::floor(pointer.imagePosition.y())));
  document_.fill(pixel, pointer.button == Qt::RightButton ? MaskOp::Erase : MaskOp::Paint);
  return true;
}

}  // namespace partedit::ui
