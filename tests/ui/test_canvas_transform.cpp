// The canvas view transform: fit, 100 %, zoom around a point, pan clamping, zoom limits and
// the viewport <-> image mapping. Positions are compared within 1e-9 px: the maths is a few
// double multiplications, so only rounding of the last bits can differ.
#include <QtTest>

#include <cmath>

#include "support/test_registry.h"
#include "ui/canvas/canvas_transform.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_canvas_transform {

using partedit::ui::CanvasTransform;

namespace {
constexpr double kTolerance = 1e-9;

bool near(const QPointF& a, const QPointF& b, double tolerance = kTolerance) {
  return std::abs(a.x() - b.x()) <= tolerance && std::abs(a.y() - b.y()) <= tolerance;
}

QString describe(const QPointF& p) { return QStringLiteral("(%1, %2)").arg(p.x(), 0, 'g', 12).arg(p.y(), 0, 'g', 12); }

// The overlap of the image with the viewport on one axis, in viewport pixels.
double overlap(double start, double extent, double viewport) {
  return std::min(start + extent, viewport) - std::max(start, 0.0);
}
}  // namespace

class TestCanvasTransform : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void defaultIsIdentityAndEmpty() {
    CanvasTransform transform;
    QVERIFY(transform.isEmpty());
    QCOMPARE(transform.zoom(), 1.0);
    QCOMPARE(transform.mapToImage(QPointF(3, 4)), QPointF(3, 4));
    // Empty sizes must not divide by zero.
    transform.fitToWindow();
    QCOMPARE(transform.zoom(), 1.0);
    transform.panBy(QPointF(10, 10));
    QVERIFY(std::isfinite(transform.offset().x()));
  }

  void fitLandscapeImageInTallViewport() {
    CanvasTransform transform(QSizeF(400, 200), QSize(200, 300));
    QCOMPARE(transform.zoom(), 0.5);
    // 200 x 100 on screen, centred vertically.
    QVERIFY(near(transform.imageRectInViewport().topLeft(), QPointF(0, 100)));
    QCOMPARE(transform.imageRectInViewport().size(), QSizeF(200, 100));
  }

  void fitEnlargesSmallImages() {
    CanvasTransform transform(QSizeF(64, 32), QSize(640, 640));
    QCOMPARE(transform.zoom(), 10.0);
    QVERIFY(near(transform.imageRectInViewport().center(), QPointF(320, 320)));
  }

  void fitRespectsZoomLimits() {
    CanvasTransform tiny(QSizeF(2, 2), QSize(1000, 1000));
    QCOMPARE(tiny.zoom(), CanvasTransform::kMaxZoom);
    CanvasTransform huge(QSizeF(100000, 100000), QSize(100, 100));
    QCOMPARE(huge.zoom(), CanvasTransform::kMinZoom);
  }

  void actualSizeKeepsCentrePoint() {
    CanvasTransform transform(QSizeF(1000, 800), QSize(500, 400));
    QCOMPARE(transform.zoom(), 0.5);
    const QPointF centreBefore = transform.mapToImage(QPointF(250, 200));
    transform.actualSize();
    QCOMPARE(transform.zoom(), 1.0);
    QVERIFY(near(transform.mapToImage(QPointF(250, 200)), centreBefore));
  }

  void zoomKeepsAnchorPointUnderCursor_data() {
    QTest::addColumn<double>("factor");
    QTest::addColumn<QPointF>("anchor");
    QTest::newRow("in at top-left quarter") << 1.25 << QPointF(130, 90);
    QTest::newRow("out near bottom-right") << 0.8 << QPointF(470, 380);
    QTest::newRow("in x4 at centre") << 4.0 << QPointF(250, 200);
    QTest::newRow("out x0.1 off-centre") << 0.1 << QPointF(300, 120);
    QTest::newRow("fractional wheel step") << std::pow(1.25, 0.3) << QPointF(17, 333);
  }
  void zoomKeepsAnchorPointUnderCursor() {
    QFETCH(double, factor);
    QFETCH(QPointF, anchor);
    CanvasTransform transform(QSizeF(1000, 800), QSize(500, 400));
    const QPointF imagePoint = transform.mapToImage(anchor);
    const double zoomBefore = transform.zoom();
    transform.zoomBy(factor, anchor);
    QVERIFY(std::abs(transform.zoom() - zoomBefore * factor) < 1e-12);
    QVERIFY2(near(transform.mapToViewport(imagePoint), anchor),
             qPrintable(describe(transform.mapToViewport(imagePoint)) + " vs " + describe(anchor)));
  }

  void zoomInThenOutReturnsToSameView() {
    CanvasTransform transform(QSizeF(1000, 800), QSize(500, 400));
    const QPointF offset = transform.offset();
    for (int i = 0; i < 5; ++i) transform.zoomBy(1.25, QPointF(100, 300));
    for (int i = 0; i < 5; ++i) transform.zoomBy(0.8, QPointF(100, 300));
    QVERIFY(std::abs(transform.zoom() - 0.5) < 1e-12);
    QVERIFY(near(transform.offset(), offset, 1e-9));
  }

  void zoomIsClampedToLimits() {
    CanvasTransform transform(QSizeF(100, 100), QSize(100, 100));
    transform.zoomBy(1e6, QPointF(50, 50));
    QCOMPARE(transform.zoom(), CanvasTransform::kMaxZoom);
    transform.zoomBy(1e-9, QPointF(50, 50));
    QCOMPARE(transform.zoom(), CanvasTransform::kMinZoom);
    transform.setZoom(0.0, QPointF(50, 50));  // nonsense input falls back to 100 %
    QCOMPARE(transform.zoom(), 1.0);
    transform.setZoom(std::nan(""), QPointF(50, 50));
    QCOMPARE(transform.zoom(), 1.0);
  }

  void panMovesImageByDelta() {
    CanvasTransform transform(QSizeF(1000, 1000), QSize(500, 500));
    transform.actualSize();
    const QPointF before = transform.offset();
    transform.panBy(QPointF(30, -20));
    QVERIFY(near(transform.offset(), before + QPointF(30, -20)));
    // The image point under a fixed screen position moves opposite to the pan.
    QVERIFY(near(transform.mapToImage(QPointF(0, 0)), -(before + QPointF(30, -20))));
  }

  void panCannotLoseTheImage_data() {
    QTest::addColumn<QSizeF>("image");
    QTest::addColumn<double>("zoom");
    QTest::addColumn<QPointF>("delta");
    QTest::newRow("large image, far right") << QSizeF(1000, 1000) << 1.0 << QPointF(1e6, 0);
    QTest::newRow("large image, far up-left") << QSizeF(1000, 1000) << 1.0 << QPointF(-1e6, -1e6);
    QTest::newRow("small image, far down") << QSizeF(100, 60) << 1.0 << QPointF(0, 1e6);
    QTest::newRow("tiny image at min zoom") << QSizeF(64, 64) << CanvasTransform::kMinZoom << QPointF(-1e6, 1e6);
    QTest::newRow("huge zoom") << QSizeF(256, 256) << 32.0 << QPointF(1e7, -1e7);
  }
  void panCannotLoseTheImage() {
    QFETCH(QSizeF, image);
    QFETCH(double, zoom);
    QFETCH(QPointF, delta);
    const QSize viewport(400, 300);
    CanvasTransform transform(image, viewport);
    transform.setZoom(zoom, QPointF(200, 150));
    transform.panBy(delta);
    const QRectF rect = transform.imageRectInViewport();
    const double wantX = std::min({CanvasTransform::kMinVisiblePixels, rect.width(), 400.0});
    const double wantY = std::min({CanvasTransform::kMinVisiblePixels, rect.height(), 300.0});
    QVERIFY2(overlap(rect.x(), rect.width(), viewport.width()) >= wantX - kTolerance, qPrintable(describe(rect.topLeft())));
    QVERIFY2(overlap(rect.y(), rect.height(), viewport.height()) >= wantY - kTolerance, qPrintable(describe(rect.topLeft())));
  }

  void panWithinBoundsIsNotClamped() {
    // A small pan of a centred image must not be altered by the clamp.
    CanvasTransform transform(QSizeF(200, 200), QSize(400, 400));
    transform.actualSize();
    transform.panBy(QPointF(150, -150));
    QVERIFY(near(transform.imageRectInViewport().topLeft(), QPointF(250, -50)));
  }

  void mappingRoundTrips() {
    CanvasTransform transform(QSizeF(640, 480), QSize(320, 200));
    transform.zoomBy(3.7, QPointF(11, 17));
    transform.panBy(QPointF(-23.5, 8.25));
    for (const QPointF p : {QPointF(0, 0), QPointF(319.5, 199), QPointF(-40, 1000), QPointF(12.34, 56.78)}) {
      QVERIFY(near(transform.mapToViewport(transform.mapToImage(p)), p, 1e-9));
      QVERIFY(near(transform.imageToViewport().map(transform.mapToImage(p)), p, 1e-9));
    }
    QVERIFY(near(transform.mapToViewport(QPointF(0, 0)), transform.offset()));
    QVERIFY(near(transform.imageRectInViewport().bottomRight(),
                 transform.mapToViewport(QPointF(640, 480))));
  }

  void viewportResizeKeepsCentre() {
    CanvasTransform transform(QSizeF(1000, 1000), QSize(400, 400));
    transform.zoomBy(2.0, QPointF(100, 100));
    const QPointF centre = transform.mapToImage(QPointF(200, 200));
    transform.setViewportSize(QSize(800, 600));
    QVERIFY(near(transform.mapToImage(QPointF(400, 300)), centre));
    QVERIFY(std::abs(transform.zoom() - 0.8) < 1e-12);  // a resize keeps the zoom (fit 0.4 x 2)
  }

  void imageSizeChangeKeepsZoomAndClamps() {
    CanvasTransform transform(QSizeF(256, 256), QSize(512, 512));
    QCOMPARE(transform.zoom(), 2.0);
    transform.setImageSize(QSizeF(256, 256));
    QCOMPARE(transform.zoom(), 2.0);
    QVERIFY(near(transform.offset(), QPointF(0, 0)));
    transform.panBy(QPointF(-1000, 0));
    transform.setImageSize(QSizeF(16, 16));  // a much smaller image must come back into view
    QVERIFY(overlap(transform.offset().x(), 32.0, 512.0) >= 32.0 - kTolerance);
  }
};

PARTEDIT_TEST(TestCanvasTransform);
}  // namespace test_canvas_transform
#include "test_canvas_transform.moc"
