// printable_excerpt and capped_list: text from files and users made printable and bounded
// before it goes into a message (issue 9, §4.6).
#include <QtTest>

#include <string>
#include <vector>

#include "support/test_registry.h"
#include "runtime/message_text.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_message_text {

using namespace partedit;

class TestMessageText : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void shortPrintableTextIsUnchanged() {
    QCOMPARE(printable_excerpt("down_blocks.0.attn.to_q.weight", 80), std::string("down_blocks.0.attn.to_q.weight"));
    QCOMPARE(printable_excerpt("", 80), std::string());
    QCOMPARE(printable_excerpt("caf\xC3\xA9 \xE7\x8C\xAB", 80), std::string("caf\xC3\xA9 \xE7\x8C\xAB"));  // valid UTF-8 kept
  }
  void controlAndInvalidBytesAreEscaped() {
    QCOMPARE(printable_excerpt(std::string("a\0b", 3), 80), std::string("a\\x00b"));
    QCOMPARE(printable_excerpt("\x1B[31mred\n\t", 80), std::string("\\x1B[31mred\\n\\t"));
    QCOMPARE(printable_excerpt("\xFF\xC3", 80), std::string("\\xFF\\xC3"));          // invalid, truncated
    QCOMPARE(printable_excerpt("\xC0\xAF", 80), std::string("\\xC0\\xAF"));          // overlong '/'
    QCOMPARE(printable_excerpt("\xED\xA0\x80", 80), std::string("\\xED\\xA0\\x80"));  // a surrogate
    QCOMPARE(printable_excerpt("\xC2\x9B", 80), std::string("\\xC2\\x9B"));          // C1 control (CSI)
    QCOMPARE(printable_excerpt("\xE2\x80\xAE", 80), std::string("\\xE2\\x80\\xAE"));  // right-to-left override
  }
  void longTextIsCutWithItsLength() {
    const std::string name(100000, 'n');
    QCOMPARE(printable_excerpt(name, 80), std::string(80, 'n') + "...(100000 characters)");
    QCOMPARE(printable_excerpt(std::string(80, 'n'), 80), std::string(80, 'n'));
    // Characters, not bytes: three 3-byte characters fit a limit of 3.
    QCOMPARE(printable_excerpt("\xE7\x8C\xAB\xE7\x8C\xAB\xE7\x8C\xAB", 3), std::string("\xE7\x8C\xAB\xE7\x8C\xAB\xE7\x8C\xAB"));
    QCOMPARE(printable_excerpt("\xE7\x8C\xAB\xE7\x8C\xAB\xE7\x8C\xAB", 2),
             std::string("\xE7\x8C\xAB\xE7\x8C\xAB...(3 characters)"));
  }
  void listsAreCapped() {
    QCOMPARE(capped_list({}, 10), std::string());
    QCOMPARE(capped_list({"a", "b"}, 10), std::string("a, b"));
    std::vector<std::string> many;
    for (int i = 0; i < 40000; ++i) many.push_back("t" + std::to_string(i));
    QCOMPARE(capped_list(many, 3), std::string("t0, t1, t2 and 39997 more"));
    const auto long_items = capped_list({std::string(1000, 'x'), "\x1B"}, 10);
    QCOMPARE(long_items, std::string(160, 'x') + "...(1000 characters), \\x1B");
  }
};

PARTEDIT_TEST(TestMessageText);
}  // namespace test_message_text
#include "test_message_text.moc"
