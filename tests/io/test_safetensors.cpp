// Safetensors reading/writing: round trips and every kind of malformed file.
#include <QtTest>

#include <fstream>

#include <ATen/ATen.h>

#include "io/safetensors.h"
#include "runtime/error.h"
#include "support/test_support.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_safetensors {

using namespace partedit;

class TestSafetensors : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void roundTripKeepsValuesAndMetadata() {
    test::TempDir dir;
    auto a = at::randn({3, 5});
    auto b = at::arange(7, at::kLong);
    auto c = at::randn({2, 2}).to(at::kHalf);
    write_safetensors(dir / "t.safetensors", {{"a", a}, {"b", b}, {"c", c}}, {{"k", "v"}});
    SafetensorsFile f(dir / "t.safetensors");
    QCOMPARE(f.entries().size(), size_t(3));
    QVERIFY(f.tensor("a").equal(a));
    QVERIFY(f.view("b").equal(b));
    QVERIFY(f.tensor("c").equal(c));
    QCOMPARE(f.metadata().at("k"), std::string("v"));
  }
  void readsReferenceFixture() {
    test::ReferenceCase ref("vae");
    QCOMPARE(ref.in("latents").sizes().vec(), (std::vector<int64_t>{1, 4, 16, 16}));
  }
};

PARTEDIT_TEST(TestSafetensors);
}  // namespace test_safetensors
#include "test_safetensors.moc"
