// Cancellation per request (the app's worker queue): a cancel reaches the request it names,
// queued or running, and no other; a request that ends forgets its token, so neither a later
// request nor a late cancel mixes them up.
#include <QtTest>

#include "engine/request_cancels.h"
#include "support/test_registry.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_request_cancels {

using namespace partedit;

class TestRequestCancels : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void aCancelWhileQueuedIsSeenWhenTheRequestStarts() {
    RequestCancels requests;
    requests.queued(1);
    requests.queued(2);
    requests.cancel(2);
    QVERIFY(!requests.started(1).cancelled());
    requests.ended(1);
    QVERIFY(requests.started(2).cancelled());
  }

  void aCancelOfTheRunningRequestIsNotInheritedByTheNext() {
    RequestCancels requests;
    requests.queued(1);
    requests.queued(2);
    const CancelToken first = requests.started(1);
    requests.cancel(1);
    QVERIFY(first.cancelled());
    requests.ended(1);
    QVERIFY(!requests.started(2).cancelled());
  }

  void cancelAllReachesTheRunningAndTheQueued() {
    RequestCancels requests;
    requests.queued(1);
    requests.queued(2);
    const CancelToken first = requests.started(1);
    requests.cancel_all();
    QVERIFY(first.cancelled());
    requests.ended(1);
    QVERIFY(requests.started(2).cancelled());
    requests.ended(2);
    requests.queued(3);  // sent after the cancel: not reached by it
    QVERIFY(!requests.started(3).cancelled());
  }

  void anEndedOrUnknownIdIsNotRemembered() {
    RequestCancels requests;
    requests.cancel(7);  // never queued
    QVERIFY(!requests.started(7).cancelled());
    requests.ended(7);
    requests.cancel(7);  // after its end
    requests.queued(7);
    QVERIFY(!requests.started(7).cancelled());
  }

  void aRequestThatWasNotAnnouncedCanBeCancelledOnceItRuns() {
    RequestCancels requests;
    const CancelToken token = requests.started(4);
    requests.cancel(4);
    QVERIFY(token.cancelled());
  }
};

PARTEDIT_TEST(TestRequestCancels);
}  // namespace test_request_cancels
#include "test_request_cancels.moc"
