// JsonConfig's integer keys (sizes, counts, ids of a downloaded model's config.json) hold whole
// numbers in range or are refused naming the key: nlohmann's get<int64_t> would truncate 0.5,
// take true for 1, wrap 2^40 into an int, and convert 1e300 with undefined behaviour (found
// by the json_config fuzz target under UBSan; tests/data/crashers/json_config).
#include <QtTest>

#include <cstdint>
#include <string>
#include <vector>

#include "io/json_config.h"
#include "support/test_support.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_json_config {

using namespace partedit;

namespace {

JsonConfig config(const std::string& text) { return JsonConfig(nlohmann::json::parse(text), "config.json"); }

}  // namespace

class TestJsonConfig : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void wholeNumbersAreRead() {
    const JsonConfig c = config(R"({"a": 128, "b": 128.0, "c": -3, "d": [1, 2.0, 3], "e": 9223372036854775807,
                                    "f": 2147483647, "g": 1e18})");
    QCOMPARE(c.get<int64_t>("a"), int64_t(128));
    QCOMPARE(c.get<int64_t>("b"), int64_t(128));
    QCOMPARE(c.get_or<int64_t>("c", 0), int64_t(-3));
    QCOMPARE(c.get<std::vector<int64_t>>("d"), (std::vector<int64_t>{1, 2, 3}));
    QCOMPARE(c.get_int_list("d", 3), (std::vector<int64_t>{1, 2, 3}));
    QCOMPARE(c.get<int64_t>("e"), INT64_MAX);
    QCOMPARE(c.get<int>("f"), 2147483647);
    QCOMPARE(c.get<int64_t>("g"), int64_t(1000000000000000000));
    QCOMPARE(c.get<double>("a"), 128.0);  // floats and strings are untouched
  }

  void otherNumbersAreRefusedNamingTheKey_data() {
    QTest::addColumn<QString>("json");
    QTest::addColumn<QString>("type");
    QTest::newRow("1e300") << R"({"k": 1e300})" << "int64";
    QTest::newRow("2^63") << R"({"k": 9223372036854775808})" << "int64";
    QTest::newRow("-1e19") << R"({"k": -1e19})" << "int64";
    QTest::newRow("a fraction") << R"({"k": 0.5})" << "int64";
    QTest::newRow("a boolean") << R"({"k": true})" << "int64";
    QTest::newRow("2^40 in an int") << R"({"k": 1099511627776})" << "int";
    QTest::newRow("negative in unsigned") << R"({"k": -1})" << "uint64";
    QTest::newRow("a list with a fraction") << R"({"k": [1, 2.5]})" << "list";
    QTest::newRow("a list with 1e300") << R"({"k": [1e300]})" << "list";
  }
  void otherNumbersAreRefusedNamingTheKey() {
    QFETCH(QString, json);
    QFETCH(QString, type);
    const JsonConfig c = config(json.toStdString());
    std::string error;
    if (type == "int64") error = test::error_of([&] { c.get<int64_t>("k"); });
    if (type == "int") error = test::error_of([&] { c.get_or<int>("k", 0); });
    if (type == "uint64") error = test::error_of([&] { c.get<uint64_t>("k"); });
    if (type == "list") error = test::error_of([&] { c.get_int_list("k", 1 + (json.count(',') ? 1 : 0)); });
    QVERIFY2(error.find("config key 'k' in config.json must be a whole number in range") != std::string::npos,
             error.c_str());
  }
};

PARTEDIT_TEST(TestJsonConfig);
}  // namespace test_json_config
#include "test_json_config.moc"
