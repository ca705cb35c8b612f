#pragma once
// Painting a part mask over its photo: the photo with the mask as a coloured overlay, zoom
// and pan as on the main canvas (the same CanvasView: wheel around the cursor, space- or
// middle-drag pan), and three tools (MaskBrushTool as brush and eraser, MaskFillTool: a
// colour-similarity flood on the photo). Left button uses the tool; right button does its
// opposite (Brush erases, Eraser paints, Fill fills with background), so correcting needs no
// tool switch. Keys: [ and ] brush size,
// B / E / F tools, space pan; Ctrl+Z / Ctrl+Shift+Z when no action of the window claims them.
// The pixels live in the MaskDocument.
#include <QColor>
#include <QImage>

#include "ui/canvas/canvas_view.h"
#include "ui/training/mask_brush_tool.h"
#include "ui/training/mask_fill_tool.h"

class QUndoStack;

namespace partedit::ui {

class MaskDocument;

class MaskPainter : public CanvasView {
  Q_OBJECT
 public:
  enum class Tool { Brush, Eraser, Fill };
  Q_ENUM(Tool)

  static constexpr double kMinBrushSize = 1.0;      // image pixels
  static constexpr double kMaxBrushSize = 1000.0;
  static constexpr double kBrushSizeStep = 1.2;     // one [ or ] press (at least 1 px)

  explicit MaskPainter(QWidget* parent = nullptr);
  ~MaskPainter() override;

  // The photo to paint on and its mask so far (null: empty). Fits the view, clears the undo
  // history. False when the mask's size differs from the photo's (the mask is then empty).
  bool setPhoto(const QImage& photo, const QImage& mask = QImage());
  QImage photo() const { return photo_; }
  bool hasPhoto() const { return !photo_.isNull(); }
  MaskDocument* document() const { return document_; }
  QUndoStack* undoStack() const;

  Tool tool() const { return tool_; }
  double brushSize() const { return tip_.diameter; }      // diameter in image pixels
  double brushHardness() const { return tip_.hardness; }  // 0..1, 1 = hard edge
  int fillTolerance() const { return fillTolerance_; }    // percent, colour_flood.h's rule
  QColor overlayColour() const { return overlayColour_; }
  double overlayOpacity() const { return overlayOpacity_; }
  bool isOverlayVisible() const { return overlayVisible_; }

 public Q_SLOTS:
  void setTool(partedit::ui::MaskPainter::Tool tool);
  void setBrushSize(double diameter);
  void setBrushHardness(double hardness);
  void setFillTolerance(int percent);  // 0..100
  void setOverlayColour(const QColor& colour);
  void setOverlayOpacity(double opacity);  // 0..1
  void setOverlayVisible(bool visible);

 Q_SIGNALS:
  // A finished edit: stroke released, fill, clear, invert, import, undo, redo, new photo.
  // Not sent for every mouse move of a stroke, so it can drive counts and saving.
  void maskChanged();
  void toolChanged(partedit::ui::MaskPainter::Tool tool);
  void brushSizeChanged(double diameter);

 protected:
  void paintCanvas(QPainter& painter, const QRect& exposed) override;
  void keyPressEvent(QKeyEvent* event) override;

 private:
  CanvasTool* toolObject(Tool tool);
  void documentChanged(const QRect& imageRect);
  void rebuildTint(const QRect& imageRect);
  void drawImageArea(QPainter& painter, const QImage& image, const QRect& exposed) const;

  QImage photo_;  // in a fast-to-paint format
  MaskDocument* document_ = nullptr;
  QImage tint_;   // the mask in overlayColour_, alpha = mask, kept in step rect by rect
  QColor overlayColour_;
  double overlayOpacity_ = 0.5;
  bool overlayVisible_ = true;

  Tool tool_ = Tool::Brush;
  MaskBrushTip tip_;
  int fillTolerance_ = kDefaultFillTolerance;
  MaskBrushTool brush_;
  MaskBrushTool eraser_;
  MaskFillTool fill_;
};

}  // namespace partedit::ui
