// The progress estimate shared by the CLI's progress lines and the app: elapsed time, the
// rate without the first step's warm-up, the time remaining and their text. Times are
// synthetic (an injected clock), so every expected value is exact arithmetic.
#include <QtTest>

#include "support/test_registry.h"
#include "runtime/progress_clock.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_progress_clock {

using namespace partedit;

class TestProgressClock : public QObject {
  Q_OBJECT
  double now_ = 0;
  ProgressClock clock() {
    return ProgressClock([this] { return now_; });
  }

 private Q_SLOTS:
  void init() { now_ = 100; }

  void firstStepAloneGivesItsOwnRate() {
    ProgressClock c = clock();
    now_ += 8;  // step 1: 8 s, warm-up included
    const auto e = c.tick(1, 5);
    QCOMPARE(e.step, 1);
    QCOMPARE(e.total, 5);
    QCOMPARE(e.elapsed, 8.0);
    QCOMPARE(e.seconds_per_step, 8.0);
    QCOMPARE(e.remaining, 32.0);
  }

  void laterStepsLeaveTheWarmUpOut() {
    ProgressClock c = clock();
    now_ += 8;  // warm-up step
    c.tick(1, 10);
    now_ += 2;
    c.tick(2, 10);
    now_ += 4;  // steps 2 and 3 took 2 s and 4 s: 3 s/step
    const auto e = c.tick(3, 10);
    QCOMPARE(e.elapsed, 14.0);
    QCOMPARE(e.seconds_per_step, 3.0);
    QCOMPARE(e.remaining, 21.0);  // 7 steps left
    ProgressEstimate last;
    for (int step = 4; step <= 10; ++step) {
      now_ += 3;
      last = c.tick(step, 10);
    }
    QCOMPARE(last.remaining, 0.0);
    QCOMPARE(last.seconds_per_step, 3.0);
  }

  void skippedCallbacksStillAverageOverTheSteps() {
    ProgressClock c = clock();
    now_ += 5;
    c.tick(1, 50);
    now_ += 20;  // steps 2..5 reported at once: 5 s/step
    const auto e = c.tick(5, 50);
    QCOMPARE(e.seconds_per_step, 5.0);
    QCOMPARE(e.remaining, 225.0);
  }

  void restartForgetsThePreviousRun() {
    ProgressClock c = clock();
    now_ += 50;
    c.tick(1, 2);
    now_ += 1;
    c.restart();
    now_ += 2;
    const auto e = c.tick(1, 3);
    QCOMPARE(e.elapsed, 2.0);
    QCOMPARE(e.seconds_per_step, 2.0);
  }

  void durationsReadAsSecondsMinutesHours() {
    QCOMPARE(QString::fromStdString(format_duration(0)), QStringLiteral("0.0 s"));
    QCOMPARE(QString::fromStdString(format_duration(4.24)), QStringLiteral("4.2 s"));
    QCOMPARE(QString::fromStdString(format_duration(59.9)), QStringLiteral("59.9 s"));
    QCOMPARE(QString::fromStdString(format_duration(59.97)), QStringLiteral("1 min 00 s"));
    QCOMPARE(QString::fromStdString(format_duration(193.4)), QStringLiteral("3 min 13 s"));
    QCOMPARE(QString::fromStdString(format_duration(7500)), QStringLiteral("2 h 05 min"));
    QCOMPARE(QString::fromStdString(format_duration(-1)), QStringLiteral("0.0 s"));
  }

  void lineHasElapsedRateAndRemaining() {
    ProgressClock c = clock();
    now_ += 12.3;
    QCOMPARE(QString::fromStdString(c.line(1, 50)), QStringLiteral("step 1/50, 12.3 s elapsed, 12.3 s/step, 10 min 03 s left"));
    now_ += 4.1;
    QCOMPARE(QString::fromStdString(c.line(2, 50)), QStringLiteral("step 2/50, 16.4 s elapsed, 4.10 s/step, 3 min 17 s left"));
    ProgressEstimate fast;
    fast.step = 7;
    fast.total = 8;
    fast.elapsed = 0.21;
    fast.seconds_per_step = 0.0306;
    fast.remaining = 0.0306;
    QCOMPARE(QString::fromStdString(format_progress(fast)), QStringLiteral("step 7/8, 0.2 s elapsed, 0.031 s/step, 0.0 s left"));
  }
};

PARTEDIT_TEST(TestProgressClock);
}  // namespace test_progress_clock
#include "test_progress_clock.moc"
