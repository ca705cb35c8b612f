// CSV fields and lines as RFC 4180 writes them (section 2, rules 5-7), by hand.
#include <QtTest>

#include <string>

#include "support/test_registry.h"
#include "io/csv.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_csv {

using namespace partedit;

class TestCsv : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void plainFieldsAreUnquoted() {
    QCOMPARE(csv_field("human-head"), std::string("human-head"));
    QCOMPARE(csv_field(""), std::string());
    QCOMPARE(csv_field("0.25"), std::string("0.25"));
  }
  void specialFieldsAreQuotedWithDoubledQuotes() {
    QCOMPARE(csv_field("a, b"), std::string("\"a, b\""));
    QCOMPARE(csv_field("say \"hi\""), std::string("\"say \"\"hi\"\"\""));
    QCOMPARE(csv_field("two\nlines"), std::string("\"two\nlines\""));
    QCOMPARE(csv_field("cr\r"), std::string("\"cr\r\""));
  }
  void lineJoinsFieldsAndEnds() {
    QCOMPARE(csv_line({"line", "prompt", "psnr"}), std::string("line,prompt,psnr\n"));
    QCOMPARE(csv_line({"1", "a photo, of a cat", ""}), std::string("1,\"a photo, of a cat\",\n"));
    QCOMPARE(csv_line({}), std::string("\n"));
  }
};

PARTEDIT_TEST(TestCsv);
}  // namespace test_csv
#include "test_csv.moc"
