#include "support/test_registry.h"

#include <algorithm>
#include <filesystem>

namespace partedit::test {
namespace {

std::vector<RegisteredTest>& registry() {
  static std::vector<RegisteredTest> tests;  // filled by static initialisers, before main()
  return tests;
}

}  // namespace

bool register_test(const char* source_file, std::function<std::unique_ptr<QObject>()> create) {
  registry().push_back({std::filesystem::path(source_file).stem().string(), std::move(create)});
  return true;
}

std::vector<RegisteredTest> registered_tests() {
  auto tests = registry();
  std::sort(tests.begin(), tests.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return tests;
}

}  // namespace partedit::test
