#pragma once
#include <QColor>
#include <QPointF>
#include <QRectF>
#include <QString>

class QPainter;

// Stateless painting pieces of the image canvas, kept apart so image_canvas.cpp stays about
// behaviour (events, transform, modes) rather than pixels.
namespace partedit::ui::canvas_painting {

// The neutral grey around the image: a fixed mid-dark tone so colours are judged against
// the same surround whatever the desktop theme.
inline QColor surroundColour() { return QColor(58, 58, 58); }

// Two close light greys in 8-px screen squares: visible under transparency, quiet enough
// not to compete with the artwork. Screen-space, so it does not swim while zooming.
void paintCheckerboard(QPainter& painter, const QRectF& area);

// The split-view divider: a light line with a dark edge (visible on any image) and a round
// grip in the middle of the visible part.
void paintDivider(QPainter& painter, double x, double top, double bottom);

// A small caption in a dark translucent pill; anchored left or right of `anchor` (top edge).
enum class LabelSide { LeftOfAnchor, RightOfAnchor };
void paintCaption(QPainter& painter, const QString& text, const QPointF& anchor, LabelSide side);

// The centred hint of the empty canvas, with a dashed rounded frame inviting a drop.
void paintPlaceholder(QPainter& painter, const QRectF& area, const QString& text, bool dropHighlighted);

}  // namespace partedit::ui::canvas_painting
