#pragma once
#include <QColor>
#include <QImage>
#include <QVector>

namespace partedit::ui {

struct ContactSheetLayout {
  int tileSide = 128;       // the longer side of each tile, in pixels
  int gap = 4;              // between tiles and around the sheet
  int firstStepNumber = 1;  // the label of the first mask ("Step 1")
  QColor background = QColor(40, 40, 40);
  QColor labelColour = QColor(230, 230, 230);
  QColor frameColour = QColor(96, 96, 96);  // 1 px around each tile, inside the gap
};

// Columns and rows of a near-square grid for `count` tiles (columns >= rows).
QSize contactSheetGrid(int count);

// One image of the per-step grey masks: a near-square grid of tiles with a thin gap, each
// labelled with its step number underneath. Masks of other sizes are scaled into the tile
// of the first mask's aspect ratio. An empty list gives a null image.
QImage makeMaskContactSheet(const QVector<QImage>& stepMasks, const ContactSheetLayout& layout = {});

}  // namespace partedit::ui
