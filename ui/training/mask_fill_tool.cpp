#include "ui/training/mask_fill_tool.h"

#include <cmath>

namespace partedit::ui {

bool MaskFillTool::press(const CanvasPointer& pointer) {
  if (pointer.button != Qt::LeftButton && pointer.button != Qt::RightButton) return false;
  const QPoint pixel(static_cast<int>(std::floor(pointer.imagePosition.x())),
                     static_cast<int>(std::floor(pointer.imagePosition.y())));
  // A photo of another size than the mask (none shown yet) has no region to take.
  if (photo_.size() != document_.size()) return true;
  document_.fillRegion(colourFloodRegion(photo_, pixel, tolerance_),
                       pointer.button == Qt::RightButton ? MaskOp::Erase : MaskOp::Paint);
  return true;
}

}  // namespace partedit::ui
