// The window shows the engine's progress at a bounded rate however fast the engine steps: the
// first report at once, the newest of a burst once the interval has passed, the ones between
// never; a report that changes what is shown (a new stage, the first mask) at once; nothing
// once the run has ended.
#include <QtTest>

#include "support/test_registry.h"
#include "ui/gui_test_helpers.h"
#include "ui/widgets/progress_throttle.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_progress_throttle {

using namespace partedit::ui;
using partedit::test::wait_for;

class TestProgressThrottle : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  // Reports that arrive faster than the interval: the first shows at once, the newest of the
  // rest once the interval has passed, the ones between never.
  void aBurstShowsItsFirstAtOnceThenItsNewest() {
    ProgressThrottle throttle(100);
    QVector<int> shown;
    connect(&throttle, &ProgressThrottle::show, this, [&](const ProgressInfo& info) { shown.push_back(info.step); });
    ProgressInfo info;
    for (int step = 1; step <= 20; ++step) {
      info.step = step;
      throttle.offer(info);
    }
    QCOMPARE(shown, QVector<int>{1});
    QVERIFY(wait_for([&] { return shown.size() == 2; }, 2000));
    QCOMPARE(shown, (QVector<int>{1, 20}));
    info.step = 21;
    throttle.offer(info);
    throttle.clear();  // the run ended: a report still waiting is dropped
    QTest::qWait(250);
    QCOMPARE(shown, (QVector<int>{1, 20}));
  }

  void aNewStageOrTheFirstMaskShowsAtOnce() {
    ProgressThrottle throttle(10000);
    QVector<int> shown;
    connect(&throttle, &ProgressThrottle::show, this, [&](const ProgressInfo& info) { shown.push_back(info.step); });
    ProgressInfo info;
    info.stageId = 5;
    info.step = 1;
    throttle.offer(info);
    info.step = 2;
    throttle.offer(info);  // waits
    info.step = 3;
    info.mask = QImage(4, 4, QImage::Format_Grayscale8);
    throttle.offer(info);  // the first mask
    info.step = 4;
    info.stageId = 11;
    throttle.offer(info);  // a new stage
    info.step = 5;
    throttle.offer(info);  // waits
    QCOMPARE(shown, (QVector<int>{1, 3, 4}));
    QVERIFY(throttle.hasPending());
  }
};

PARTEDIT_TEST(TestProgressThrottle);
}  // namespace test_progress_throttle
#include "test_progress_throttle.moc"
