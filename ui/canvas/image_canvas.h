#pragma once
#include <QColor>
#include <QImage>
#include <QPoint>

#include "ui/canvas/canvas_view.h"
#include "ui/canvas/split_divider_tool.h"

class QMimeData;

namespace partedit::ui {

// Shows one image with zoom and pan, a checkerboard under transparency, the edit mask as a
// coloured overlay and a before/after comparison. Works on QImage only (no engine types).
// Zoom, pan and the pointer are the CanvasView's; its one tool drags the split divider.
class ImageCanvas : public CanvasView {
  Q_OBJECT
 public:
  enum class ComparisonMode {
    Off,     // the current image only
    Toggle,  // the comparison ("before") image while setShowingBefore(true)
    Split,   // before left of a draggable vertical divider, after right of it
  };
  Q_ENUM(ComparisonMode)

  explicit ImageCanvas(QWidget* parent = nullptr);

  // The image to show. logicalSize (default: the image's size) is the size the view lays out:
  // a per-step preview at latent resolution is stretched over the final image's area so the
  // view does not jump. The view fits the window on the first image and whenever the logical
  // size changes; otherwise zoom and pan are kept.
  void setImage(const QImage& image, const QSize& logicalSize = {});
  void clear();  // back to the empty state (placeholder, drop target)
  QImage image() const { return image_; }
  QSize logicalImageSize() const { return logicalSize_; }
  bool hasImage() const { return !image_.isNull(); }

  void setPlaceholderText(const QString& text);
  QString placeholderText() const { return placeholderText_; }

  // A grey mask of any size, stretched over the image (m = grey / 255). Cheap enough to call
  // every denoising step: one tint pass at the mask's size and a repaint, no layout.
  void setMask(const QImage& greyMask);
  void clearMask() { setMask(QImage()); }
  QImage mask() const { return mask_; }
  void setMaskColour(const QColor& colour);
  QColor maskColour() const { return maskColour_; }
  double maskOpacity() const { return maskOpacity_; }
  bool isMaskVisible() const { return maskVisible_; }

  // The "before" image for comparisons, stretched over the same area as the current image.
  void setComparisonImage(const QImage& before);
  QImage comparisonImage() const { return before_; }
  void setComparisonMode(ComparisonMode mode);
  ComparisonMode comparisonMode() const { return comparisonMode_; }
  bool isShowingBefore() const { return showingBefore_; }
  // In Toggle mode, holding this key (with the canvas focused) shows the before image, a
  // momentary compare; Qt::Key_unknown turns it off. Default: backslash.
  void setCompareHoldKey(int key) { compareHoldKey_ = key; }
  int compareHoldKey() const { return compareHoldKey_; }
  // The split divider as a fraction (0..1) of the image width: it stays on the same image
  // column while zooming and panning.
  void setSplitPosition(double fractionOfImageWidth);
  double splitPosition() const { return splitPosition_; }
  // Split mode with an image and a comparison image: the divider is on screen, at this x.
  bool isSplitShown() const;
  double splitDividerX() const;  // in viewport coordinates

 public Q_SLOTS:
  void setMaskOpacity(double opacity);  // 0..1
  void setMaskVisible(bool visible);
  void setShowingBefore(bool showing);  // used in Toggle mode (a held key or a checked action)

 Q_SIGNALS:
  // The logical image pixel under the cursor for the status bar; onImage is false when the
  // cursor is outside the image (or left the canvas).
  void cursorImagePositionChanged(QPoint imagePixel, bool onImage);
  void fileDropped(const QString& path);  // a local image file dropped on the canvas
  void splitPositionChanged(double fractionOfImageWidth);

 protected:
  void paintCanvas(QPainter& painter, const QRect& exposed) override;
  void pointerMoved(const QPointF& position) override;
  void keyPressEvent(QKeyEvent* event) override;
  void keyReleaseEvent(QKeyEvent* event) override;
  void focusOutEvent(QFocusEvent* event) override;
  void leaveEvent(QEvent* event) override;
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dragLeaveEvent(QDragLeaveEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private:
  void paintImage(QPainter& painter, const QImage& image, const QRectF& visibleArea) const;
  void paintSplitComparison(QPainter& painter, const QRectF& imageRect);
  static QString droppableImagePath(const QMimeData* mime);

  QImage image_;   // converted once to a fast-to-paint format
  QSize logicalSize_;
  bool isPreview_ = false;  // drawn at a size other than its own
  QImage before_;
  QImage mask_;
  QImage maskTint_;  // mask_ in maskColour_, alpha = mask
  QColor maskColour_;
  double maskOpacity_ = 0.5;
  bool maskVisible_ = true;
  ComparisonMode comparisonMode_ = ComparisonMode::Off;
  bool showingBefore_ = false;
  int compareHoldKey_ = Qt::Key_Backslash;
  double splitPosition_ = 0.5;
  QString placeholderText_;
  bool dropHighlighted_ = false;
  SplitDividerTool splitDivider_{*this};
};

}  // namespace partedit::ui
