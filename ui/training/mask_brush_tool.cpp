#include "ui/training/mask_brush_tool.h"

#include <QPainter>

#include <algorithm>

#include "ui/canvas/canvas_transform.h"

namespace partedit::ui {

bool MaskBrushTool::press(const CanvasPointer& pointer) {
  if (pointer.button != Qt::LeftButton && pointer.button != Qt::RightButton) return false;
  const bool paint = (op_ == MaskOp::Paint) != (pointer.button == Qt::RightButton);
  document_.beginStroke(paint ? MaskOp::Paint : MaskOp::Erase, tip_.diameter, tip_.hardness);
  document_.strokeTo(pointer.imagePosition);
  return true;
}

void MaskBrushTool::paint(QPainter& painter, const CanvasTransform& view) const {
  const double radius = std::max(0.5, tip_.diameter * view.zoom() / 2.0);
  const QPointF centre = hoverPosition_;
  painter.save();
  painter.setRenderHint(QPainter::Antialiasing, true);
  painter.setBrush(Qt::NoBrush);
  // A dark halo under a light line: readable on any photo and over the overlay.
  const QPen dark(QColor(0, 0, 0, 170), 3.0);
  const QPen light(QColor(255, 255, 255, 235), 1.25, op_ == MaskOp::Erase ? Qt::DashLine : Qt::SolidLine);  // eraser: dashed
  for (const QPen& pen : {dark, light}) {
    painter.setPen(pen);
    painter.drawEllipse(centre, radius, radius);
    painter.drawLine(centre - QPointF(kCrosshairArm, 0), centre + QPointF(kCrosshairArm, 0));
    painter.drawLine(centre - QPointF(0, kCrosshairArm), centre + QPointF(0, kCrosshairArm));
  }
  // A soft brush: the faint inner ring is where its 50 % edge, the edge training sees, falls.
  const double binaryRadius = radius * (1.0 + tip_.hardness) / 2.0;
  if (tip_.hardness < 1.0 && radius - binaryRadius > 3.0) {
    painter.setPen(QPen(QColor(255, 255, 255, 120), 1.0, Qt::DotLine));
    painter.drawEllipse(centre, binaryRadius, binaryRadius);
  }
  painter.restore();
}

QRect MaskBrushTool::overlayRect(const CanvasTransform& view) const {
  const double reach = std::max(tip_.diameter * view.zoom() / 2.0, kCrosshairArm) + 4.0;
  return QRectF(hoverPosition_ - QPointF(reach, reach), QSizeF(2 * reach, 2 * reach)).toAlignedRect();
}

}  // namespace partedit::ui
