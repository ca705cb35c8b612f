// The mask model of the training wizard, checked pixel by pixel against naive reference
// loops written here from the rules in training/mask_document.h: the brush profile, strokes,
// the eraser, filling a region, undo/redo and the binary threshold.
#include <QtTest>

#include <QUndoStack>

#include <cmath>
#include <algorithm>

#include "support/test_registry.h"
#include "ui/training/mask_document.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_mask_document {

using partedit::ui::MaskDocument;
using partedit::ui::MaskOp;

namespace {

int value(const QImage& mask, int x, int y) { return mask.constScanLine(y)[x]; }

// The header's rule for a hard dab: pixel centre within the radius, or the pixel under the
// centre itself.
bool hardDabCovers(QPointF centre, double diameter, int x, int y) {
  const bool underCentre = x == static_cast<int>(std::floor(centre.x())) && y == static_cast<int>(std::floor(centre.y()));
  return underCentre || std::hypot(x + 0.5 - centre.x(), y + 0.5 - centre.y()) <= diameter / 2.0;
}

void dab(MaskDocument& document, QPointF centre, double diameter, double hardness, MaskOp op = MaskOp::Paint) {
  document.beginStroke(op, diameter, hardness);
  document.strokeTo(centre);
  document.endStroke();
}

// The region of every pixel whose value in `image` is at least `threshold`, as the fill
// tool hands it to the document (the flood itself is test_colour_flood's).
partedit::ui::PixelRegion regionAtLeast(const QImage& image, int threshold) {
  partedit::ui::PixelRegion region;
  region.pixels = QImage(image.size(), QImage::Format_Grayscale8);
  region.pixels.fill(0);
  for (int y = 0; y < image.height(); ++y)
    for (int x = 0; x < image.width(); ++x)
      if (value(image, x, y) >= threshold) {
        region.pixels.scanLine(y)[x] = 255;
        region.bounds |= QRect(x, y, 1, 1);
      }
  return region;
}

// A ring (part) with a hole, drawn directly: the fill must stay inside the ring.
QImage ringMask() {
  QImage mask(60, 50, QImage::Format_Grayscale8);
  mask.fill(0);
  for (int y = 0; y < mask.height(); ++y)
    for (int x = 0; x < mask.width(); ++x) {
      const double d = std::hypot(x - 30.0, y - 25.0);
      if (d >= 12 && d <= 15) mask.scanLine(y)[x] = 255;
    }
  mask.scanLine(25)[5] = 255;  // a stray part pixel outside the ring
  return mask;
}

}  // namespace

