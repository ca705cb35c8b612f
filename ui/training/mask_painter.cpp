#include "ui/training/mask_painter.h"

#include <QKeyEvent>
#include <QPainter>
#include <QUndoStack>

#include <algorithm>
#include <cmath>

#include "ui/canvas/canvas_painting.h"
#include "ui/training/mask_document.h"
#include "ui/widgets/mask_overlay.h"

namespace partedit::ui {

MaskPainter::MaskPainter(QWidget* parent)
    : CanvasView(parent),
      document_(new MaskDocument(this)),
      overlayColour_(defaultMaskColour()),
      brush_(*document_, MaskOp::Paint, tip_),
      eraser_(*document_, MaskOp::Erase, tip_),
      fill_(*document_, photo_, fillTolerance_) {
  setObjectName(QStringLiteral("maskPainter"));
  setContextMenuPolicy(Qt::PreventContextMenu);  // the right button paints
  setMinimumSize(160, 120);
  setActiveTool(toolObject(tool_));
  connect(document_, &MaskDocument::changed, this, &MaskPainter::documentChanged);
  // Every finished edit, undo and redo moves the stack's index: that is "the mask changed".
  connect(document_->undoStack(), &QUndoStack::indexChanged, this, &MaskPainter::maskChanged);
}

// The stack clears itself when the document is destroyed, which moves its index: that is no
// edit, and whoever listens to maskChanged may already be half destroyed.
MaskPainter::~MaskPainter() { disconnect(document_->undoStack(), nullptr, this, nullptr); }

QUndoStack* MaskPainter::undoStack() const { return document_->undoStack(); }

bool MaskPainter::setPhoto(const QImage& photo, const QImage& mask) {
  endToolDrag();
  const bool relayout = photo_.isNull() || photo.size() != photo_.size();
  photo_ = canvas_painting::toPaintFormat(photo);
  tint_ = QImage();  // rebuilt whole by the reset's change below
  const bool maskUsable = document_->reset(photo_.size(), mask);
  setImageSize(QSizeF(photo_.size()));
  if (relayout) fitToWindow();
  update();
  Q_EMIT maskChanged();
  return maskUsable;
}

// ---- settings ---------------------------------------------------------------------------

void MaskPainter::setTool(Tool tool) {
  if (tool == tool_) return;
  tool_ = tool;
  setActiveTool(toolObject(tool_));  // ends a stroke of the previous tool
  Q_EMIT toolChanged(tool_);
}

CanvasTool* MaskPainter::toolObject(Tool tool) {
  switch (tool) {
    case Tool::Brush: return &brush_;
    case Tool::Eraser: return &eraser_;
    case Tool::Fill: return &fill_;
  }
  return &brush_;
}

void MaskPainter::setBrushSize(double diameter) {
  const double clamped = std::clamp(std::isfinite(diameter) ? diameter : tip_.diameter, kMinBrushSize, kMaxBrushSize);
  if (clamped == tip_.diameter) return;
  const QRect before = toolOverlayRect();
  tip_.diameter = clamped;
  update(before | toolOverlayRect());
  Q_EMIT brushSizeChanged(tip_.diameter);
}

void MaskPainter::setBrushHardness(double hardness) {
  tip_.hardness = std::clamp(std::isfinite(hardness) ? hardness : 1.0, 0.0, 1.0);
  update(toolOverlayRect());
}

void MaskPainter::setFillTolerance(int percent) { fillTolerance_ = std::clamp(percent, 0, 100); }

void MaskPainter::setOverlayColour(const QColor& colour) {
  overlayColour_ = colour;
  tint_ = QImage();
  rebuildTint(document_->mask().rect());
  update();
}

void MaskPainter::setOverlayOpacity(double opacity) {
  overlayOpacity_ = std::clamp(opacity, 0.0, 1.0);
  update();
}

void MaskPainter::setOverlayVisible(bool visible) {
  overlayVisible_ = visible;
  update();
}

// ---- the document -----------------------------------------------------------------------

void MaskPainter::documentChanged(const QRect& imageRect) {
  rebuildTint(imageRect);
  updateImageArea(QRectF(imageRect));  // only what changed: strokes stay cheap on big photos
}

void MaskPainter::rebuildTint(const QRect& imageRect) {
  const QImage& mask = document_->mask();
  if (mask.isNull()) {
    tint_ = QImage();
    return;
  }
  if (tint_.size() != mask.size()) {
    tint_ = maskTint(mask, overlayColour_);
    return;
  }
  const QRect area = imageRect & mask.rect();
  if (area.isEmpty()) return;
  QPainter painter(&tint_);
  painter.setCompositionMode(QPainter::CompositionMode_Source);
  painter.drawImage(area.topLeft(), maskTint(mask.copy(area), overlayColour_));
}

// ---- painting ---------------------------------------------------------------------------

void MaskPainter::paintCanvas(QPainter& painter, const QRect& exposed) {
  painter.fillRect(exposed, canvas_painting::surroundColour());
  if (!hasPhoto()) {
    canvas_painting::paintPlaceholder(painter, rect(), tr("Choose a photo to paint its part on"), false);
    return;
  }
  const QRectF visible = viewTransform().imageRectInViewport().intersected(QRectF(exposed));
  if (photo_.hasAlphaChannel()) canvas_painting::paintCheckerboard(painter, visible);
  drawImageArea(painter, photo_, exposed);
  if (overlayVisible_ && overlayOpacity_ > 0.0 && !tint_.isNull()) {
    painter.setOpacity(overlayOpacity_);
    drawImageArea(painter, tint_, exposed);
    painter.setOpacity(1.0);
  }
}

// Draws only the image pixels behind `exposed` (plus a margin for smooth sampling), so a
// dab's repaint costs its own area, not the photo's.
void MaskPainter::drawImageArea(QPainter& painter, const QImage& image, const QRect& exposed) const {
  const CanvasTransform& view = viewTransform();
  const QRectF target = view.imageRectInViewport().intersected(QRectF(exposed));
  if (target.isEmpty()) return;
  const QPointF topLeft = view.mapToImage(target.topLeft());
  const QPointF bottomRight = view.mapToImage(target.bottomRight());
  const QRect source = QRect(QPoint(static_cast<int>(std::floor(topLeft.x())) - 2, static_cast<int>(std::floor(topLeft.y())) - 2),
                             QPoint(static_cast<int>(std::ceil(bottomRight.x())) + 2, static_cast<int>(std::ceil(bottomRight.y())) + 2)) &
                       image.rect();
  if (source.isEmpty()) return;
  const QRectF sourceInViewport(view.mapToViewport(QPointF(source.topLeft())),
                                view.mapToViewport(QPointF(source.topLeft() + QPoint(source.width(), source.height()))));
  painter.save();
  painter.setClipRect(target);
  // As on the main canvas: the artist sees the mask's real pixel edges when zoomed in.
  painter.setRenderHint(QPainter::SmoothPixmapTransform,
                        canvas_painting::samplesSmoothly(zoom() * devicePixelRatioF()));
  painter.drawImage(sourceInViewport, image, QRectF(source));
  painter.restore();
}

// ---- keys -------------------------------------------------------------------------------

void MaskPainter::keyPressEvent(QKeyEvent* event) {
  const bool plain = (event->modifiers() & ~Qt::KeypadModifier) == Qt::NoModifier;
  const double size = tip_.diameter;
  if (event->key() == Qt::Key_BracketRight) {
    setBrushSize(std::max(size + 1.0, std::round(size * kBrushSizeStep)));
  } else if (event->key() == Qt::Key_BracketLeft) {
    setBrushSize(std::min(size - 1.0, std::round(size / kBrushSizeStep)));
  } else if (plain && event->key() == Qt::Key_B) {
    setTool(Tool::Brush);
  } else if (plain && event->key() == Qt::Key_E) {
    setTool(Tool::Eraser);
  } else if (plain && event->key() == Qt::Key_F) {
    setTool(Tool::Fill);
  } else if (event->matches(QKeySequence::Undo)) {
    endToolDrag();
    undoStack()->undo();
  } else if (event->matches(QKeySequence::Redo)) {
    endToolDrag();
    undoStack()->redo();
  } else {
    CanvasView::keyPressEvent(event);
    return;
  }
  event->accept();
}

}  // namespace partedit::ui
