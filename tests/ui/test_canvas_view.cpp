// The view shared by the image canvas and the mask painter, driven by simulated events
// offscreen: the active tool gets press / move / release in image coordinates, the middle
// button and space + left pan instead, a lost focus ends a drag, the tool's overlay shows only
// while the pointer is over the view and no pan is under way, and both widgets zoom around the
// cursor alike. Positions within 1e-9 px (a few double multiplications).
#include <QtTest>

#include <QPainter>
#include <QWheelEvent>

#include <cmath>

#include "support/test_registry.h"
#include "ui/canvas/canvas_transform.h"
#include "ui/canvas/canvas_view.h"
#include "ui/canvas/image_canvas.h"
#include "ui/training/mask_painter.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_canvas_view {

using partedit::ui::CanvasPointer;
using partedit::ui::CanvasTool;
using partedit::ui::CanvasTransform;
using partedit::ui::CanvasView;

namespace {

bool near(const QPointF& a, const QPointF& b) {
  return std::abs(a.x() - b.x()) < 1e-9 && std::abs(a.y() - b.y()) < 1e-9;
}

// Takes left presses; writes down what it gets; its overlay is a yellow square at the pointer.
class RecordingTool : public CanvasTool {
 public:
  bool press(const CanvasPointer& pointer) override {
    events << QStringLiteral("press");
    points << pointer.imagePosition;
    return pointer.button == Qt::LeftButton;
  }
  void move(const CanvasPointer& pointer) override {
    events << QStringLiteral("move");
    points << pointer.imagePosition;
  }
  void release(const CanvasPointer&) override { events << QStringLiteral("release"); }
  void endDrag() override { events << QStringLiteral("endDrag"); }
  void hover(const CanvasPointer& pointer) override { hover_ = pointer.position; }
  void paint(QPainter& painter, const CanvasTransform& view) const override {
    painter.fillRect(overlayRect(view), Qt::yellow);
  }
  QRect overlayRect(const CanvasTransform&) const override {
    return QRect(hover_.toPoint() - QPoint(3, 3), QSize(7, 7));
  }

  QStringList events;
  QList<QPointF> points;

 private:
  QPointF hover_;
};

// The bare view: a grey image area of the given size and the recording tool.
class PlainView : public CanvasView {
 public:
  explicit PlainView(QSizeF imageSize) {
    setImageSize(imageSize);
    setActiveTool(&tool);
  }
  RecordingTool tool;

 protected:
  void paintCanvas(QPainter& painter, const QRect& exposed) override { painter.fillRect(exposed, Qt::darkGray); }
};

void showView(QWidget& view, QSize size) {
  view.resize(size);
  view.show();
  QVERIFY(QTest::qWaitForWindowExposed(&view));
}

void sendWheel(QWidget& widget, QPointF position, int angle) {
  QWheelEvent event(position, widget.mapToGlobal(position), QPoint(), QPoint(0, angle), Qt::NoButton,
                    Qt::NoModifier, Qt::NoScrollPhase, false);
  QCoreApplication::sendEvent(&widget, &event);
}

// Straight to the widget: QTest::mouseMove without a button goes through the window system
// and may be swallowed by what an earlier test left in QTest's mouse state.
void hover(QWidget& widget, QPointF position) {
  QMouseEvent event(QEvent::MouseMove, position, widget.mapToGlobal(position), Qt::NoButton, Qt::NoButton,
                    Qt::NoModifier);
  QCoreApplication::sendEvent(&widget, &event);
}

QImage grey(QSize size) {
  QImage image(size, QImage::Format_RGB32);
  image.fill(Qt::gray);
  return image;
}

}  // namespace

