// The image canvas, rendered offscreen with grab() and checked pixel by pixel: checkerboard
// under transparency, the mask overlay, before/after split and toggle, wheel zoom around the
// cursor, panning, the preview size, the cursor position and file drops. Set
// PARTEDIT_SCREENSHOT_DIR to keep the renders (canvas-*.png) for a look.
// Tolerances: smooth scaling and 8-bit blending move a channel by at most a few levels; the
// stated tolerance per check says how many.
#include <QtTest>

#include <QElapsedTimer>
#include <QMimeData>
#include <QWheelEvent>

#include "ui/canvas/image_canvas.h"
#include "ui/widgets/mask_overlay.h"
#include "support/test_support.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_image_canvas {

using partedit::ui::CanvasTransform;
using partedit::ui::ImageCanvas;

namespace {
bool near(const QColor& a, const QColor& b, int tolerance) {
  return std::abs(a.red() - b.red()) <= tolerance && std::abs(a.green() - b.green()) <= tolerance &&
         std::abs(a.blue() - b.blue()) <= tolerance;
}
QString describe(const QColor& c) { return QStringLiteral("(%1, %2, %3)").arg(c.red()).arg(c.green()).arg(c.blue()); }

QImage solid(QSize size, QColor colour, QImage::Format format = QImage::Format_RGB32) {
  QImage image(size, format);
  image.fill(colour);
  return image;
}

// Pixel (x, y) has red = x and green = y: where a screen pixel comes from is readable.
QImage coordinateImage(int side) {
  QImage image(side, side, QImage::Format_RGB32);
  for (int y = 0; y < side; ++y)
    for (int x = 0; x < side; ++x) image.setPixel(x, y, qRgb(x, y, 0));
  return image;
}

QImage render(ImageCanvas& canvas, const char* name) {
  const QImage shot = canvas.grab().toImage();
  if (const QString dir = qEnvironmentVariable("PARTEDIT_SCREENSHOT_DIR"); !dir.isEmpty())
    shot.save(dir + QStringLiteral("/canvas-%1.png").arg(QLatin1String(name)));
  return shot;
}

void showCanvas(ImageCanvas& canvas, QSize size) {
  canvas.resize(size);
  canvas.show();
  QVERIFY(QTest::qWaitForWindowExposed(&canvas));
}

void sendWheel(ImageCanvas& canvas, QPointF position, int angle) {
  QWheelEvent event(position, canvas.mapToGlobal(position), QPoint(), QPoint(0, angle), Qt::NoButton,
                    Qt::NoModifier, Qt::NoScrollPhase, false);
  QCoreApplication::sendEvent(&canvas, &event);
}
}  // namespace

