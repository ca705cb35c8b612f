// The mask painter driven by simulated mouse, wheel and key events, offscreen: strokes land
// where the view transform says (at a zoom other than 1 and with an offset), the wheel zooms
// around the cursor, tools and shortcuts work, one stroke is one undo step, and the overlay is
// drawn over the photo. Set PARTEDIT_SCREENSHOT_DIR to keep the render (mask-painter.png).
// Tolerance: the overlay goes through 8-bit painter blending, a few levels per channel.
#include <QtTest>

#include <QUndoStack>
#include <QWheelEvent>

#include <cmath>

#include "support/test_registry.h"
#include "ui/training/mask_document.h"
#include "ui/training/mask_painter.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_mask_painter {

using partedit::ui::MaskDocument;
using partedit::ui::MaskOp;
using partedit::ui::MaskPainter;

namespace {

QImage solid(QSize size, QColor colour) {
  QImage image(size, QImage::Format_RGB32);
  image.fill(colour);
  return image;
}

void showPainter(MaskPainter& painter, QSize size) {
  painter.resize(size);
  painter.show();
  QVERIFY(QTest::qWaitForWindowExposed(&painter));
}

void sendWheel(QWidget& widget, QPointF position, int angle) {
  QWheelEvent event(position, widget.mapToGlobal(position), QPoint(), QPoint(0, angle), Qt::NoButton,
                    Qt::NoModifier, Qt::NoScrollPhase, false);
  QCoreApplication::sendEvent(&widget, &event);
}

int maskValue(const MaskPainter& painter, QPointF imagePoint) {
  const QImage& mask = painter.document()->mask();
  return mask.constScanLine(static_cast<int>(std::floor(imagePoint.y())))[static_cast<int>(std::floor(imagePoint.x()))];
}

bool near(const QColor& a, const QColor& b, int tolerance) {
  return std::abs(a.red() - b.red()) <= tolerance && std::abs(a.green() - b.green()) <= tolerance &&
         std::abs(a.blue() - b.blue()) <= tolerance;
}

}  // namespace

class TestMaskPainter : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void strokeLandsThroughTheTransform() {
    MaskPainter painter;
    showPainter(painter, QSize(400, 300));
    QVERIFY(painter.setPhoto(solid(QSize(200, 150), QColor(0, 0, 255))));
    sendWheel(painter, QPointF(130, 90), 120);  // zoom 2 (fit) -> 2.5, off-centre
    QCOMPARE(painter.zoom(), 2.5);
    QVERIFY(painter.viewTransform().offset() != QPointF(0, 0));
    painter.setTool(MaskPainter::Tool::Brush);
    painter.setBrushSize(6.0);
    painter.setBrushHardness(1.0);
    painter.setOverlayColour(QColor(255, 0, 0));
    painter.setOverlayOpacity(0.5);
    QSignalSpy finished(&painter, &MaskPainter::maskChanged);

    const QPoint from(120, 100), to(260, 180);
    QTest::mousePress(&painter, Qt::LeftButton, Qt::NoModifier, from);
    QTest::mouseMove(&painter, QPoint(190, 140));
    QTest::mouseMove(&painter, to);
    QCOMPARE(finished.count(), 0);  // not while the button is down
    QTest::mouseRelease(&painter, Qt::LeftButton, Qt::NoModifier, to);
    QCOMPARE(finished.count(), 1);

    // The same stroke given in image coordinates to a bare document gives the same pixels.
    const auto& view = painter.viewTransform();
    MaskDocument reference;
    reference.reset(QSize(200, 150));
    reference.beginStroke(MaskOp::Paint, 6.0, 1.0);
    for (const QPoint p : {from, QPoint(190, 140), to}) reference.strokeTo(view.mapToImage(QPointF(p)));
    reference.endStroke();
    QCOMPARE(painter.document()->mask(), reference.mask());
    QCOMPARE(maskValue(painter, view.mapToImage(QPointF(from))), 255);
    QCOMPARE(maskValue(painter, view.mapToImage(QPointF(to))), 255);
    QCOMPARE(maskValue(painter, view.mapToImage(QPointF(to + QPoint(0, 40)))), 0);

