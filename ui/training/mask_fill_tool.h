#pragma once
#include "ui/canvas/canvas_tool.h"
#include "ui/training/colour_flood.h"
#include "ui/training/mask_document.h"

namespace partedit::ui {

// The fill of the mask painter, a bucket fill as in Krita or GIMP: a click floods the PHOTO's
// region of similar colour under the cursor (colour_flood.h, with the tool bar's tolerance)
// and makes it part; a right click makes it background. One undo step per click.
class MaskFillTool : public CanvasTool {
 public:
  // `photo` and `tolerancePercent` are the painter's, read at each click.
  MaskFillTool(MaskDocument& document, const QImage& photo, const int& tolerancePercent)
      : document_(document), photo_(photo), tolerance_(tolerancePercent) {}

  bool press(const CanvasPointer& pointer) override;
  std::optional<Qt::CursorShape> cursor(bool) const override { return Qt::CrossCursor; }

 private:
  MaskDocument& document_;
  const QImage& photo_;
  const int& tolerance_;
};

}  // namespace partedit::ui
