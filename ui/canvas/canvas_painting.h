#pragma once
#include <QColor>
#include <QImage>
#include <QPointF>
#include <QRectF>
#include <QString>

class QPainter;

// Stateless painting pieces of the image canvas and the mask painter, kept apart so their
// files stay about behaviour (events, transform, modes) rather than pixels.
namespace partedit::ui::canvas_painting {

// The image in a format that paints without a per-paint conversion (premultiplied ARGB or
// RGB32); null stays null.
QImage toPaintFormat(const QImage& image);

// Beyond this many device pixels per image pixel images are drawn with nearest-neighbour
// sampling: at high zoom the artist inspects individual pixels, and bilinear filtering would
// smear exactly the detail they zoomed in to see. Below it (and always when zoomed out)
// smooth sampling avoids the aliasing and uneven pixel widths of nearest at odd scales.
constexpr double kNearestAbovePixelScale = 2.0;
inline bool samplesSmoothly(double devicePixelsPerImagePixel) {
  return devicePixelsPerImagePixel <= kNearestAbovePixelScale;
}

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
