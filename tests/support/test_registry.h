#pragma once
// One Qt Test executable per test area: every tests/<area>/test_*.cpp registers its test
// class here (instead of QTEST_MAIN), and the area's main() runs the class CTest names.
#include <QObject>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace partedit::test {

struct RegisteredTest {
  std::string name;  // the file's base name, e.g. "test_unet": the CTest name after "<area>."
  std::function<std::unique_ptr<QObject>()> create;
};

// Registers the class of `source_file` (pass __FILE__); returns true for a static initialiser.
bool register_test(const char* source_file, std::function<std::unique_ptr<QObject>()> create);
// Every class of this executable, sorted by name.
std::vector<RegisteredTest> registered_tests();

}  // namespace partedit::test

#define PARTEDIT_TEST_CONCAT_(a, b) a##b
#define PARTEDIT_TEST_CONCAT(a, b) PARTEDIT_TEST_CONCAT_(a, b)
// PARTEDIT_TEST(TestClass): this file's tests, run as "<area>.<file base name>" by CTest.
#define PARTEDIT_TEST(TestClass)                                                                    \
  static const bool PARTEDIT_TEST_CONCAT(partedit_test_registered_, TestClass) =                    \
      ::partedit::test::register_test(__FILE__, [] { return std::make_unique<TestClass>(); })