class TestCanvasView : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void toolGetsTheDragInImageCoordinates() {
    PlainView view(QSizeF(100, 100));
    showView(view, QSize(200, 200));  // fitted: zoom 2, offset 0
    QTest::mousePress(&view, Qt::LeftButton, Qt::NoModifier, QPoint(20, 40));
    QTest::mouseMove(&view, QPoint(60, 80));
    QTest::mousePress(&view, Qt::RightButton, Qt::NoModifier, QPoint(60, 80));  // ignored mid-drag
    QTest::mouseRelease(&view, Qt::RightButton, Qt::NoModifier, QPoint(60, 80));
    QTest::mouseRelease(&view, Qt::LeftButton, Qt::NoModifier, QPoint(60, 80));
    QCOMPARE(view.tool.events, QStringList({"press", "move", "release"}));
    QVERIFY(near(view.tool.points.at(0), QPointF(10, 20)));
    QVERIFY(near(view.tool.points.at(1), QPointF(30, 40)));
    // A press the tool declines starts no drag: the moves after it are not the tool's.
    view.tool.events.clear();
    QTest::mousePress(&view, Qt::RightButton, Qt::NoModifier, QPoint(50, 50));
    QTest::mouseMove(&view, QPoint(70, 70));
    QCOMPARE(view.tool.events, QStringList({"press"}));
  }

  void middleAndSpaceDragPanInsteadOfTheTool() {
    PlainView view(QSizeF(400, 400));
    showView(view, QSize(200, 200));
    view.actualSize();
    const QPointF offset = view.viewTransform().offset();
    QTest::mousePress(&view, Qt::MiddleButton, Qt::NoModifier, QPoint(100, 100));
    QCOMPARE(view.cursor().shape(), Qt::ClosedHandCursor);
    QTest::mouseMove(&view, QPoint(120, 90));
    QTest::mouseRelease(&view, Qt::MiddleButton, Qt::NoModifier, QPoint(120, 90));
    QCOMPARE(view.viewTransform().offset(), offset + QPointF(20, -10));
    view.setFocus();
    QTest::keyPress(&view, Qt::Key_Space);
    QCOMPARE(view.cursor().shape(), Qt::OpenHandCursor);
    QTest::mousePress(&view, Qt::LeftButton, Qt::NoModifier, QPoint(100, 100));
    QTest::mouseMove(&view, QPoint(90, 130));
    QTest::mouseRelease(&view, Qt::LeftButton, Qt::NoModifier, QPoint(90, 130));
    QTest::keyRelease(&view, Qt::Key_Space);
    QCOMPARE(view.viewTransform().offset(), offset + QPointF(10, 20));
    QVERIFY(view.tool.events.isEmpty());
    QVERIFY(!view.isFittedToWindow());
  }

  void lostFocusEndsTheToolDrag() {
    PlainView view(QSizeF(100, 100));
    showView(view, QSize(200, 200));
    QTest::mousePress(&view, Qt::LeftButton, Qt::NoModifier, QPoint(20, 20));
    QFocusEvent focusOut(QEvent::FocusOut);
    QCoreApplication::sendEvent(&view, &focusOut);
    QTest::mouseMove(&view, QPoint(40, 40));
    QTest::mouseRelease(&view, Qt::LeftButton, Qt::NoModifier, QPoint(40, 40));
    QCOMPARE(view.tool.events, QStringList({"press", "endDrag"}));
  }

  void overlayShowsOverTheViewButNotWhilePanning() {
    PlainView view(QSizeF(100, 100));
    showView(view, QSize(200, 200));
    hover(view, QPointF(50, 60));
    QCOMPARE(view.grab().toImage().pixelColor(50, 60), QColor(Qt::yellow));
    view.setFocus();
    QTest::keyPress(&view, Qt::Key_Space);  // about to pan: the overlay would only be in the way
    QCOMPARE(view.grab().toImage().pixelColor(50, 60), QColor(Qt::darkGray));
    QTest::keyRelease(&view, Qt::Key_Space);
    QCOMPARE(view.grab().toImage().pixelColor(50, 60), QColor(Qt::yellow));
    QEvent leave(QEvent::Leave);
    QCoreApplication::sendEvent(&view, &leave);
    QCOMPARE(view.grab().toImage().pixelColor(50, 60), QColor(Qt::darkGray));
  }

  void fittedUntilZoomedOrPanned() {
    PlainView view(QSizeF(100, 50));
    showView(view, QSize(200, 200));
    QCOMPARE(view.zoom(), 2.0);
    view.resize(400, 400);
    QTRY_COMPARE(view.zoom(), 4.0);  // fitted: follows the window
    view.panBy(QPointF(5, 0));
    QVERIFY(!view.isFittedToWindow());
    view.resize(300, 300);
    QTRY_COMPARE(view.size(), QSize(300, 300));
    QCOMPARE(view.zoom(), 4.0);  // the user's view is kept
  }

  void canvasAndPainterZoomAroundTheCursorAlike() {
    partedit::ui::ImageCanvas canvas;
    partedit::ui::MaskPainter painter;
    showView(canvas, QSize(400, 300));
    showView(painter, QSize(400, 300));
    canvas.setImage(grey(QSize(640, 480)));
    painter.setPhoto(grey(QSize(640, 480)));
    QCOMPARE(canvas.zoom(), painter.zoom());
    const QPointF cursor(93, 211);
    const QPointF under = canvas.viewTransform().mapToImage(cursor);
    for (const int angle : {240, 60, -120}) {
      sendWheel(canvas, cursor, angle);
      sendWheel(painter, cursor, angle);
    }
    QCOMPARE(canvas.zoom(), painter.zoom());
    QVERIFY(std::abs(canvas.zoom() - 0.625 * std::pow(CanvasView::kZoomStep, 1.5)) < 1e-9);
    QCOMPARE(canvas.viewTransform().offset(), painter.viewTransform().offset());
    QVERIFY(near(canvas.viewTransform().mapToImage(cursor), under));
  }
};

PARTEDIT_TEST(TestCanvasView);
}  // namespace test_canvas_view
#include "test_canvas_view.moc"
