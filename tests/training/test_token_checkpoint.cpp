// Training checkpoints are checked as tokens are (issue 21, item 10): a checkpoint whose
// embedding, Adam moments or losses hold NaN or Inf, or whose second moment is negative, is
// refused when it is read, naming the file and the tensor, instead of resuming into
// "internal error: all elements of input should be between 0 and 1" inside the loss.
#include <QtTest>

#include <cmath>
#include <limits>

#include <ATen/ATen.h>

#include "runtime/error.h"
#include "support/test_support.h"
#include "training/token_checkpoint.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_token_checkpoint {

using namespace partedit;

namespace {

TokenCheckpoint adam_checkpoint() {
  TokenCheckpoint c;
  c.step = 3;
  c.embedding = at::linspace(-1, 1, 2 * 8).view({2, 8});
  c.first_moment = at::full({2, 8}, 0.01);
  c.second_moment = at::full({2, 8}, 0.0001);
  c.losses = {0.5, 0.4, 0.3};
  c.validations = {{3, 0.3, 0.5}};
  c.fingerprint = R"({"seed":7})";
  return c;
}

}  // namespace

class TestTokenCheckpoint : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void roundTrip() {
    test::TempDir dir;
    write_token_checkpoint(dir / "run.checkpoint", adam_checkpoint());
    const auto c = read_token_checkpoint(dir / "run.checkpoint");
    QCOMPARE(c.step, int64_t(3));
    QCOMPARE(test::max_abs_diff(c.embedding, adam_checkpoint().embedding), 0.0);
    QCOMPARE(c.losses, adam_checkpoint().losses);
  }

  void nonFiniteValuesAreRefused_data() {
    QTest::addColumn<QString>("tensor");
    QTest::addColumn<double>("value");
    QTest::addColumn<QString>("message");
    const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
    QTest::newRow("NaN embedding") << "embedding" << nan
                                   << "is damaged: its 'embedding' holds 1 non-finite values (NaN or Inf), which "
                                      "training never saves; delete it to train from the start";
    QTest::newRow("Inf embedding") << "embedding" << -inf << "its 'embedding' holds 1 non-finite values";
    QTest::newRow("NaN first moment") << "first_moment" << nan << "its 'first_moment' holds 1 non-finite values";
    QTest::newRow("Inf second moment") << "second_moment" << inf << "its 'second_moment' holds 1 non-finite values";
    QTest::newRow("negative second moment") << "second_moment" << -1.0 << "Adam's 'second_moment' has negative values";
    QTest::newRow("NaN loss") << "losses" << nan << "its 'losses' holds 1 non-finite values";
  }
  void nonFiniteValuesAreRefused() {
    QFETCH(QString, tensor);
    QFETCH(double, value);
    QFETCH(QString, message);
    TokenCheckpoint c = adam_checkpoint();
    if (tensor == "embedding") c.embedding[1][5] = value;
    if (tensor == "first_moment") c.first_moment[0][0] = value;
    if (tensor == "second_moment") c.second_moment[1][7] = value;
    if (tensor == "losses") c.losses[1] = value;
    test::TempDir dir;
    write_token_checkpoint(dir / "run.checkpoint", c);
    const auto error = test::error_of([&] { read_token_checkpoint(dir / "run.checkpoint"); });
    QVERIFY2(error.find((dir / "run.checkpoint").string() + " is damaged: ") != std::string::npos, error.c_str());
    QVERIFY2(error.find(message.toStdString()) != std::string::npos, error.c_str());
  }
};

PARTEDIT_TEST(TestTokenCheckpoint);
}  // namespace test_token_checkpoint
#include "test_token_checkpoint.moc"
