#pragma once
// The fill tool's region: a colour-similarity flood on the photo, as the bucket fill of
// Krita or GIMP selects it. From the seed pixel the region grows to 4-connected neighbours
// whose colour is close to the SEED's colour (not to the neighbour's, so a slow gradient
// does not leak across the whole photo):
//   a pixel matches when, for each of red, green, blue and alpha,
//   |channel − seed channel| · 100 ≤ tolerance · 255     (tolerance in percent, 0..100)
// so 0 % takes exactly the seed's colour and 100 % the whole connected image. Channels are
// compared as stored: straight for RGB32 / ARGB32, premultiplied for ARGB32_Premultiplied
// (the painter's own formats, no conversion per click); other formats are made ARGB32.
// Written as a scanline fill over a work list: no recursion, a 1024² photo in milliseconds.
#include <QImage>
#include <QPoint>
#include <QRect>

namespace partedit::ui {

struct PixelRegion {
  QImage pixels;  // Grayscale8 at the photo's size: 255 inside the region, 0 outside
  QRect bounds;   // the region's bounding box; empty when the region is
  bool isEmpty() const { return bounds.isEmpty(); }
};

inline constexpr int kDefaultFillTolerance = 12;  // percent: a flat area with its JPEG noise

// True when `colour` matches `seed` at `tolerancePercent` by the rule above.
bool coloursMatch(QRgb colour, QRgb seed, int tolerancePercent);

// The region reached from `seed`; empty when the seed lies outside the photo.
PixelRegion colourFloodRegion(const QImage& photo, const QPoint& seed, int tolerancePercent);

}  // namespace partedit::ui
