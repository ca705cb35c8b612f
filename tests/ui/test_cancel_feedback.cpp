// Cancel, as the artist sees it, on the tiny model at 1024x1024 (a step takes seconds there):
// "Cancelling…" shows at once in the status bar and on both Cancel buttons (disabled), the run
// ends within a fraction of that step, "Cancelled" follows, and the window serves the next
// run. With PARTEDIT_SCREENSHOT_DIR set it saves cancelling.png.
#include <QtTest>

#include <QElapsedTimer>
#include <QPushButton>
#include <QStandardPaths>
#include <QStatusBar>
#include <QToolButton>

#include "support/test_support.h"
#include "ui/canvas/image_canvas.h"
#include "ui/gui_engine_fixtures.h"
#include "ui/gui_test_helpers.h"
#include "ui/history/history_model.h"
#include "ui/main_window.h"
#include "ui/panels/edit_panel.h"
#include "ui/widgets/run_status.h"
#include "ui/worker/engine_client.h"
#include "ui/widgets/status_line.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_cancel_feedback {

using namespace partedit::ui;
using partedit::test::qpath;
using partedit::test::screenshot;
using partedit::test::wait_for;

class TestCancelFeedback : public QObject {
  Q_OBJECT
  partedit::test::TempDir dir_;

  EngineConfig tinyConfig() {
    EngineConfig config;
    config.modelFolder = qpath(partedit::test::tiny_sdxl_dir());
    config.tokenFolder = qpath(dir_ / "tokens");
    config.useCache = false;
    return config;
  }

 private Q_SLOTS:
  void initTestCase() {
    partedit::test::use_private_app_data(dir_ / "home");  // not the user's, nor another test's
  }

  void cancelSaysCancellingAtOnceAndTheWindowStaysUsable() {
    MainWindow window;
    window.applyEngineConfig(tinyConfig());
    window.resize(1100, 760);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.generateImage(partedit::test::small_generation(64, 2));  // loads the model
    QVERIFY(wait_for([&] { return !window.isRunning(); }));
    QCOMPARE(window.history()->count(), 1);

    // A 1024x1024 run (one UNet batch a step: no guidance), cancelled once its first step has shown.
    GenerateSettings large = partedit::test::small_generation(1024, 3);
    large.guidance = 1.0;
    window.generateImage(large);
    QVERIFY(wait_for([&] { return window.runStatus()->text().contains(QStringLiteral("step 1 of 3")); }, 120000));
    QElapsedTimer sinceCancel;
    sinceCancel.start();
    window.cancelRun();
    // Said at once, before the engine has answered.
    QCOMPARE(window.runStatus()->text(), QStringLiteral("Cancelling…"));
    auto* statusCancel = window.runStatus()->findChild<QToolButton*>(QStringLiteral("runCancel"));
    QVERIFY(statusCancel && !statusCancel->isEnabled());
    QCOMPARE(statusCancel->text(), QStringLiteral("Cancelling…"));
    auto* panelCancel = window.editPanel()->findChild<QPushButton*>(QStringLiteral("cancel"));
    QVERIFY(panelCancel && !panelCancel->isEnabled());
    QCOMPARE(panelCancel->text(), QStringLiteral("Cancelling…"));
    QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);  // laid out as on screen
    screenshot(&window, QStringLiteral("cancelling.png"));
    // Later progress does not overwrite it.
    QTest::qWait(50);
    QCOMPARE(window.runStatus()->text(), QStringLiteral("Cancelling…"));

    QVERIFY(wait_for([&] { return !window.isRunning(); }, 60000));
    // The engine stops within a fraction of a step (tests/engine/test_cancel_within_step
    // measures it on the engine's side); here the window's whole round trip, generously.
    PE_VERIFY_LE(sinceCancel.elapsed() / 1000.0, 3.0);
    QVERIFY2(window.statusLine()->current().contains(QStringLiteral("Cancelled")),
             qPrintable(window.statusLine()->current()));
    QCOMPARE(panelCancel->text(), QStringLiteral("Cancel"));
    QVERIFY(!window.runStatus()->isVisible());

    // The next run works as before.
    window.generateImage(partedit::test::small_generation(64, 2));
    QVERIFY(wait_for([&] { return !window.isRunning(); }));
    QVERIFY(window.history()->count() >= 1);
    QCOMPARE(window.canvas()->image().size(), QSize(64, 64));
    QVERIFY(!window.runStatus()->isCancelling());
  }
};

PARTEDIT_TEST(TestCancelFeedback);
}  // namespace test_cancel_feedback
#include "test_cancel_feedback.moc"
