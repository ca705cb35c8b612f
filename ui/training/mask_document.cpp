#include "ui/training/mask_document.h"

#include <QUndoCommand>
#include <QUndoStack>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

namespace partedit::ui {

// One undo step: the pixels of one rectangle before and after. The change is already on the
// mask when the step is pushed, so the first redo() (QUndoStack::push calls it) is skipped.
class MaskPatchCommand : public QUndoCommand {
 public:
  MaskPatchCommand(MaskDocument* document, const QString& text, const QRect& rect, QImage before, QImage after)
      : QUndoCommand(text), document_(document), rect_(rect), before_(std::move(before)), after_(std::move(after)) {}

  void undo() override { document_->applyPatch(rect_, before_); }
  void redo() override {
    if (applied_) {
      applied_ = false;
      return;
    }
    document_->applyPatch(rect_, after_);
  }

 private:
  MaskDocument* document_;
  QRect rect_;
  QImage before_;
  QImage after_;
  bool applied_ = true;
};

namespace {

// The brush profile of the header, 0..255, from the squared distance: most pixels of a dab
// are in its core or outside it and need no square root.
int coverage(double distanceSquared, double radius, double hardness) {
  const double core = hardness * radius;
  if (distanceSquared <= core * core) return 255;
  if (distanceSquared > radius * radius) return 0;
  const double t = (std::sqrt(distanceSquared) - core) / (radius - core);
  const double falloff = 1.0 - t * t * (3.0 - 2.0 * t);  // 1 - smoothstep: 50 % at t = 0.5
  return static_cast<int>(std::lround(255.0 * falloff));
}

QRect nonZeroBounds(const QImage& grey) {
  int left = grey.width(), top = grey.height(), right = -1, bottom = -1;
  for (int y = 0; y < grey.height(); ++y) {
    const uchar* row = grey.constScanLine(y);
    for (int x = 0; x < grey.width(); ++x) {
      if (!row[x]) continue;
      left = std::min(left, x);
      right = std::max(right, x);
      top = std::min(top, y);
      bottom = y;
    }
  }
  return right < 0 ? QRect() : QRect(QPoint(left, top), QPoint(right, bottom));
}

// The bounds of the pixels inside `area` where two same-sized images differ.
QRect differenceBounds(const QImage& a, const QImage& b, const QRect& area) {
  int left = area.right() + 1, top = area.bottom() + 1, right = -1, bottom = -1;
  for (int y = area.top(); y <= area.bottom(); ++y) {
    const uchar* rowA = a.constScanLine(y);
    const uchar* rowB = b.constScanLine(y);
    if (std::memcmp(rowA + area.left(), rowB + area.left(), static_cast<size_t>(area.width())) == 0) continue;
    for (int x = area.left(); x <= area.right(); ++x) {
      if (rowA[x] == rowB[x]) continue;
      left = std::min(left, x);
      right = std::max(right, x);
    }
    top = std::min(top, y);
    bottom = y;
  }
  return right < 0 ? QRect() : QRect(QPoint(left, top), QPoint(right, bottom));
}

}  // namespace

MaskDocument::MaskDocument(QObject* parent) : QObject(parent), undoStack_(new QUndoStack(this)) {
  undoStack_->setUndoLimit(kUndoLimit);
}

bool MaskDocument::reset(const QSize& size, const QImage& initial) {
  stroking_ = false;
  strokeBefore_ = QImage();
  undoStack_->clear();
  const bool usable = !initial.isNull() && initial.size() == size;
  if (usable) {
    mask_ = initial.convertToFormat(QImage::Format_Grayscale8);
  } else {
    mask_ = size.isEmpty() ? QImage() : QImage(size, QImage::Format_Grayscale8);
    if (!mask_.isNull()) mask_.fill(0);
  }
  Q_EMIT changed(mask_.rect());
  return usable || initial.isNull();
}

QImage MaskDocument::binaryMask() const {
  QImage binary(mask_.size(), QImage::Format_Grayscale8);
  for (int y = 0; y < mask_.height(); ++y) {
    const uchar* in = mask_.constScanLine(y);
    uchar* out = binary.scanLine(y);
    for (int x = 0; x < mask_.width(); ++x) out[x] = in[x] >= kPartThreshold ? 255 : 0;
  }
  return binary;
}

qint64 MaskDocument::partPixelCount() const {
  qint64 count = 0;
  for (int y = 0; y < mask_.height(); ++y) {
    const uchar* row = mask_.constScanLine(y);
    for (int x = 0; x < mask_.width(); ++x) count += row[x] >= kPartThreshold;
  }
  return count;
}

// ---- strokes ----------------------------------------------------------------------------

void MaskDocument::beginStroke(MaskOp op, double diameter, double hardness) {
  if (stroking_) endStroke();
  if (mask_.isNull()) return;
  stroking_ = true;
  strokeHasPoint_ = false;
  strokeOp_ = op;
  strokeDiameter_ = std::max(kMinBrushDiameter, std::isfinite(diameter) ? diameter : kMinBrushDiameter);
  strokeHardness_ = std::clamp(std::isfinite(hardness) ? hardness : 1.0, 0.0, 1.0);
  strokeBefore_ = mask_;  // shallow: the first write below detaches the live mask
  strokeRect_ = QRect();
}

void MaskDocument::strokeTo(const QPointF& imagePoint) {
  if (!stroking_) return;
  const QPointF from = strokeHasPoint_ ? strokeLast_ : imagePoint;
  strokeLast_ = imagePoint;
  strokeHasPoint_ = true;
  const QRect dirty = paintSegment(from, imagePoint);
  if (dirty.isEmpty()) return;
  strokeRect_ |= dirty;
  Q_EMIT changed(dirty);
}

void MaskDocument::endStroke() {
  if (!stroking_) return;
  stroking_ = false;
  QImage before = std::move(strokeBefore_);
  strokeBefore_ = QImage();
  if (strokeRect_.isEmpty()) return;
  const QRect changedRect = differenceBounds(before, mask_, strokeRect_);
  if (changedRect.isEmpty()) return;  // e.g. painting over part that is already solid
  pushPatch(strokeOp_ == MaskOp::Paint ? tr("Brush stroke") : tr("Eraser stroke"), changedRect,
            before.copy(changedRect));
}

QRect MaskDocument::paintSegment(const QPointF& from, const QPointF& to) {
  const double radius = strokeDiameter_ / 2.0;
  const QRect bounds = QRect(QPoint(static_cast<int>(std::floor(std::min(from.x(), to.x()) - radius)),
                                    static_cast<int>(std::floor(std::min(from.y(), to.y()) - radius))),
                             QPoint(static_cast<int>(std::ceil(std::max(from.x(), to.x()) + radius)),
                                    static_cast<int>(std::ceil(std::max(from.y(), to.y()) + radius)))) &
                       mask_.rect();
  if (bounds.isEmpty()) return {};
  const QPointF along = to - from;
  const double lengthSquared = QPointF::dotProduct(along, along);
  const bool paint = strokeOp_ == MaskOp::Paint;
  for (int y = bounds.top(); y <= bounds.bottom(); ++y) {
    uchar* row = mask_.scanLine(y);
    for (int x = bounds.left(); x <= bounds.right(); ++x) {
      const QPointF centre(x + 0.5, y + 0.5);
      double t = lengthSquared > 0.0 ? QPointF::dotProduct(centre - from, along) / lengthSquared : 0.0;
      t = std::clamp(t, 0.0, 1.0);
      const QPointF offset = centre - (from + t * along);
      const int cover = coverage(QPointF::dotProduct(offset, offset), radius, strokeHardness_);
      if (cover == 0) continue;
      row[x] = static_cast<uchar>(paint ? std::max<int>(row[x], cover) : std::min<int>(row[x], 255 - cover));
    }
  }
  // The pixel under each end is always taken (a 1-px brush on a pixel corner reaches no centre).
  for (const QPointF& end : {from, to}) {
    const QPoint pixel(static_cast<int>(std::floor(end.x())), static_cast<int>(std::floor(end.y())));
    if (mask_.rect().contains(pixel)) mask_.scanLine(pixel.y())[pixel.x()] = paint ? 255 : 0;
  }
  return bounds;
}

// ---- whole-region operations ------------------------------------------------------------

bool MaskDocument::fillRegion(const PixelRegion& region, MaskOp op) {
  endStroke();
  if (region.isEmpty() || region.pixels.size() != mask_.size()) return false;
  const QRect bounds = region.bounds & mask_.rect();
  const uchar value = op == MaskOp::Paint ? 255 : 0;
  bool anyChange = false;
  for (int y = bounds.top(); y <= bounds.bottom() && !anyChange; ++y) {
    const uchar* inside = region.pixels.constScanLine(y);
    const uchar* current = mask_.constScanLine(y);
    for (int x = bounds.left(); x <= bounds.right(); ++x) anyChange |= inside[x] && current[x] != value;
  }
  if (!anyChange) return false;
  const QImage before = mask_.copy(bounds);
  for (int y = bounds.top(); y <= bounds.bottom(); ++y) {
    const uchar* inside = region.pixels.constScanLine(y);
    uchar* row = mask_.scanLine(y);
    for (int x = bounds.left(); x <= bounds.right(); ++x)
      if (inside[x]) row[x] = value;
  }
  Q_EMIT changed(bounds);
  pushPatch(op == MaskOp::Paint ? tr("Fill") : tr("Fill with background"), bounds, before);
  return true;
}

bool MaskDocument::clear() {
  endStroke();
  const QRect bounds = nonZeroBounds(mask_);
  if (bounds.isEmpty()) return false;
  const QImage before = mask_.copy(bounds);
  for (int y = bounds.top(); y <= bounds.bottom(); ++y)
    std::memset(mask_.scanLine(y) + bounds.left(), 0, static_cast<size_t>(bounds.width()));
  Q_EMIT changed(bounds);
  pushPatch(tr("Clear mask"), bounds, before);
  return true;
}

bool MaskDocument::invert() {
  endStroke();
  if (mask_.isNull()) return false;
  const QImage before = mask_.copy();
  for (int y = 0; y < mask_.height(); ++y) {
    uchar* row = mask_.scanLine(y);
    for (int x = 0; x < mask_.width(); ++x) row[x] = static_cast<uchar>(255 - row[x]);
  }
  Q_EMIT changed(mask_.rect());
  pushPatch(tr("Invert mask"), mask_.rect(), before);
  return true;
}

bool MaskDocument::setMask(const QImage& mask) {
  endStroke();
  if (mask.isNull() || mask.size() != mask_.size()) return false;
  const QImage grey = mask.convertToFormat(QImage::Format_Grayscale8);
  const QRect bounds = differenceBounds(mask_, grey, mask_.rect());
  if (bounds.isEmpty()) return false;
  const QImage before = mask_.copy(bounds);
  for (int y = bounds.top(); y <= bounds.bottom(); ++y)
    std::memcpy(mask_.scanLine(y) + bounds.left(), grey.constScanLine(y) + bounds.left(),
                static_cast<size_t>(bounds.width()));
  Q_EMIT changed(bounds);
  pushPatch(tr("Import mask"), bounds, before);
  return true;
}

// ---- undo -------------------------------------------------------------------------------

void MaskDocument::pushPatch(const QString& text, const QRect& rect, const QImage& before) {
  undoStack_->push(new MaskPatchCommand(this, text, rect, before, mask_.copy(rect)));
}

void MaskDocument::applyPatch(const QRect& rect, const QImage& pixels) {
  // Undo/redo while a stroke is held down (a shortcut mid-drag) cannot push the stroke from
  // inside the stack's undo(): the unfinished stroke is taken back instead, keeping the
  // history exact.
  if (stroking_) {
    stroking_ = false;
    for (int y = strokeRect_.top(); y <= strokeRect_.bottom(); ++y)
      std::memcpy(mask_.scanLine(y) + strokeRect_.left(), strokeBefore_.constScanLine(y) + strokeRect_.left(),
                  static_cast<size_t>(strokeRect_.width()));
    if (!strokeRect_.isEmpty()) Q_EMIT changed(strokeRect_);
    strokeBefore_ = QImage();
  }
  for (int y = 0; y < rect.height(); ++y)
    std::memcpy(mask_.scanLine(rect.top() + y) + rect.left(), pixels.constScanLine(y),
                static_cast<size_t>(rect.width()));
  Q_EMIT changed(rect);
}

}  // namespace partedit::ui
