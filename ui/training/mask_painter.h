#pragma once
// Painting a part mask over its photo: the photo with the mask as a coloured overlay, zoom
// and pan as on the main canvas (the same CanvasTransform, wheel around the cursor, space- or
// middle-drag pan), and three tools. Left button uses the tool; right button does its
// opposite (Brush erases, Eraser paints, Fill fills with background), so correcting needs no
// tool switch. Keys: [ and ] brush size, B / E / F tools, space pan; Ctrl+Z / Ctrl+Shift+Z
// when no action of the window claims them. The pixels live in the MaskDocument.
#include <QColor>
#include <QImage>
#include <QPointF>
#include <QWidget>

#include "ui/canvas/canvas_transform.h"

class QUndoStack;

namespace partedit::ui {

class MaskDocument;

class MaskPainter : public QWidget {
  Q_OBJECT
 public:
  enum class Tool { Brush, Eraser, Fill };
  Q_ENUM(Tool)

  static constexpr double kZoomStep = 1.25;         // one wheel notch / zoomIn()
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
  double brushSize() const { return brushSize_; }   // diameter in image pixels
  double brushHardness() const { return hardness_; }  // 0..1, 1 = hard edge
  QColor overlayColour() const { return overlayColour_; }
  double overlayOpacity() const { return overlayOpacity_; }
  bool isOverlayVisible() const { return overlayVisible_; }

  double zoom() const { return transform_.zoom(); }
  const CanvasTransform& viewTransform() const { return transform_; }
  bool isFittedToWindow() const { return fitted_; }  // re-fits on resize until zoomed/panned

 public Q_SLOTS:
  void setTool(partedit::ui::MaskPainter::Tool tool);
  void setBrushSize(double diameter);
  void setBrushHardness(double hardness);
  void setOverlayColour(const QColor& colour);
  void setOverlayOpacity(double opacity);  // 0..1
  void setOverlayVisible(bool visible);
  void fitToWindow();
  void actualSize();
  void zoomIn();
  void zoomOut();

 Q_SIGNALS:
  // A finished edit: stroke released, fill, clear, invert, import, undo, redo, new photo.
  // Not sent for every mouse move of a stroke, so it can drive counts and saving.
  void maskChanged();
  void toolChanged(partedit::ui::MaskPainter::Tool tool);
  void brushSizeChanged(double diameter);
  void zoomChanged(double zoom);  // screen pixels per image pixel

 protected:
  void paintEvent(QPaintEvent* event) override;
  void resizeEvent(QResizeEvent* event) override;
  void wheelEvent(QWheelEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;
  void keyPressEvent(QKeyEvent* event) override;
  void keyReleaseEvent(QKeyEvent* event) override;
  void focusOutEvent(QFocusEvent* event) override;
  void leaveEvent(QEvent* event) override;

 private:
  void documentChanged(const QRect& imageRect);
  void rebuildTint(const QRect& imageRect);
  void drawImageArea(QPainter& painter, const QImage& image, const QRect& exposed) const;
  void paintBrushOutline(QPainter& painter) const;
  QRect viewportRect(const QRect& imageRect) const;
  QRect outlineRect() const;
  void moveHover(const QPointF& position, bool inside);
  void zoomAround(double factor, const QPointF& anchor);
  void viewChanged(double previousZoom);
  void finishStroke();
  void updateCursor();

  QImage photo_;  // in a fast-to-paint format
  MaskDocument* document_ = nullptr;
  QImage tint_;   // the mask in overlayColour_, alpha = mask, kept in step rect by rect
  QColor overlayColour_;
  double overlayOpacity_ = 0.5;
  bool overlayVisible_ = true;

  Tool tool_ = Tool::Brush;
  double brushSize_ = 40.0;
  double hardness_ = 1.0;  // hard by default: what is seen is what training gets

  CanvasTransform transform_;
  bool fitted_ = true;
  bool spaceHeld_ = false;
  bool panning_ = false;
  bool stroking_ = false;
  Qt::MouseButton strokeButton_ = Qt::NoButton;
  QPointF lastDragPosition_;
  QPointF hoverPosition_;
  bool hovering_ = false;
};

}  // namespace partedit::ui
