// The desktop notification at the end of a long run (widgets/finish_notifier.h): it says
// something only when the run was long AND no window of the app is active; through the
// engine worker's signals it times each request by its id, speaks for edits, generations,
// trained tokens and failures, and stays quiet for cancelled runs.
#include <QtTest>

#include <QSignalSpy>
#include <QWidget>

#include "support/test_registry.h"
#include "ui/widgets/finish_notifier.h"
#include "ui/worker/engine_worker.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_finish_notifier {

using namespace partedit::ui;

class TestFinishNotifier : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void decidesOnActivityAndLength() {
    const qint64 longRun = FinishNotifier::kLongRunMs;
    QVERIFY(FinishNotifier::shouldNotify(false, longRun));
    QVERIFY(FinishNotifier::shouldNotify(false, 10 * longRun));
    QVERIFY(!FinishNotifier::shouldNotify(true, 10 * longRun));  // the artist is looking
    QVERIFY(!FinishNotifier::shouldNotify(false, longRun - 1));  // short: nothing to wait for
    QVERIFY(!FinishNotifier::shouldNotify(true, 0));
    QCOMPARE(longRun, qint64(10000));
  }

  void notifiesOnlyWhenInactiveAndLong() {
    QWidget window;
    FinishNotifier notifier(&window);
    notifier.setTrayAllowed(false);  // no tray icon popping up on the test machine
    bool active = true;
    notifier.setActiveProbe([&] { return active; });
    QSignalSpy notified(&notifier, &FinishNotifier::notified);
    QVERIFY(!notifier.runEnded(60000, QStringLiteral("Edit finished"), QStringLiteral("done")));
    active = false;
    QVERIFY(!notifier.runEnded(2000, QStringLiteral("Edit finished"), QStringLiteral("done")));
    QCOMPARE(notified.count(), 0);
    QVERIFY(notifier.runEnded(61000, QStringLiteral("Edit finished"), QStringLiteral("done")));
    QCOMPARE(notified.count(), 1);
    QCOMPARE(notified.first().at(0).toString(), QStringLiteral("Edit finished"));
    QVERIFY2(notified.first().at(1).toString().contains(QStringLiteral("1 min")), qPrintable(notified.first().at(1).toString()));
  }

  void timesTheWorkersRequests() {
    QWidget window;
    FinishNotifier notifier(&window);
    notifier.setTrayAllowed(false);
    notifier.setLongRunMs(150);
    bool active = false;
    notifier.setActiveProbe([&] { return active; });
    EngineWorker worker;  // its signals, emitted here, stand for a run on its thread
    notifier.watch(&worker);
    QSignalSpy notified(&notifier, &FinishNotifier::notified);

    // A long edit, unseen: notified, naming the edit.
    Q_EMIT worker.started(1, QStringLiteral("Editing"));
    QTest::qWait(200);
    ResultImages edit;
    edit.requestId = 1;
    edit.isEdit = true;
    edit.editPrompt = QStringLiteral("with a red <hat>");
    Q_EMIT worker.resultReady(edit);
    Q_EMIT worker.finished(1);
    QCOMPARE(notified.count(), 1);
    QCOMPARE(notified.last().at(0).toString(), QStringLiteral("Edit finished"));
    QVERIFY(notified.last().at(1).toString().contains(QStringLiteral("with a red <hat>")));

    // A quick one: nothing.
    Q_EMIT worker.started(2, QStringLiteral("Editing"));
    edit.requestId = 2;
    Q_EMIT worker.resultReady(edit);
    Q_EMIT worker.finished(2);
    QCOMPARE(notified.count(), 1);

    // A long training run, unseen: notified; the same while the window is active: not.
    Q_EMIT worker.started(3, QStringLiteral("Training"));
    QTest::qWait(200);
    TrainedTokenInfo token;
    token.partName = QStringLiteral("bright-disc");
    token.steps = 40;
    Q_EMIT worker.tokenTrained(3, token);
    Q_EMIT worker.finished(3);
    QCOMPARE(notified.count(), 2);
    QCOMPARE(notified.last().at(0).toString(), QStringLiteral("Training finished"));
    QVERIFY(notified.last().at(1).toString().contains(QStringLiteral("bright-disc")));
    active = true;
    Q_EMIT worker.started(4, QStringLiteral("Training"));
    QTest::qWait(200);
    Q_EMIT worker.tokenTrained(4, token);
    Q_EMIT worker.finished(4);
    QCOMPARE(notified.count(), 2);
    active = false;

    // A long run that fails says so; one that is cancelled does not (the artist stopped it).
    Q_EMIT worker.started(5, QStringLiteral("Editing"));
    QTest::qWait(200);
    Q_EMIT worker.failed(5, QStringLiteral("out of memory"));
    Q_EMIT worker.finished(5);
    QCOMPARE(notified.count(), 3);
    QVERIFY(notified.last().at(1).toString().contains(QStringLiteral("out of memory")));
    Q_EMIT worker.started(6, QStringLiteral("Editing"));
    QTest::qWait(200);
    Q_EMIT worker.cancelled(6);
    Q_EMIT worker.finished(6);
    QCOMPARE(notified.count(), 3);
    // A result of a request that was never seen starting (no time known) is not "long".
    edit.requestId = 99;
    Q_EMIT worker.resultReady(edit);
    QCOMPARE(notified.count(), 3);
  }
};

PARTEDIT_TEST(TestFinishNotifier);
}  // namespace test_finish_notifier
#include "test_finish_notifier.moc"
