// The fill tool's colour flood (training/colour_flood.h) against a naive breadth-first
// reference written here from the header's rule, on synthetic photos: pixel sets must be
// equal exactly. Also: the painter's Fill floods the photo's region (not the mask's), the
// right button gives it back, each click is one undo step, and a 1024² flood is fast.
#include <QtTest>

#include <QElapsedTimer>
#include <QPainter>
#include <QRandomGenerator>
#include <QSpinBox>
#include <QUndoStack>

#include <algorithm>
#include <cstdlib>
#include <deque>
#include <limits>

#include "support/test_registry.h"
#include "ui/training/colour_flood.h"
#include "ui/training/mask_document.h"
#include "ui/training/mask_painter.h"
#include "ui/training/mask_tool_bar.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_colour_flood {

using namespace partedit::ui;

namespace {

// The header's rule, written out: each channel within tolerance · 255 / 100 of the seed's.
bool naiveMatch(QRgb c, QRgb seed, int tolerance) {
  const int channels[4][2] = {{qRed(c), qRed(seed)}, {qGreen(c), qGreen(seed)}, {qBlue(c), qBlue(seed)}, {qAlpha(c), qAlpha(seed)}};
  for (const auto& pair : channels)
    if (std::abs(pair[0] - pair[1]) * 100 > tolerance * 255) return false;
  return true;
}

// Breadth first over 4-neighbours, one pixel at a time, with pixel() lookups: slow and plain.
QImage referenceRegion(const QImage& image, QPoint seed, int tolerance) {
  QImage region(image.size(), QImage::Format_Grayscale8);
  region.fill(0);
  const QRgb seedColour = image.pixel(seed);
  std::deque<QPoint> queue{seed};
  region.scanLine(seed.y())[seed.x()] = 255;
  while (!queue.empty()) {
    const QPoint p = queue.front();
    queue.pop_front();
    for (const QPoint step : {QPoint(1, 0), QPoint(-1, 0), QPoint(0, 1), QPoint(0, -1)}) {
      const QPoint n = p + step;
      if (!image.rect().contains(n) || region.constScanLine(n.y())[n.x()]) continue;
      if (!naiveMatch(image.pixel(n), seedColour, tolerance)) continue;
      region.scanLine(n.y())[n.x()] = 255;
      queue.push_back(n);
    }
  }
  return region;
}

QRect boundsOf(const QImage& region) {
  QRect bounds;
  for (int y = 0; y < region.height(); ++y)
    for (int x = 0; x < region.width(); ++x)
      if (region.constScanLine(y)[x]) bounds |= QRect(x, y, 1, 1);
  return bounds;
}

// A photo with what defeats simple fills: a noisy background, a gradient, a ring with a
// hole, a spiral corridor (long runs that turn back), one-pixel gaps, and a half-transparent
// patch.
QImage syntheticPhoto(QImage::Format format) {
  QImage image(160, 120, QImage::Format_ARGB32);
  QRandomGenerator random(7);
  for (int y = 0; y < image.height(); ++y) {
    QRgb* row = reinterpret_cast<QRgb*>(image.scanLine(y));
    for (int x = 0; x < image.width(); ++x) {
      const int noise = random.bounded(-9, 10);
      row[x] = qRgb(std::clamp(60 + noise, 0, 255), std::clamp(90 + noise / 2, 0, 255), std::clamp(120 - noise, 0, 255));
    }
  }
  QPainter p(&image);
  p.setRenderHint(QPainter::Antialiasing, true);  // soft edges: partial matches at the border
  p.setPen(QPen(QColor(230, 210, 40), 6));
  p.setBrush(Qt::NoBrush);
  p.drawEllipse(QPointF(40, 40), 25, 25);  // the ring
  QLinearGradient gradient(90, 0, 150, 0);
  gradient.setColorAt(0, QColor(200, 40, 40));
  gradient.setColorAt(1, QColor(40, 40, 200));
  p.setRenderHint(QPainter::Antialiasing, false);
  p.fillRect(QRect(90, 5, 60, 30), gradient);
  p.setPen(QPen(QColor(250, 250, 250), 1));
  for (int i = 0; i < 6; ++i) p.drawRect(QRect(80 + i * 6, 45 + i * 6, 70 - i * 12, 70 - i * 12));  // nested squares
  p.drawLine(10, 100, 70, 100);
  p.fillRect(QRect(20, 80, 30, 10), QColor(60, 90, 120, 128));  // half transparent
  p.end();
  image.setPixel(40, 100, qRgb(60, 90, 120));  // a one-pixel gap in the line
  return image.convertToFormat(format);
}

}  // namespace

