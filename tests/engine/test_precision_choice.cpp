// --dtype auto: cpuid's bf16 features against the kernel's own reading (/proc/cpuinfo), the
// choice from a kept measurement (bf16 only when clearly faster), a damaged or foreign kept
// file measured anew, PARTEDIT_AUTO_DTYPE, and the warning for bf16 without native support.
#include <fstream>
#include <set>
#include <sstream>

#include <QtTest>

#include <nlohmann/json.hpp>

#include "engine/precision_choice.h"
#include "runtime/error.h"
#include "support/test_support.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_precision_choice {

using namespace partedit;
namespace fs = std::filesystem;

namespace {

std::set<std::string> cpuinfo_flags() {
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("flags", 0) == 0) {
      std::istringstream words(line.substr(line.find(':') + 1));
      std::set<std::string> flags;
      for (std::string w; words >> w;) flags.insert(w);
      return flags;
    }
  return {};
}

void keep(const fs::path& file, const std::string& machine, double fp32_s, double bf16_s) {
  std::ofstream(file) << nlohmann::json{{"machine", machine}, {"fp32_s", fp32_s}, {"bf16_s", bf16_s}}.dump();
}

// choose_compute without the test suite's PARTEDIT_AUTO_DTYPE.
ComputeOptions choose_auto(const fs::path& cache) {
  const QByteArray forced = qgetenv("PARTEDIT_AUTO_DTYPE");
  qunsetenv("PARTEDIT_AUTO_DTYPE");
  ComputeOptions chosen = choose_compute("cpu", "auto", cache);
  if (!forced.isNull()) qputenv("PARTEDIT_AUTO_DTYPE", forced);
  return chosen;
}

}  // namespace

class TestPrecisionChoice : public QObject {
  Q_OBJECT
  test::TempDir dir_;

 private Q_SLOTS:
  void cpuidAgreesWithTheKernel() {
    const std::set<std::string> flags = cpuinfo_flags();
    if (flags.empty()) QSKIP("no /proc/cpuinfo flags line (not an x86 Linux)");
    const CpuBf16Support support = cpu_bf16_support();
    QCOMPARE(support.avx512_bf16, flags.count("avx512_bf16") == 1);
    QCOMPARE(support.amx_bf16, flags.count("amx_bf16") == 1);
  }

  void aKeptMeasurementDecides() {
    if (!cpu_bf16_support().native()) {
      // Nothing to measure: fp32, said why, and no file written.
      const fs::path cache = dir_ / "none.json";
      const ComputeOptions chosen = choose_auto(cache);
      QCOMPARE(chosen.dtype, c10::kFloat);
      QVERIFY(chosen.choice_reason.find("no native bf16") != std::string::npos);
      QVERIFY(!fs::exists(cache));
      return;
    }
    const fs::path cache = dir_ / "precision.json";
    keep(cache, precision_machine_key(), 1.0, 0.5);  // bf16 in half the time
    ComputeOptions chosen = choose_auto(cache);
    QCOMPARE(chosen.dtype, c10::kBFloat16);
    QVERIFY2(chosen.choice_reason.find("0.50x") != std::string::npos, chosen.choice_reason.c_str());
    keep(cache, precision_machine_key(), 1.0, 0.95);  // a near tie keeps exact fp32
    chosen = choose_auto(cache);
    QCOMPARE(chosen.dtype, c10::kFloat);
    QVERIFY2(chosen.choice_reason.find("but measured here bf16 takes 0.95x") != std::string::npos,
             chosen.choice_reason.c_str());
    QVERIFY(!chosen.choice_warns);
  }

  void aDamagedOrForeignKeptFileIsMeasuredAnew() {
    if (!cpu_bf16_support().native()) QSKIP("this CPU has no native bf16: auto measures nothing");
    const fs::path cache = dir_ / "damaged.json";
    for (const std::string& content : {std::string("{\"machine\": \"x\", \"fp32"),
                                       nlohmann::json{{"machine", "another CPU"}, {"fp32_s", 1}, {"bf16_s", 0.1}}.dump()}) {
      std::ofstream(cache) << content;
      const ComputeOptions chosen = choose_auto(cache);
      QVERIFY(chosen.dtype == c10::kFloat || chosen.dtype == c10::kBFloat16);
      std::ifstream in(cache);
      const auto kept = nlohmann::json::parse(in, nullptr, false);
      QVERIFY(kept.is_object());
      QCOMPARE(kept.value("machine", std::string()), precision_machine_key());
      const double ratio = kept.value("bf16_s", 0.0) / kept.value("fp32_s", 1.0);
      QVERIFY2(ratio > 0.05 && ratio < 20, std::to_string(ratio).c_str());  // a real measurement
      QCOMPARE(chosen.dtype == c10::kBFloat16, ratio <= kBf16ChoiceRatio);
    }
  }

  void theEnvironmentAndExplicitWordsWin() {
    qputenv("PARTEDIT_AUTO_DTYPE", "bf16");
    ComputeOptions chosen = choose_compute("cpu", "auto", dir_ / "unused.json");
    QCOMPARE(chosen.dtype, c10::kBFloat16);
    QVERIFY(chosen.choice_reason.find("PARTEDIT_AUTO_DTYPE") != std::string::npos);
    qputenv("PARTEDIT_AUTO_DTYPE", "fp32");
    QCOMPARE(choose_compute("cpu", "AUTO", dir_ / "unused.json").dtype, c10::kFloat);
    QVERIFY(!fs::exists(dir_ / "unused.json"));
    // An explicit word is taken as given; bf16 without native support is allowed, with a warning.
    QCOMPARE(choose_compute("cpu", "fp32").dtype, c10::kFloat);
    QVERIFY(choose_compute("cpu", "fp32").choice_reason.empty());
    chosen = choose_compute("cpu", "bf16");
    QCOMPARE(chosen.dtype, c10::kBFloat16);
    QCOMPARE(chosen.choice_warns, !cpu_bf16_support().native());
    try {
      choose_compute("cpu", "fp16");
      QFAIL("fp16 on the CPU was accepted");
    } catch (const Error& e) {
      QVERIFY2(std::string(e.what()).find("not supported on the CPU") != std::string::npos, e.what());
    }
  }
};

PARTEDIT_TEST(TestPrecisionChoice);
}  // namespace test_precision_choice
#include "test_precision_choice.moc"