class TestImageCanvas : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void emptyCanvasShowsPlaceholder() {
    ImageCanvas canvas;
    canvas.setPlaceholderText(QStringLiteral("Drop a photo here or press Ctrl+O"));
    showCanvas(canvas, QSize(360, 240));
    QVERIFY(!canvas.hasImage());
    const QImage shot = render(canvas, "empty");
    // Text pixels: lighter than the surround somewhere near the centre line.
    int light = 0;
    for (int y = 95; y < 145; ++y)
      for (int x = 40; x < 320; ++x) light += qGray(shot.pixel(x, y)) > 150;
    QVERIFY2(light > 5, qPrintable(QString::number(light)));
  }

  void checkerboardShowsUnderTransparency() {
    ImageCanvas canvas;
    showCanvas(canvas, QSize(200, 200));
    canvas.setImage(solid(QSize(100, 100), Qt::transparent, QImage::Format_ARGB32));
    QCOMPARE(canvas.zoom(), 2.0);  // fitted: the image covers the whole canvas
    const QImage shot = render(canvas, "checkerboard");
    const QColor a = shot.pixelColor(4, 4), b = shot.pixelColor(12, 4), c = shot.pixelColor(12, 12);
    QVERIFY2(a != b, qPrintable(describe(a) + describe(b)));
    QCOMPARE(a, c);
    // Subtle: two light greys a few dozen levels apart.
    QVERIFY(a.red() == a.green() && a.green() == a.blue());
    QVERIFY(std::abs(a.red() - b.red()) <= 48 && std::abs(a.red() - b.red()) >= 16);
    // A half-transparent red image lets the squares through, tinted.
    canvas.setImage(solid(QSize(100, 100), QColor(255, 0, 0, 128), QImage::Format_ARGB32));
    const QImage tinted = render(canvas, "checkerboard-tinted");
    QVERIFY(tinted.pixelColor(4, 4) != tinted.pixelColor(12, 4));
    QVERIFY(tinted.pixelColor(4, 4).red() > tinted.pixelColor(4, 4).green() + 60);
  }

  void maskOverlayBlendsAndToggles() {
    ImageCanvas canvas;
    showCanvas(canvas, QSize(200, 200));
    canvas.setImage(solid(QSize(100, 100), QColor(0, 0, 255)));
    QImage mask(10, 10, QImage::Format_Grayscale8);
    mask.fill(255);
    canvas.setMaskColour(QColor(255, 0, 0));
    canvas.setMaskOpacity(0.5);
    canvas.setMask(mask);
    const QColor blended = render(canvas, "overlay").pixelColor(100, 100);
    // Exact: (127.5, 0, 127.5); 2 levels for the 8-bit opacity arithmetic.
    QVERIFY2(near(blended, QColor(128, 0, 127), 2), qPrintable(describe(blended)));
    canvas.setMaskVisible(false);
    QCOMPARE(render(canvas, "overlay-off").pixelColor(100, 100), QColor(0, 0, 255));
    canvas.setMaskVisible(true);
    canvas.setMaskOpacity(0.0);
    QCOMPARE(render(canvas, "overlay-transparent").pixelColor(100, 100), QColor(0, 0, 255));
    canvas.setMaskOpacity(0.5);
    canvas.clearMask();
    QCOMPARE(render(canvas, "overlay-cleared").pixelColor(100, 100), QColor(0, 0, 255));
  }

  void overlayLooksLikeAnArtistWouldWant() {
    // A realistic look: a gradient photo stand-in with a soft round mask in the default colour.
    ImageCanvas canvas;
    showCanvas(canvas, QSize(320, 240));
    QImage image(256, 192, QImage::Format_RGB32);
    for (int y = 0; y < image.height(); ++y)
      for (int x = 0; x < image.width(); ++x) image.setPixel(x, y, qRgb(60 + x / 3, 90 + y / 3, 140));
    QImage mask(32, 24, QImage::Format_Grayscale8);
    for (int y = 0; y < 24; ++y)
      for (int x = 0; x < 32; ++x) {
        const double d = std::hypot(x - 16.0, y - 10.0) / 8.0;
        mask.scanLine(y)[x] = static_cast<uchar>(255 * std::clamp(1.2 - d, 0.0, 1.0));
      }
    canvas.setImage(image);
    canvas.setMask(mask);
    QCOMPARE(canvas.maskColour(), partedit::ui::defaultMaskColour());
    const QImage shot = render(canvas, "overlay-default");
    const QColor centre = shot.pixelColor(canvas.viewTransform().mapToViewport(QPointF(128, 84)).toPoint());
    QVERIFY2(centre.red() > centre.blue() + 40, qPrintable(describe(centre)));  // reads as orange-red
  }

  void splitViewShowsBeforeLeftAfterRight() {
    ImageCanvas canvas;
    showCanvas(canvas, QSize(200, 200));
    canvas.setImage(solid(QSize(100, 100), QColor(220, 30, 30)));
    canvas.setComparisonImage(solid(QSize(100, 100), QColor(30, 180, 60)));
    canvas.setComparisonMode(ImageCanvas::ComparisonMode::Split);
    QCOMPARE(canvas.splitPosition(), 0.5);
    const QImage shot = render(canvas, "split");
    // Below the labels, away from the divider.
    QCOMPARE(shot.pixelColor(50, 160), QColor(30, 180, 60));
    QCOMPARE(shot.pixelColor(150, 160), QColor(220, 30, 30));
    // The divider is visible: light pixels on the split line.
    QVERIFY(qGray(shot.pixel(100, 160)) > 200);
    // Drag the divider to 20 % of the image width.
    QSignalSpy moved(&canvas, &ImageCanvas::splitPositionChanged);
    QTest::mousePress(&canvas, Qt::LeftButton, Qt::NoModifier, QPoint(101, 140));
    QTest::mouseMove(&canvas, QPoint(40, 140));
    QTest::mouseRelease(&canvas, Qt::LeftButton, Qt::NoModifier, QPoint(40, 140));
    QVERIFY(!moved.isEmpty());
    QVERIFY(std::abs(canvas.splitPosition() - 0.2) < 1e-9);
    const QImage dragged = render(canvas, "split-dragged");
    QCOMPARE(dragged.pixelColor(20, 160), QColor(30, 180, 60));
    QCOMPARE(dragged.pixelColor(60, 160), QColor(220, 30, 30));
    // A press away from the divider does not move it.
    QTest::mouseClick(&canvas, Qt::LeftButton, Qt::NoModifier, QPoint(150, 150));
    QVERIFY(std::abs(canvas.splitPosition() - 0.2) < 1e-9);
  }

  void splitViewLooksRight() {
    // For the eye: a before/after on a gradient, labels and divider (saved when asked).
    ImageCanvas canvas;
    showCanvas(canvas, QSize(360, 260));
    canvas.setImage(coordinateImage(240));
    QImage before = coordinateImage(240).convertToFormat(QImage::Format_Grayscale8);
    canvas.setComparisonImage(before);
    canvas.setComparisonMode(ImageCanvas::ComparisonMode::Split);
    const QImage shot = render(canvas, "split-look");
    const QColor left = shot.pixelColor(120, 200), right = shot.pixelColor(240, 200);
    QVERIFY(left.red() == left.green() && left.green() == left.blue());  // before is grey
    QVERIFY(right.red() != right.blue());                                 // after in colour
  }

  void toggleShowsBeforeWhileFlagged() {
    ImageCanvas canvas;
    showCanvas(canvas, QSize(200, 200));
    canvas.setImage(solid(QSize(100, 100), QColor(220, 30, 30)));
    canvas.setComparisonImage(solid(QSize(50, 50), QColor(30, 180, 60)));  // other size: stretched
    canvas.setComparisonMode(ImageCanvas::ComparisonMode::Toggle);
    QCOMPARE(render(canvas, "toggle-after").pixelColor(150, 150), QColor(220, 30, 30));
    canvas.setShowingBefore(true);
    QCOMPARE(render(canvas, "toggle-before").pixelColor(150, 150), QColor(30, 180, 60));
    canvas.setShowingBefore(false);
    QCOMPARE(render(canvas, "toggle-after").pixelColor(150, 150), QColor(220, 30, 30));
    canvas.setComparisonMode(ImageCanvas::ComparisonMode::Off);
    canvas.setShowingBefore(true);  // ignored outside Toggle mode
    QCOMPARE(render(canvas, "toggle-off").pixelColor(150, 150), QColor(220, 30, 30));
  }

  void holdingTheCompareKeyShowsBefore() {
    ImageCanvas canvas;
    showCanvas(canvas, QSize(200, 200));
    canvas.setImage(solid(QSize(100, 100), QColor(220, 30, 30)));
    canvas.setComparisonImage(solid(QSize(100, 100), QColor(30, 180, 60)));
    canvas.setComparisonMode(ImageCanvas::ComparisonMode::Toggle);
    QTest::keyPress(&canvas, Qt::Key_Backslash);
    QVERIFY(canvas.isShowingBefore());
    QCOMPARE(render(canvas, "hold-before").pixelColor(150, 150), QColor(30, 180, 60));
    QTest::keyRelease(&canvas, Qt::Key_Backslash);
    QVERIFY(!canvas.isShowingBefore());
    QCOMPARE(render(canvas, "hold-after").pixelColor(150, 150), QColor(220, 30, 30));
    canvas.setComparisonMode(ImageCanvas::ComparisonMode::Off);
    QTest::keyPress(&canvas, Qt::Key_Backslash);  // only in Toggle mode
    QVERIFY(!canvas.isShowingBefore());
  }

  void wheelZoomKeepsImagePointUnderCursor() {
    ImageCanvas canvas;
    showCanvas(canvas, QSize(200, 200));
    canvas.setImage(coordinateImage(200));
    QCOMPARE(canvas.zoom(), 1.0);
    QSignalSpy zoomed(&canvas, &ImageCanvas::zoomChanged);
    const QPointF cursor(50, 70);
    const QPointF imagePoint = canvas.viewTransform().mapToImage(cursor);
    sendWheel(canvas, cursor, 120);
    sendWheel(canvas, cursor, 120);
    QCOMPARE(zoomed.count(), 2);
    QVERIFY(std::abs(zoomed.last().at(0).toDouble() - 1.5625) < 1e-9);
    QVERIFY(!canvas.isFittedToWindow());
    const QPointF after = canvas.viewTransform().mapToViewport(imagePoint);
    QVERIFY(std::abs(after.x() - cursor.x()) < 1e-9 && std::abs(after.y() - cursor.y()) < 1e-9);
    // On screen the pixel under the cursor still shows image point (50, 70) (red = x,
    // green = y); nearest-neighbour or smooth sampling moves it by at most one image pixel.
    const QColor under = render(canvas, "wheel-zoom").pixelColor(cursor.toPoint());
    QVERIFY2(near(under, QColor(50, 70, 0), 1), qPrintable(describe(under)));
    // Zoom out again: back to the same zoom.
    sendWheel(canvas, cursor, -240);
    QVERIFY(std::abs(canvas.zoom() - 1.0) < 1e-9);
  }

  void middleDragPans() {
    ImageCanvas canvas;
    showCanvas(canvas, QSize(200, 200));
    canvas.setImage(coordinateImage(240));
    canvas.actualSize();
    const QPointF before = canvas.viewTransform().offset();
    QTest::mousePress(&canvas, Qt::MiddleButton, Qt::NoModifier, QPoint(100, 100));
    QCOMPARE(canvas.cursor().shape(), Qt::ClosedHandCursor);
    QTest::mouseMove(&canvas, QPoint(110, 95));
    QTest::mouseMove(&canvas, QPoint(115, 90));
    QTest::mouseRelease(&canvas, Qt::MiddleButton, Qt::NoModifier, QPoint(115, 90));
    QCOMPARE(canvas.viewTransform().offset(), before + QPointF(15, -10));
    QVERIFY(canvas.cursor().shape() != Qt::ClosedHandCursor);
    // The screen now shows the image shifted: the image point at (100, 100) moved by the drag.
    const QColor moved = render(canvas, "middle-drag").pixelColor(115, 90);
    const QPointF source = canvas.viewTransform().mapToImage(QPointF(115.5, 90.5));
    QVERIFY2(near(moved, QColor(int(source.x()), int(source.y()), 0), 1), qPrintable(describe(moved)));
  }

  void spaceDragPans() {
    ImageCanvas canvas;
    showCanvas(canvas, QSize(200, 200));
    canvas.setImage(coordinateImage(240));
    canvas.actualSize();
    const QPointF before = canvas.viewTransform().offset();
    QTest::keyPress(&canvas, Qt::Key_Space);
    QCOMPARE(canvas.cursor().shape(), Qt::OpenHandCursor);
    QTest::mousePress(&canvas, Qt::LeftButton, Qt::NoModifier, QPoint(100, 100));
    QCOMPARE(canvas.cursor().shape(), Qt::ClosedHandCursor);
    QTest::mouseMove(&canvas, QPoint(90, 120));
    QTest::mouseRelease(&canvas, Qt::LeftButton, Qt::NoModifier, QPoint(90, 120));
    QCOMPARE(canvas.cursor().shape(), Qt::OpenHandCursor);
    QTest::keyRelease(&canvas, Qt::Key_Space);
    QVERIFY(canvas.cursor().shape() != Qt::OpenHandCursor);
    QCOMPARE(canvas.viewTransform().offset(), before + QPointF(-10, 20));
    // Without space, a left drag does not pan.
    QTest::mousePress(&canvas, Qt::LeftButton, Qt::NoModifier, QPoint(100, 100));
    QTest::mouseMove(&canvas, QPoint(50, 50));
    QTest::mouseRelease(&canvas, Qt::LeftButton, Qt::NoModifier, QPoint(50, 50));
    QCOMPARE(canvas.viewTransform().offset(), before + QPointF(-10, 20));
  }

  void zoomSlotsAndFit() {
    ImageCanvas canvas;
    showCanvas(canvas, QSize(200, 100));
    canvas.setImage(solid(QSize(400, 400), Qt::white));
    QCOMPARE(canvas.zoom(), 0.25);
    canvas.zoomIn();
    QCOMPARE(canvas.zoom(), 0.25 * ImageCanvas::kZoomStep);
    canvas.zoomOut();
    QVERIFY(std::abs(canvas.zoom() - 0.25) < 1e-12);
    canvas.actualSize();
    QCOMPARE(canvas.zoom(), 1.0);
    canvas.fitToWindow();
    QCOMPARE(canvas.zoom(), 0.25);
    QVERIFY(canvas.isFittedToWindow());
    canvas.resize(400, 400);  // a fitted view follows the window
    QTRY_COMPARE(canvas.zoom(), 1.0);
  }

  void zoomedInShowsSharpPixels() {
    // Beyond 200 % the pixels are squares: the last screen pixel of a black image pixel next
    // to a white one is still pure black (bilinear sampling would give a grey there).
    ImageCanvas canvas;
    showCanvas(canvas, QSize(200, 100));
    QImage pair(2, 1, QImage::Format_RGB32);
    pair.setPixel(0, 0, qRgb(0, 0, 0));
    pair.setPixel(1, 0, qRgb(255, 255, 255));
    canvas.setImage(pair);
    QCOMPARE(canvas.zoom(), CanvasTransform::kMaxZoom);  // fit wants 50 x, clamped to 32 x
    const QRectF rect = canvas.viewTransform().imageRectInViewport();
    const QImage shot = render(canvas, "sharp-pixels");
    const int y = int(rect.center().y());
    QCOMPARE(shot.pixelColor(int(rect.left()) + 31, y), QColor(0, 0, 0));
    QCOMPARE(shot.pixelColor(int(rect.left()) + 32, y), QColor(255, 255, 255));
  }

  void zoomedOutIsSmooth() {
    // At 50 % one-pixel black/white stripes average to grey instead of aliasing to one colour.
    ImageCanvas canvas;
    showCanvas(canvas, QSize(100, 100));
    QImage stripes(200, 200, QImage::Format_RGB32);
    for (int x = 0; x < 200; ++x)
      for (int y = 0; y < 200; ++y) stripes.setPixel(x, y, x % 2 ? qRgb(255, 255, 255) : qRgb(0, 0, 0));
    canvas.setImage(stripes);
    QCOMPARE(canvas.zoom(), 0.5);
    const QColor grey = render(canvas, "smooth-stripes").pixelColor(50, 50);
    QVERIFY2(grey.red() > 60 && grey.red() < 195, qPrintable(describe(grey)));  // not 0, not 255
  }

  void maskUpdateEveryStepIsCheap() {
    // A live edit sets a new mask every step: measure mask + repaint on a 1024 image.
    ImageCanvas canvas;
    showCanvas(canvas, QSize(800, 600));
    canvas.setImage(coordinateImage(1024).scaled(1024, 1024));
    QImage mask(128, 128, QImage::Format_Grayscale8);
    QElapsedTimer timer;
    timer.start();
    constexpr int kSteps = 20;
    for (int step = 0; step < kSteps; ++step) {
      mask.fill(step * 12);
      canvas.setMask(mask);
      canvas.repaint();  // synchronous, as the event loop would paint it
    }
    const double perStepMs = timer.nsecsElapsed() / 1e6 / kSteps;
    qInfo() << "mask update + repaint per step:" << perStepMs << "ms";
    // Far below the 50 ms the GUI may stall (issue target); loose for loaded test machines.
    QVERIFY2(perStepMs < 100.0, qPrintable(QString::number(perStepMs)));
  }

  void previewIsShownAtLogicalSize() {
    ImageCanvas canvas;
    showCanvas(canvas, QSize(200, 200));
    canvas.setImage(solid(QSize(256, 256), QColor(200, 0, 0)));
    canvas.zoomIn();  // the artist's own zoom must survive the previews
    const double zoom = canvas.zoom();
    QSignalSpy zoomed(&canvas, &ImageCanvas::zoomChanged);
    canvas.setImage(solid(QSize(32, 32), QColor(0, 0, 200)), QSize(256, 256));
    QCOMPARE(canvas.logicalImageSize(), QSize(256, 256));
    QCOMPARE(canvas.zoom(), zoom);
    QCOMPARE(zoomed.count(), 0);
    const QImage shot = render(canvas, "preview");
    QCOMPARE(shot.pixelColor(5, 5), QColor(0, 0, 200));      // fills the whole logical area
    QCOMPARE(shot.pixelColor(195, 195), QColor(0, 0, 200));
    // A new image of another size re-fits.
    canvas.setImage(solid(QSize(100, 50), Qt::white));
    QCOMPARE(canvas.zoom(), 2.0);
    QCOMPARE(zoomed.count(), 1);
  }

  void reportsImagePixelUnderCursor() {
    ImageCanvas canvas;
    showCanvas(canvas, QSize(200, 200));
    canvas.setImage(solid(QSize(400, 400), Qt::white));  // zoom 0.5
    QSignalSpy position(&canvas, &ImageCanvas::cursorImagePositionChanged);
    QTest::mouseMove(&canvas, QPoint(100, 30));
    QTRY_VERIFY(!position.isEmpty());
    QCOMPARE(position.last().at(0).toPoint(), QPoint(200, 60));  // (100, 30) / zoom 0.5
    QCOMPARE(position.last().at(1).toBool(), true);
    canvas.setImage(solid(QSize(100, 50), Qt::white));  // zoom 2, letterboxed vertically
    QTest::mouseMove(&canvas, QPoint(100, 10));
    QTRY_COMPARE(position.last().at(1).toBool(), false);
  }

  void droppingAnImageFileEmitsItsPath() {
    partedit::test::TempDir dir;
    const QString image = QString::fromStdString((dir / "photo.png").string());
    QVERIFY(solid(QSize(8, 8), Qt::red).save(image));
    const QString text = QString::fromStdString((dir / "notes.txt").string());

    ImageCanvas canvas;
    showCanvas(canvas, QSize(200, 200));
    QSignalSpy dropped(&canvas, &ImageCanvas::fileDropped);
    QMimeData textMime;
    textMime.setUrls({QUrl::fromLocalFile(text)});
    QDragEnterEvent refused(QPoint(50, 50), Qt::CopyAction, &textMime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(&canvas, &refused);
    QVERIFY(!refused.isAccepted());

    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(image)});
    QDragEnterEvent enter(QPoint(50, 50), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(&canvas, &enter);
    QVERIFY(enter.isAccepted());
    render(canvas, "drop-highlight");
    QDropEvent drop(QPointF(50, 50), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(&canvas, &drop);
    QCOMPARE(dropped.count(), 1);
    QCOMPARE(dropped.at(0).at(0).toString(), image);
    QDropEvent textDrop(QPointF(50, 50), Qt::CopyAction, &textMime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(&canvas, &textDrop);
    QCOMPARE(dropped.count(), 1);
  }
};

PARTEDIT_TEST(TestImageCanvas);
}  // namespace test_image_canvas
#include "test_image_canvas.moc"
