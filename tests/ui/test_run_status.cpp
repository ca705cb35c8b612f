// The status bar's run indicator: a stage without steps (loading the model) shows an empty bar,
// not a busy animation that repaints 60 times a second, and counts its seconds in the label;
// steps replace the count; Cancel turns it into "Cancelling…", which later progress leaves.
#include <QtTest>

#include <QProgressBar>

#include "support/test_registry.h"
#include "ui/gui_test_helpers.h"
#include "ui/widgets/run_status.h"
#include "ui/worker/engine_types.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_run_status {

using namespace partedit::ui;
using partedit::test::wait_for;

class TestRunStatus : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void aStageWithoutStepsCountsSecondsWithoutABusyBar() {
    RunStatus status;
    status.show();
    status.start(QStringLiteral("Generating"));
    auto* bar = status.findChild<QProgressBar*>(QStringLiteral("runProgress"));
    QVERIFY(bar);
    QVERIFY(bar->maximum() > bar->minimum());  // a busy bar has minimum == maximum == 0
    QCOMPARE(status.text(), QStringLiteral("Generating…"));
    ProgressInfo loading;
    loading.stageId = 0;  // loading the model: no steps
    status.update(loading);
    QVERIFY(bar->maximum() > bar->minimum());
    QVERIFY(wait_for([&] { return status.text() == QStringLiteral("Loading the model… 1 s"); }, 3000));

    ProgressInfo step;
    step.stageId = 4;
    step.step = 1;
    step.total = 4;
    step.elapsed = 2;
    step.remaining = 6;
    status.update(step);
    QCOMPARE(status.text(), QStringLiteral("Generating — step 1 of 4 · 2 s elapsed · 6 s left"));
    QTest::qWait(1200);  // the count does not come back
    QVERIFY(status.text().startsWith(QStringLiteral("Generating — step 1 of 4")));

    status.setCancelling();
    step.step = 2;
    status.update(step);
    QCOMPARE(status.text(), QStringLiteral("Cancelling…"));
    QVERIFY(status.isCancelling());
    status.stop();
    QVERIFY(!status.isCancelling());
  }
};

PARTEDIT_TEST(TestRunStatus);
}  // namespace test_run_status
#include "test_run_status.moc"
