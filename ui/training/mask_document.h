#pragma once
// The model of one part mask being painted for token training: no widget, no view, so it can
// be tested on pixels alone. The mask is a QImage::Format_Grayscale8 of the photo's size,
// 0 = background, 255 = part, values between from soft brush edges.
//
// What training uses is binaryMask(): a pixel is part when its value is ≥ 128 (≥ 50 %), else
// background. So a soft edge counts as part on its inner half: with diameter d and hardness
// h the part edge of a dab lies at radius d/2 · (1 + h)/2 (the full d/2 when h = 1).
//
// Brush rule (image coordinates, pixel (x, y) covers [x, x+1) × [y, y+1)): a dab centred at
// c covers the pixel whose centre lies at distance t from c with
//   coverage = 1                          for t ≤ h·r      (r = d/2, the hard core)
//            = 1 − smoothstep((t − h·r)/(r − h·r))  for h·r < t ≤ r
//            = 0                          beyond r,
// and the pixel holding c is always fully covered, so a click always marks what is under it.
// Painting keeps max(old, coverage), erasing min(old, 1 − coverage): dabs never build up, so a
// stroke looks the same however fast it is drawn.
#include <QImage>
#include <QObject>
#include <QPointF>
#include <QRect>

#include "ui/training/colour_flood.h"

class QUndoStack;

namespace partedit::ui {

enum class MaskOp { Paint, Erase };  // add part / give back to background

class MaskDocument : public QObject {
  Q_OBJECT
 public:
  static constexpr int kPartThreshold = 128;        // binaryMask(): value ≥ this is part
  static constexpr double kMinBrushDiameter = 1.0;  // image pixels
  static constexpr int kUndoLimit = 100;            // steps; each holds only its changed rect

  explicit MaskDocument(QObject* parent = nullptr);

  // Starts over at `size`: an empty mask, or `initial` (any format, made grey) when it has
  // that size, and an empty undo history. False when `initial` was given at another size (the
  // mask is then empty).
  bool reset(const QSize& size, const QImage& initial = QImage());
  QSize size() const { return mask_.size(); }
  bool isNull() const { return mask_.isNull(); }
  const QImage& mask() const { return mask_; }  // Grayscale8, soft values kept
  QImage binaryMask() const;                    // Grayscale8 0/255 by the rule above
  qint64 partPixelCount() const;                // pixels that are part in binaryMask()
  QUndoStack* undoStack() const { return undoStack_; }

  // A stroke is one undo step: begin, any number of strokeTo (the first places a dab, each
  // further one a segment from the previous point), end. Each segment is painted as the dab
  // swept along it (distance to the segment), the limit of dabs at zero spacing under the
  // max() rule, so a fast drag gives a continuous line with no scallops.
  void beginStroke(MaskOp op, double diameter, double hardness);
  void strokeTo(const QPointF& imagePoint);
  void endStroke();  // pushes the step when the stroke changed anything
  bool isStroking() const { return stroking_; }

  // Sets every pixel of `region` (PixelRegion, the photo's size: the fill tool's colour
  // flood) to 255 (Paint) or 0 (Erase), soft values included. These return false (and push no
  // step) when nothing changed.
  bool fillRegion(const PixelRegion& region, MaskOp op);
  bool clear();
  bool invert();
  // An imported mask of the same size (any format, made grey; values kept). False when the
  // size differs or it equals the current mask.
  bool setMask(const QImage& mask);

 Q_SIGNALS:
  // Pixels inside imageRect changed (while painting, and on undo/redo).
  void changed(const QRect& imageRect);

 private:
  friend class MaskPatchCommand;
  void applyPatch(const QRect& rect, const QImage& pixels);
  // Records the step whose pixels in `rect` were `before` and are now the current ones.
  void pushPatch(const QString& text, const QRect& rect, const QImage& before);
  QRect paintSegment(const QPointF& from, const QPointF& to);

  QImage mask_;
  QUndoStack* undoStack_ = nullptr;

  bool stroking_ = false;
  bool strokeHasPoint_ = false;
  MaskOp strokeOp_ = MaskOp::Paint;
  double strokeDiameter_ = kMinBrushDiameter;
  double strokeHardness_ = 1.0;
  QPointF strokeLast_;
  QImage strokeBefore_;  // the mask when the stroke began; only strokeRect_ is kept
  QRect strokeRect_;
};

}  // namespace partedit::ui
