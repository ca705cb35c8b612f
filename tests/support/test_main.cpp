// main() of every test-area executable:
//   tests_<area> [test_name] [Qt Test options and test functions]
// runs the named class (CTest's "<area>.<test_name>"), or every class of the area when the first
// argument is not a registered name; --list prints the names. Widget areas are compiled with
// PARTEDIT_TEST_WIDGETS and get a QApplication, the others a QCoreApplication.
#include <QtTest>

#include <cstdio>
#include <cstring>
#include <vector>

#ifdef PARTEDIT_TEST_WIDGETS
#include <QApplication>
#endif

#include "support/test_registry.h"

int main(int argc, char** argv) {
#ifdef PARTEDIT_TEST_WIDGETS
  QApplication::setAttribute(Qt::AA_Use96Dpi, true);  // as QTEST_MAIN does
  QApplication app(argc, argv);
#else
  QCoreApplication app(argc, argv);
#endif
  const auto tests = partedit::test::registered_tests();
  if (argc > 1 && std::strcmp(argv[1], "--list") == 0) {
    for (const auto& test : tests) std::printf("%s\n", test.name.c_str());
    return 0;
  }
  const char* selected = nullptr;
  if (argc > 1) {
    for (const auto& test : tests) {
      if (test.name == argv[1]) selected = argv[1];
    }
  }
  // Qt Test sees the program name followed by the options after the selection.
  std::vector<char*> qtest_args{argv[0]};
  for (int i = selected ? 2 : 1; i < argc; ++i) qtest_args.push_back(argv[i]);
  if (argc > 1 && !selected && argv[1][0] != '-') {
    std::fprintf(stderr, "%s: no test named %s (--list names them)\n", argv[0], argv[1]);
    return 2;
  }
  int failures = 0;
  for (const auto& test : tests) {
    if (selected && test.name != selected) continue;
    const auto object = test.create();
    failures += QTest::qExec(object.get(), static_cast<int>(qtest_args.size()), qtest_args.data());
  }
  return failures > 255 ? 255 : failures;
}
