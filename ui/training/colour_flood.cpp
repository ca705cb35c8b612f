#include "ui/training/colour_flood.h"

#include <algorithm>
#include <cstdlib>
#include <vector>

namespace partedit::ui {

namespace {

bool channelWithin(int a, int b, int tolerancePercent) { return std::abs(a - b) * 100 <= tolerancePercent * 255; }

// The largest channel difference the tolerance allows, so the inner loop compares integers.
int allowedDifference(int tolerancePercent) { return tolerancePercent * 255 / 100; }

bool isRgb32Layout(QImage::Format format) {
  return format == QImage::Format_RGB32 || format == QImage::Format_ARGB32 ||
         format == QImage::Format_ARGB32_Premultiplied;
}

}  // namespace

bool coloursMatch(QRgb colour, QRgb seed, int tolerancePercent) {
  const int t = std::clamp(tolerancePercent, 0, 100);
  return channelWithin(qRed(colour), qRed(seed), t) && channelWithin(qGreen(colour), qGreen(seed), t) &&
         channelWithin(qBlue(colour), qBlue(seed), t) && channelWithin(qAlpha(colour), qAlpha(seed), t);
}

PixelRegion colourFloodRegion(const QImage& photo, const QPoint& seed, int tolerancePercent) {
  PixelRegion region;
  if (photo.isNull() || !photo.rect().contains(seed)) return region;
  const QImage image = isRgb32Layout(photo.format()) ? photo : photo.convertToFormat(QImage::Format_ARGB32);
  const int width = image.width(), height = image.height();
  // |d| · 100 ≤ t · 255 ⇔ |d| ≤ ⌊t · 255 / 100⌋ for integer d.
  const int allowed = allowedDifference(std::clamp(tolerancePercent, 0, 100));
  const QRgb seedColour = reinterpret_cast<const QRgb*>(image.constScanLine(seed.y()))[seed.x()];
  const int seedR = qRed(seedColour), seedG = qGreen(seedColour), seedB = qBlue(seedColour), seedA = qAlpha(seedColour);
  const bool opaque = image.format() == QImage::Format_RGB32;  // alpha is 0xff everywhere
  auto matches = [&](QRgb c) {
    return std::abs(qRed(c) - seedR) <= allowed && std::abs(qGreen(c) - seedG) <= allowed &&
           std::abs(qBlue(c) - seedB) <= allowed && (opaque || std::abs(qAlpha(c) - seedA) <= allowed);
  };

  region.pixels = QImage(image.size(), QImage::Format_Grayscale8);
  region.pixels.fill(0);
  std::vector<QPoint> pending{seed};
  int left = seed.x(), right = seed.x(), top = seed.y(), bottom = seed.y();
  while (!pending.empty()) {
    const QPoint start = pending.back();
    pending.pop_back();
    uchar* taken = region.pixels.scanLine(start.y());
    if (taken[start.x()]) continue;
    const QRgb* colours = reinterpret_cast<const QRgb*>(image.constScanLine(start.y()));
    // The seed of a run always matches: it was tested when it was queued.
    int x0 = start.x(), x1 = start.x();
    while (x0 > 0 && !taken[x0 - 1] && matches(colours[x0 - 1])) --x0;
    while (x1 < width - 1 && !taken[x1 + 1] && matches(colours[x1 + 1])) ++x1;
    std::fill(taken + x0, taken + x1 + 1, uchar(255));
    left = std::min(left, x0);
    right = std::max(right, x1);
    top = std::min(top, start.y());
    bottom = std::max(bottom, start.y());
    for (const int y : {start.y() - 1, start.y() + 1}) {
      if (y < 0 || y >= height) continue;
      const uchar* neighbourTaken = region.pixels.constScanLine(y);
      const QRgb* neighbourColours = reinterpret_cast<const QRgb*>(image.constScanLine(y));
      bool inRun = false;  // one work item per run of open pixels
      for (int x = x0; x <= x1; ++x) {
        const bool open = !neighbourTaken[x] && matches(neighbourColours[x]);
        if (open && !inRun) pending.emplace_back(x, y);
        inRun = open;
      }
    }
  }
  region.bounds = QRect(QPoint(left, top), QPoint(right, bottom));
  return region;
}

}  // namespace partedit::ui