class TestColourFlood : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void matchesTheNaiveReferenceExactly_data() {
    QTest::addColumn<int>("format");
    QTest::addColumn<QPoint>("seed");
    QTest::addColumn<int>("tolerance");
    const QPoint seeds[] = {{2, 2}, {40, 40}, {40, 15}, {100, 20}, {115, 80}, {85, 50}, {30, 85}, {159, 119}};
    const int tolerances[] = {0, 3, 8, 12, 30, 100};
    for (const QImage::Format format : {QImage::Format_RGB32, QImage::Format_ARGB32, QImage::Format_ARGB32_Premultiplied,
                                        QImage::Format_RGB888})
      for (const QPoint seed : seeds)
        for (const int tolerance : tolerances)
          QTest::addRow("format %d at %d,%d, %d %%", int(format), seed.x(), seed.y(), tolerance)
              << int(format) << seed << tolerance;
  }
  void matchesTheNaiveReferenceExactly() {
    QFETCH(int, format);
    QFETCH(QPoint, seed);
    QFETCH(int, tolerance);
    const QImage photo = syntheticPhoto(QImage::Format(format));
    // The reference reads colours as the flood does: as stored for the 32-bit layouts.
    QImage asStored = photo.depth() == 32 ? photo.copy() : photo.convertToFormat(QImage::Format_ARGB32);
    QVERIFY(asStored.reinterpretAsFormat(QImage::Format_ARGB32));
    const QImage expected = referenceRegion(asStored, seed, tolerance);
    const PixelRegion region = colourFloodRegion(photo, seed, tolerance);
    QCOMPARE(region.pixels.format(), QImage::Format_Grayscale8);
    QCOMPARE(region.pixels, expected);
    QCOMPARE(region.bounds, boundsOf(expected));
  }

  void toleranceRuleAndEdges() {
    // 12 % allows a difference of 30 (12 · 255 / 100 = 30.6), not 31, in any one channel.
    QVERIFY(coloursMatch(qRgb(130, 100, 100), qRgb(100, 100, 100), 12));
    QVERIFY(!coloursMatch(qRgb(131, 100, 100), qRgb(100, 100, 100), 12));
    QVERIFY(!coloursMatch(qRgba(100, 100, 100, 200), qRgb(100, 100, 100), 12));
    QVERIFY(coloursMatch(qRgb(0, 0, 0), qRgb(255, 255, 255), 100));
    QVERIFY(colourFloodRegion(syntheticPhoto(QImage::Format_RGB32), QPoint(160, 0), 10).isEmpty());
    QVERIFY(colourFloodRegion(QImage(), QPoint(0, 0), 10).isEmpty());
    // At 0 % a flat colour floods exactly its own area.
    QImage flat(30, 20, QImage::Format_RGB32);
    flat.fill(QColor(10, 20, 30));
    flat.setPixel(5, 5, qRgb(10, 20, 31));
    const PixelRegion region = colourFloodRegion(flat, QPoint(0, 0), 0);
    QCOMPARE(region.bounds, flat.rect());
    QCOMPARE(region.pixels.constScanLine(5)[5], uchar(0));
    QCOMPARE(colourFloodRegion(flat, QPoint(0, 0), 1).pixels.constScanLine(5)[5], uchar(255));
  }

  // A whole 1024² photo flooded (the worst case: every pixel taken) in well under 100 ms.
  void floodsA1024PhotoQuickly() {
    QImage photo(1024, 1024, QImage::Format_RGB32);
    QRandomGenerator random(3);
    for (int y = 0; y < photo.height(); ++y) {
      QRgb* row = reinterpret_cast<QRgb*>(photo.scanLine(y));
      for (int x = 0; x < photo.width(); ++x) row[x] = qRgb(120 + random.bounded(8), 120, 120);  // grain
    }
    qint64 best = std::numeric_limits<qint64>::max();
    for (int attempt = 0; attempt < 3; ++attempt) {
      QElapsedTimer timer;
      timer.start();
      const PixelRegion region = colourFloodRegion(photo, QPoint(512, 512), 5);
      best = std::min(best, timer.elapsed());
      QCOMPARE(region.bounds, photo.rect());
    }
    qInfo("1024x1024 flood: %lld ms", best);
    QVERIFY2(best < 100, qPrintable(QString::number(best)));
  }

  // Through the painter: a click with Fill takes the photo's region under the cursor,
  // whatever the mask holds; the right button gives it back; each is one undo step.
  void painterFillsThePhotosRegion() {
    QImage photo(100, 100, QImage::Format_RGB32);
    photo.fill(QColor(30, 30, 30));
    QPainter p(&photo);
    p.fillRect(QRect(20, 20, 40, 30), QColor(200, 180, 60));  // the "part"
    p.fillRect(QRect(25, 25, 5, 5), QColor(205, 185, 62));     // a shade within the tolerance
    p.end();
    MaskPainter painter;
    MaskToolBar bar(&painter);
    painter.resize(200, 200);  // zoom 2, offset 0
    painter.show();
    QVERIFY(QTest::qWaitForWindowExposed(&painter));
    painter.setPhoto(photo);
    painter.fitToWindow();
    // A brush stroke elsewhere in the mask must not bound the fill (the old fill's region).
    painter.document()->beginStroke(MaskOp::Paint, 6.0, 1.0);
    painter.document()->strokeTo(QPointF(40, 5));
    painter.document()->strokeTo(QPointF(40, 95));
    painter.document()->endStroke();
    painter.setTool(MaskPainter::Tool::Fill);
    const auto& view = painter.viewTransform();
    QTest::mouseClick(&painter, Qt::LeftButton, Qt::NoModifier, view.mapToViewport(QPointF(50.5, 45.5)).toPoint());
    const QImage mask = painter.document()->mask();
    for (int y = 20; y < 50; ++y)
      for (int x = 20; x < 60; ++x) QCOMPARE(int(mask.constScanLine(y)[x]), 255);
    QCOMPARE(int(mask.constScanLine(10)[10]), 0);
    QCOMPARE(int(mask.constScanLine(60)[50]), 0);
    QCOMPARE(painter.undoStack()->count(), 2);
    // At 0 % the shaded square is another colour: a fill from it takes the square alone.
    bar.findChild<QSpinBox*>(QStringLiteral("fillTolerance"))->setValue(0);
    QCOMPARE(painter.fillTolerance(), 0);
    QTest::mouseClick(&painter, Qt::RightButton, Qt::NoModifier, view.mapToViewport(QPointF(26.5, 26.5)).toPoint());
    QCOMPARE(int(painter.document()->mask().constScanLine(27)[27]), 0);
    QCOMPARE(int(painter.document()->mask().constScanLine(35)[35]), 255);
    QCOMPARE(int(painter.document()->mask().constScanLine(22)[22]), 255);
    QCOMPARE(painter.undoStack()->count(), 3);
    painter.undoStack()->undo();
    painter.undoStack()->undo();
    QCOMPARE(int(painter.document()->mask().constScanLine(35)[35]), 0);
    QCOMPARE(int(painter.document()->mask().constScanLine(50)[40]), 255);  // the stroke stays
  }
};

PARTEDIT_TEST(TestColourFlood);
}  // namespace test_colour_flood
#include "test_colour_flood.moc"