    // The overlay: red at 50 % over blue where painted, the photo elsewhere.
    const QImage shot = painter.grab().toImage();
    if (const QString dir = qEnvironmentVariable("PARTEDIT_SCREENSHOT_DIR"); !dir.isEmpty())
      shot.save(dir + QStringLiteral("/mask-painter.png"));
    const QColor painted = shot.pixelColor(QPoint(190, 140));
    QVERIFY2(near(painted, QColor(128, 0, 127), 3), qPrintable(painted.name()));
    QCOMPARE(shot.pixelColor(QPoint(190, 200)), QColor(0, 0, 255));
    painter.setOverlayVisible(false);
    QCOMPARE(painter.grab().toImage().pixelColor(QPoint(190, 140)), QColor(0, 0, 255));
  }

  void wheelZoomKeepsThePointUnderTheCursor() {
    MaskPainter painter;
    showPainter(painter, QSize(400, 300));
    painter.setPhoto(solid(QSize(640, 480), Qt::gray));
    const QPointF cursor(93, 211);
    const QPointF under = painter.viewTransform().mapToImage(cursor);
    const double before = painter.zoom();
    QSignalSpy zoomed(&painter, &MaskPainter::zoomChanged);
    sendWheel(painter, cursor, 240);
    QCOMPARE(zoomed.count(), 1);
    QVERIFY(std::abs(painter.zoom() - before * 1.25 * 1.25) < 1e-9);
    const QPointF after = painter.viewTransform().mapToImage(cursor);
    QVERIFY2(std::hypot(after.x() - under.x(), after.y() - under.y()) < 1e-6,
             qPrintable(QStringLiteral("(%1, %2) -> (%3, %4)").arg(under.x()).arg(under.y()).arg(after.x()).arg(after.y())));
    sendWheel(painter, cursor, -240);
    QVERIFY(std::abs(painter.zoom() - before) < 1e-9);
    QVERIFY(!painter.isFittedToWindow());
    painter.fitToWindow();
    QVERIFY(painter.isFittedToWindow());
  }

  void undoAfterAStroke() {
    MaskPainter painter;
    showPainter(painter, QSize(300, 300));
    painter.setPhoto(solid(QSize(100, 100), Qt::white));
    painter.setBrushSize(10.0);
    QTest::mousePress(&painter, Qt::LeftButton, Qt::NoModifier, QPoint(100, 100));
    for (int x = 110; x <= 200; x += 10) QTest::mouseMove(&painter, QPoint(x, 150));
    QTest::mouseRelease(&painter, Qt::LeftButton, Qt::NoModifier, QPoint(200, 150));
    QCOMPARE(painter.undoStack()->count(), 1);
    QVERIFY(painter.document()->partPixelCount() > 0);
    QSignalSpy changed(&painter, &MaskPainter::maskChanged);
    painter.setFocus();
    QTest::keyClick(&painter, Qt::Key_Z, Qt::ControlModifier);
    QCOMPARE(painter.document()->partPixelCount(), 0);
    QCOMPARE(changed.count(), 1);
    painter.undoStack()->redo();
    QVERIFY(painter.document()->partPixelCount() > 0);
  }

  void rightButtonAndToolsAndKeys() {
    MaskPainter painter;
    showPainter(painter, QSize(200, 200));
    painter.setPhoto(solid(QSize(100, 100), Qt::white));  // zoom 2, offset 0
    painter.setFocus();
    QTest::keyClick(&painter, Qt::Key_F);
    QCOMPARE(painter.tool(), MaskPainter::Tool::Fill);
    QTest::mouseClick(&painter, Qt::LeftButton, Qt::NoModifier, QPoint(50, 50));
    QCOMPARE(painter.document()->partPixelCount(), 100 * 100);  // the empty mask filled
    QTest::keyClick(&painter, Qt::Key_B);
    QCOMPARE(painter.tool(), MaskPainter::Tool::Brush);
    painter.setBrushSize(10.0);
    QTest::mouseClick(&painter, Qt::RightButton, Qt::NoModifier, QPoint(100, 100));  // brush's opposite
    QCOMPARE(maskValue(painter, QPointF(50, 50)), 0);
    QCOMPARE(maskValue(painter, QPointF(10, 10)), 255);
    QCOMPARE(painter.undoStack()->count(), 2);
    // Brush size keys: ] grows, [ shrinks, at least 1 px per press.
    QTest::keyClick(&painter, Qt::Key_BracketRight);
    QCOMPARE(painter.brushSize(), 12.0);
    QTest::keyClick(&painter, Qt::Key_BracketLeft);
    QTest::keyClick(&painter, Qt::Key_BracketLeft);
    QVERIFY(painter.brushSize() < 10.0);
    painter.setBrushSize(1.0);
    QTest::keyClick(&painter, Qt::Key_BracketLeft);
    QCOMPARE(painter.brushSize(), MaskPainter::kMinBrushSize);
  }

  void spaceDragPansWithoutPainting() {
    MaskPainter painter;
    showPainter(painter, QSize(200, 200));
    painter.setPhoto(solid(QSize(400, 400), Qt::white));
    painter.actualSize();
    painter.setFocus();
    const QPointF offset = painter.viewTransform().offset();
    QTest::keyPress(&painter, Qt::Key_Space);
    QTest::mousePress(&painter, Qt::LeftButton, Qt::NoModifier, QPoint(100, 100));
    QTest::mouseMove(&painter, QPoint(130, 110));
    QTest::mouseRelease(&painter, Qt::LeftButton, Qt::NoModifier, QPoint(130, 110));
    QTest::keyRelease(&painter, Qt::Key_Space);
    QCOMPARE(painter.viewTransform().offset(), offset + QPointF(30, 10));
    QCOMPARE(painter.document()->partPixelCount(), 0);
    QCOMPARE(painter.undoStack()->count(), 0);
  }

  void photoWithMaskOfAnotherSizeStartsEmpty() {
    MaskPainter painter;
    QImage mask(50, 50, QImage::Format_Grayscale8);
    mask.fill(255);
    QVERIFY(!painter.setPhoto(solid(QSize(60, 50), Qt::white), mask));
    QCOMPARE(painter.document()->size(), QSize(60, 50));
    QCOMPARE(painter.document()->partPixelCount(), 0);
    QVERIFY(painter.setPhoto(solid(QSize(50, 50), Qt::white), mask));
    QCOMPARE(painter.document()->partPixelCount(), 50 * 50);
  }
};

PARTEDIT_TEST(TestMaskPainter);
}  // namespace test_mask_painter
#include "test_mask_painter.moc"