class TestMaskDocument : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void hardDabCoversExactlyTheRadius_data() {
    QTest::addColumn<QPointF>("centre");
    QTest::addColumn<double>("diameter");
    QTest::newRow("pixel centre, odd") << QPointF(20.5, 20.5) << 9.0;
    QTest::newRow("pixel corner, even") << QPointF(20.0, 20.0) << 10.0;
    QTest::newRow("anywhere") << QPointF(17.3, 22.8) << 13.7;
    QTest::newRow("one pixel on a corner") << QPointF(10.0, 10.0) << 1.0;
    QTest::newRow("clipped at the border") << QPointF(1.2, 38.9) << 12.0;
  }
  void hardDabCoversExactlyTheRadius() {
    QFETCH(QPointF, centre);
    QFETCH(double, diameter);
    MaskDocument document;
    document.reset(QSize(40, 40));
    dab(document, centre, diameter, 1.0);
    int covered = 0;
    for (int y = 0; y < 40; ++y)
      for (int x = 0; x < 40; ++x) {
        const int expected = hardDabCovers(centre, diameter, x, y) ? 255 : 0;
        covered += expected != 0;
        QVERIFY2(value(document.mask(), x, y) == expected,
                 qPrintable(QStringLiteral("pixel (%1, %2): %3, expected %4").arg(x).arg(y).arg(value(document.mask(), x, y)).arg(expected)));
      }
    QVERIFY(covered > 0);
  }

  void softHardnessFallsOffMonotonically() {
    MaskDocument document;
    document.reset(QSize(80, 40));
    const double diameter = 40.0;
    dab(document, QPointF(40.5, 20.5), diameter, 0.25);
    QCOMPARE(value(document.mask(), 40, 20), 255);
    int previous = 255;
    bool sawPartial = false;
    for (int x = 40; x < 80; ++x) {
      const int v = value(document.mask(), x, 20);
      QVERIFY2(v <= previous, qPrintable(QStringLiteral("x %1: %2 after %3").arg(x).arg(v).arg(previous)));
      sawPartial |= v > 0 && v < 255;
      previous = v;
    }
    QVERIFY(sawPartial);
    QCOMPARE(value(document.mask(), 40 + 21, 20), 0);  // beyond the radius
    // The hard core (radius h·r = 5) is full.
    QCOMPARE(value(document.mask(), 40 + 4, 20), 255);
    // The binary edge is at r·(1 + h)/2 = 12.5: 12 px out is part, 13 px out is not.
    const QImage binary = document.binaryMask();
    QCOMPARE(value(binary, 40 + 12, 20), 255);
    QCOMPARE(value(binary, 40 + 13, 20), 0);
  }

  void fastStrokeIsContinuous() {
    MaskDocument document;
    document.reset(QSize(120, 20));
    document.beginStroke(MaskOp::Paint, 3.0, 1.0);
    document.strokeTo(QPointF(0, 0));
    document.strokeTo(QPointF(100, 0));  // one mouse event: a very fast drag
    document.endStroke();
    for (int x = 0; x <= 100; ++x) QVERIFY2(value(document.mask(), x, 0) == 255, qPrintable(QString::number(x)));
    QCOMPARE(value(document.mask(), 102, 0), 0);  // the cap ends at the radius
    QCOMPARE(value(document.mask(), 50, 2), 0);
    // A diagonal thin stroke is 8-connected: no row it crosses is left empty.
    document.reset(QSize(120, 120));
    document.beginStroke(MaskOp::Paint, 1.0, 1.0);
    document.strokeTo(QPointF(3.7, 2.2));
    document.strokeTo(QPointF(97.1, 61.9));
    document.endStroke();
    for (int y = 3; y < 61; ++y) {
      int count = 0;
      for (int x = 0; x < 120; ++x) count += value(document.mask(), x, y) == 255;
      QVERIFY2(count > 0, qPrintable(QString::number(y)));
    }
  }

  void eraserRemovesCoverage() {
    MaskDocument document;
    document.reset(QSize(50, 50));
    QImage full(50, 50, QImage::Format_Grayscale8);
    full.fill(255);
    QVERIFY(document.setMask(full));
    dab(document, QPointF(25.5, 25.5), 11.0, 1.0, MaskOp::Erase);
    for (int y = 0; y < 50; ++y)
      for (int x = 0; x < 50; ++x)
        QCOMPARE(value(document.mask(), x, y), hardDabCovers(QPointF(25.5, 25.5), 11.0, x, y) ? 0 : 255);
    // A soft eraser never raises a value: min(old, 255 - coverage).
    document.reset(QSize(50, 50));
    dab(document, QPointF(10.5, 10.5), 6.0, 1.0);
    const QImage before = document.mask().copy();
    dab(document, QPointF(30.5, 30.5), 20.0, 0.0, MaskOp::Erase);
    for (int y = 0; y < 50; ++y)
      for (int x = 0; x < 50; ++x) QVERIFY(value(document.mask(), x, y) <= value(before, x, y));
  }

  void fillRegionSetsExactlyItsPixels() {
    MaskDocument document;
    QImage soft(20, 10, QImage::Format_Grayscale8);
    for (int y = 0; y < 10; ++y)
      for (int x = 0; x < 20; ++x) soft.scanLine(y)[x] = static_cast<uchar>(x * 12);  // soft values, 0..228
    QVERIFY(document.reset(soft.size(), soft));
    const auto region = regionAtLeast(ringMask().copy(20, 15, 20, 10), 128);  // a piece of the ring
    QVERIFY(!region.isEmpty());
    QVERIFY(document.fillRegion(region, MaskOp::Paint));
    for (int y = 0; y < 10; ++y)
      for (int x = 0; x < 20; ++x)
        QCOMPARE(value(document.mask(), x, y), value(region.pixels, x, y) ? 255 : value(soft, x, y));
    QCOMPARE(document.undoStack()->count(), 1);
    QVERIFY(!document.fillRegion(region, MaskOp::Paint));  // nothing left to change: no step
    QCOMPARE(document.undoStack()->count(), 1);
    QVERIFY(document.fillRegion(region, MaskOp::Erase));
    for (int y = 0; y < 10; ++y)
      for (int x = 0; x < 20; ++x)
        QCOMPARE(value(document.mask(), x, y), value(region.pixels, x, y) ? 0 : value(soft, x, y));
    document.undoStack()->undo();
    document.undoStack()->undo();
    QCOMPARE(document.mask(), soft);
    // A region of another size (a photo that is not this mask's) changes nothing.
    QVERIFY(!document.fillRegion(regionAtLeast(ringMask(), 128), MaskOp::Paint));
  }

  void undoRedoRestoreExactPixels() {
    MaskDocument document;
    document.reset(QSize(64, 48));
    QVector<QImage> states{document.mask().copy()};
    document.beginStroke(MaskOp::Paint, 12.0, 0.4);
    for (int i = 0; i <= 20; ++i) document.strokeTo(QPointF(5 + i * 2.5, 10 + i * 1.3));
    document.endStroke();
    states.append(document.mask().copy());
    QImage corner(64, 48, QImage::Format_Grayscale8);
    corner.fill(0);
    for (int y = 30; y < 48; ++y) std::fill(corner.scanLine(y) + 40, corner.scanLine(y) + 64, uchar(255));
    QVERIFY(document.fillRegion(regionAtLeast(corner, 128), MaskOp::Paint));
    states.append(document.mask().copy());
    dab(document, QPointF(30, 30), 16.0, 0.0, MaskOp::Erase);
    states.append(document.mask().copy());
    QVERIFY(document.invert());
    states.append(document.mask().copy());
    QVERIFY(document.clear());
    states.append(document.mask().copy());
    QCOMPARE(document.undoStack()->count(), states.size() - 1);
    for (int i = states.size() - 2; i >= 0; --i) {
      document.undoStack()->undo();
      QVERIFY2(document.mask() == states[i], qPrintable(QStringLiteral("undo to state %1").arg(i)));
    }
    for (int i = 1; i < states.size(); ++i) {
      document.undoStack()->redo();
      QVERIFY2(document.mask() == states[i], qPrintable(QStringLiteral("redo to state %1").arg(i)));
    }
  }

  void oneUndoStepPerStroke() {
    MaskDocument document;
    document.reset(QSize(100, 100));
    QSignalSpy changed(&document, &MaskDocument::changed);
    document.beginStroke(MaskOp::Paint, 8.0, 1.0);
    for (int i = 0; i < 30; ++i) document.strokeTo(QPointF(10 + i * 2, 50));
    QCOMPARE(document.undoStack()->count(), 0);  // nothing pushed while the button is down
    QVERIFY(changed.count() >= 30);               // but the view heard of every segment
    document.endStroke();
    QCOMPARE(document.undoStack()->count(), 1);
    // A stroke entirely over solid part changes nothing: no step.
    document.beginStroke(MaskOp::Paint, 4.0, 1.0);
    document.strokeTo(QPointF(40, 50));
    document.endStroke();
    QCOMPARE(document.undoStack()->count(), 1);
    // The step holds only the changed rectangle, not the whole image.
    document.undoStack()->undo();
    QCOMPARE(document.partPixelCount(), 0);
  }

  void undoDuringStrokeTakesTheStrokeBack() {
    MaskDocument document;
    document.reset(QSize(40, 40));
    dab(document, QPointF(10, 10), 6.0, 1.0);
    const QImage afterFirst = document.mask().copy();
    document.beginStroke(MaskOp::Paint, 6.0, 1.0);
    document.strokeTo(QPointF(30, 30));
    document.undoStack()->undo();  // a shortcut pressed mid-drag
    QVERIFY(!document.isStroking());
    QCOMPARE(document.partPixelCount(), 0);
    document.undoStack()->redo();
    QCOMPARE(document.mask(), afterFirst);
  }

  void binaryMaskThresholdsAtHalf() {
    QImage mask(4, 1, QImage::Format_Grayscale8);
    const uchar values[] = {0, 127, 128, 255};
    for (int x = 0; x < 4; ++x) mask.scanLine(0)[x] = values[x];
    MaskDocument document;
    QVERIFY(document.reset(mask.size(), mask));
    const QImage binary = document.binaryMask();
    QCOMPARE(binary.format(), QImage::Format_Grayscale8);
    QCOMPARE(value(binary, 0, 0), 0);
    QCOMPARE(value(binary, 1, 0), 0);
    QCOMPARE(value(binary, 2, 0), 255);
    QCOMPARE(value(binary, 3, 0), 255);
    QCOMPARE(document.partPixelCount(), 2);
  }

  void resetRefusesAMaskOfAnotherSize() {
    MaskDocument document;
    QImage wrong(10, 10, QImage::Format_Grayscale8);
    wrong.fill(255);
    QVERIFY(!document.reset(QSize(20, 10), wrong));
    QCOMPARE(document.size(), QSize(20, 10));
    QCOMPARE(document.partPixelCount(), 0);
    QVERIFY(!document.setMask(wrong));
    QCOMPARE(document.undoStack()->count(), 0);
  }
};

PARTEDIT_TEST(TestMaskDocument);
}  // namespace test_mask_document
#include "test_mask_document.moc"
