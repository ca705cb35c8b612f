#include "ui/canvas/canvas_painting.h"

#include <QFontMetricsF>
#include <QPainter>
#include <QPainterPath>
#include <QPixmap>

namespace partedit::ui::canvas_painting {

namespace {
constexpr int kCheckerSquare = 8;

const QPixmap& checkerTile() {
  static const QPixmap tile = [] {
    QPixmap pixmap(2 * kCheckerSquare, 2 * kCheckerSquare);
    pixmap.fill(QColor(204, 204, 204));
    QPainter painter(&pixmap);
    const QColor darker(170, 170, 170);
    painter.fillRect(0, 0, kCheckerSquare, kCheckerSquare, darker);
    painter.fillRect(kCheckerSquare, kCheckerSquare, kCheckerSquare, kCheckerSquare, darker);
    return pixmap;
  }();
  return tile;
}
}  // namespace

QImage toPaintFormat(const QImage& image) {
  if (image.isNull()) return image;
  return image.convertToFormat(image.hasAlphaChannel() ? QImage::Format_ARGB32_Premultiplied
                                                       : QImage::Format_RGB32);
}

void paintCheckerboard(QPainter& painter, const QRectF& area) {
  painter.save();
  painter.setBrushOrigin(0, 0);
  painter.fillRect(area, QBrush(checkerTile()));
  painter.restore();
}

void paintDivider(QPainter& painter, double x, double top, double bottom) {
  painter.save();
  painter.setRenderHint(QPainter::Antialiasing, true);
  painter.setPen(QPen(QColor(0, 0, 0, 140), 4.0));
  painter.drawLine(QPointF(x, top), QPointF(x, bottom));
  painter.setPen(QPen(QColor(255, 255, 255, 235), 2.0));
  painter.drawLine(QPointF(x, top), QPointF(x, bottom));
  const QPointF grip(x, (top + bottom) / 2.0);
  painter.setPen(QPen(QColor(0, 0, 0, 140), 1.5));
  painter.setBrush(QColor(255, 255, 255, 235));
  painter.drawEllipse(grip, 9.0, 9.0);
  // Two small arrows: the grip moves sideways.
  painter.setPen(QPen(QColor(60, 60, 60), 1.5));
  painter.drawLine(grip + QPointF(-5, 0), grip + QPointF(-2, -3));
  painter.drawLine(grip + QPointF(-5, 0), grip + QPointF(-2, 3));
  painter.drawLine(grip + QPointF(5, 0), grip + QPointF(2, -3));
  painter.drawLine(grip + QPointF(5, 0), grip + QPointF(2, 3));
  painter.restore();
}

void paintCaption(QPainter& painter, const QString& text, const QPointF& anchor, LabelSide side) {
  painter.save();
  painter.setRenderHint(QPainter::Antialiasing, true);
  QFont font = painter.font();
  font.setBold(true);
  painter.setFont(font);
  const QFontMetricsF metrics(font);
  const QSizeF size(metrics.horizontalAdvance(text) + 16.0, metrics.height() + 6.0);
  const double left = side == LabelSide::LeftOfAnchor ? anchor.x() - size.width() : anchor.x();
  const QRectF pill(QPointF(left, anchor.y()), size);
  painter.setPen(Qt::NoPen);
  painter.setBrush(QColor(0, 0, 0, 150));
  painter.drawRoundedRect(pill, size.height() / 2.0, size.height() / 2.0);
  painter.setPen(QColor(255, 255, 255));
  painter.drawText(pill, Qt::AlignCenter, text);
  painter.restore();
}

void paintPlaceholder(QPainter& painter, const QRectF& area, const QString& text, bool dropHighlighted) {
  painter.save();
  painter.setRenderHint(QPainter::Antialiasing, true);
  const QRectF frame = area.adjusted(24, 24, -24, -24);
  if (frame.width() > 40 && frame.height() > 40) {
    QPen pen(dropHighlighted ? QColor(255, 160, 90) : QColor(120, 120, 120), dropHighlighted ? 3.0 : 2.0);
    pen.setStyle(Qt::DashLine);
    painter.setPen(pen);
    painter.setBrush(dropHighlighted ? QColor(255, 160, 90, 30) : QColor(Qt::transparent));
    painter.drawRoundedRect(frame, 14, 14);
  }
  QFont font = painter.font();
  font.setPointSizeF(font.pointSizeF() * 1.25);
  painter.setFont(font);
  painter.setPen(QColor(200, 200, 200));
  painter.drawText(frame.adjusted(16, 16, -16, -16), Qt::AlignCenter | Qt::TextWordWrap, text);
  painter.restore();
}

}  // namespace partedit::ui::canvas_painting
