#include "ui/widgets/mask_contact_sheet.h"

#include <QCoreApplication>
#include <QFont>
#include <QFontMetrics>
#include <QPainter>

#include <algorithm>
#include <cmath>

#include "ui/widgets/mask_overlay.h"

namespace partedit::ui {

QSize contactSheetGrid(int count) {
  if (count <= 0) return {0, 0};
  const int columns = static_cast<int>(std::ceil(std::sqrt(static_cast<double>(count))));
  const int rows = (count + columns - 1) / columns;
  return {columns, rows};
}

QImage makeMaskContactSheet(const QVector<QImage>& stepMasks, const ContactSheetLayout& layout) {
  if (stepMasks.isEmpty() || stepMasks.first().isNull()) return {};
  const QSize tile = stepMasks.first().size().scaled(layout.tileSide, layout.tileSide, Qt::KeepAspectRatio);
  // Labels scale with the tile so a big sheet stays legible and a small one uncluttered.
  QFont font;
  font.setPixelSize(std::max(9, layout.tileSide / 9));
  const int labelHeight = QFontMetrics(font).height() + 2;
  const QSize cell(tile.width(), tile.height() + labelHeight);
  const QSize grid = contactSheetGrid(stepMasks.size());

  QImage sheet(grid.width() * (cell.width() + layout.gap) + layout.gap,
               grid.height() * (cell.height() + layout.gap) + layout.gap, QImage::Format_RGB32);
  sheet.fill(layout.background);
  QPainter painter(&sheet);
  painter.setRenderHint(QPainter::SmoothPixmapTransform, true);
  painter.setRenderHint(QPainter::TextAntialiasing, true);
  painter.setFont(font);
  painter.setPen(layout.labelColour);
  for (int i = 0; i < stepMasks.size(); ++i) {
    const QPoint origin(layout.gap + (i % grid.width()) * (cell.width() + layout.gap),
                        layout.gap + (i / grid.width()) * (cell.height() + layout.gap));
    const QRect tileRect(origin, tile);
    // A thin frame in the gap: a near-black mask (an early step) must not merge with the sheet.
    painter.save();
    painter.setPen(layout.frameColour);
    painter.drawRect(tileRect.adjusted(-1, -1, 0, 0));
    painter.restore();
    painter.fillRect(tileRect, Qt::black);  // a missing mask reads as "nothing edited"
    if (!stepMasks[i].isNull()) painter.drawImage(tileRect, toGreyMask(stepMasks[i]));
    const QRect labelRect(origin.x(), tileRect.bottom() + 1, tile.width(), labelHeight);
    const QString label = QCoreApplication::translate("partedit::ui::MaskContactSheet", "Step %1")
                              .arg(layout.firstStepNumber + i);
    painter.drawText(labelRect, Qt::AlignCenter, label);
  }
  return sheet;
}

}  // namespace partedit::ui
