// The small text helpers of runtime/text.h against hand-written expectations.
#include <QtTest>

#include <algorithm>
#include <string>
#include <vector>

#include "support/test_registry.h"
#include "runtime/text.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_text {

using namespace partedit;
using Words = std::vector<std::string>;

// The textbook recursion of optimal string alignment distance, for short strings.
size_t naive_distance(const std::string& a, const std::string& b, size_t i, size_t j) {
  if (i == 0) return j;
  if (j == 0) return i;
  size_t best = std::min({naive_distance(a, b, i - 1, j) + 1, naive_distance(a, b, i, j - 1) + 1,
                          naive_distance(a, b, i - 1, j - 1) + (a[i - 1] == b[j - 1] ? 0 : 1)});
  if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
    best = std::min(best, naive_distance(a, b, i - 2, j - 2) + 1);
  return best;
}

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

  void editDistanceAgreesWithTheNaiveRecursion() {
    const Words words = {"", "a", "head", "hed", "ehad", "hair", "human-head", "hmuan-haed", "car-hood", "abcdef"};
    for (const auto& a : words)
      for (const auto& b : words)
        QCOMPARE(edit_distance(a, b), naive_distance(a, b, a.size(), b.size()));
    QCOMPARE(edit_distance("ab", "ba"), size_t(1));  // a swap is one edit
  }

  void closestMatchesAreNearestFirstAndBounded() {
    const Words parts = {"human-head", "human-hair", "car-hood", "dog-head"};
    QCOMPARE(closest_matches("human-haed", parts), (Words{"human-head", "human-hair"}));
    QCOMPARE(closest_matches("HED", parts), (Words{"human-head", "dog-head"}));  // a word of the name, any case
    QCOMPARE(closest_matches("tail", parts), Words{});
    QCOMPARE(closest_matches("", parts), Words{});
    QCOMPARE(closest_matches("head", parts, 1).size(), size_t(1));
  }
};

PARTEDIT_TEST(TestText);
}  // namespace test_text
#include "test_text.moc"
