// The small text helpers of runtime/text.h against hand-written expectations.
#include <QtTest>

#include <string>
#include <vector>

#include "support/test_registry.h"
#include "runtime/text.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_text {

using namespace partedit;
using Words = std::vector<std::string>;

class TestText : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void lowerAsciiLeavesOtherBytes() {
    QCOMPARE(lower_ascii("Model.SafeTensors"), std::string("model.safetensors"));
    QCOMPARE(lower_ascii("CAF\xC3\x89"), std::string("caf\xC3\x89"));  // UTF-8 bytes untouched
    QCOMPARE(lower_ascii(""), std::string());
  }
  void blankIsOnlyWhitespace() {
    QVERIFY(is_blank(""));
    QVERIFY(is_blank(" \t\r\n\v\f"));
    QVERIFY(!is_blank("  a "));
    QVERIFY(!is_blank(std::string("\0", 1)));
  }
  void wordsSplitOnAnyWhitespace() {
    QCOMPARE(split_words("  a photo\tof\n a  cat "), (Words{"a", "photo", "of", "a", "cat"}));
    QCOMPARE(split_words(""), Words{});
    QCOMPARE(split_words(" \t "), Words{});
    QCOMPARE(split_words("<head>"), Words{"<head>"});
  }
  void joinPutsTheSeparatorBetween() {
    QCOMPARE(join({}, ", "), std::string());
    QCOMPARE(join({"a"}, ", "), std::string("a"));
    QCOMPARE(join({"a", "", "c"}, "; "), std::string("a; ; c"));
  }
};

PARTEDIT_TEST(TestText);
}  // namespace test_text
#include "test_text.moc"
