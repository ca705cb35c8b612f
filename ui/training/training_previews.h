#pragma once
// The training wizard's small pictures: an image with its painted mask for the lists, and a
// validation's image with the token's current map over it as a soft tint and the painted
// mask's edge as a thin line, so the artist sees at a glance where the token looks and
// where it should.
#include <QImage>

namespace partedit::ui {

// `map` and `paintedMask`: Grayscale8 at any size (scaled to the photo); a null mask draws no line.
QImage validationPreview(const QImage& photo, const QImage& map, const QImage& paintedMask);

// `photo` with `mask` (may be null) as the overlay, fitted into side × side.
QImage maskedThumbnail(const QImage& photo, const QImage& mask, int side);

}  // namespace partedit::ui
