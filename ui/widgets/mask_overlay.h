#pragma once
#include <QColor>
#include <QImage>

class QPainter;
class QRectF;

namespace partedit::ui {

// The default mask colour: a saturated orange-red that reads on skin, sky and foliage alike.
inline QColor defaultMaskColour() { return QColor(255, 64, 16); }

// Any image as a single-channel mask (grey value = weight); null stays null.
QImage toGreyMask(const QImage& mask);

// The mask as the colour with alpha = mask value (premultiplied ARGB), at the mask's own size.
// Built once per mask update; painting it is then one scaled blit.
QImage maskTint(const QImage& greyMask, const QColor& colour);

// Paints a tint (from maskTint) over `target` at `opacity` (0..1), smoothly scaled: the mask
// is a soft weight field, never pixel data. Per pixel with m = mask / 255:
//   out = under * (1 - opacity * m) + colour * opacity * m.
// The canvas and the export both paint through this function, so screen and file agree.
void paintMaskTint(QPainter& painter, const QRectF& target, const QImage& tint, double opacity);

// A new image: `image` with the mask (any size, scaled to the image) composited over it.
// Keeps the image's size; the result is ARGB32 if the image has alpha, otherwise RGB32.
QImage composeMaskOverlay(const QImage& image, const QImage& greyMask, const QColor& colour, double opacity);

}  // namespace partedit::ui
