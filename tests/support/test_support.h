#pragma once
// Shared helpers of the test executables: where the reference data lives, reading a
// reference case, and numeric comparisons with stated meanings.
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <QtTest>

#include "support/test_registry.h"

#include <ATen/core/Tensor.h>
#include <nlohmann/json.hpp>

#include "io/safetensors.h"
#include "runtime/error.h"

namespace partedit::test {

std::filesystem::path data_dir();       // tests/data
std::filesystem::path tiny_sdxl_dir();  // tests/data/tiny-sdxl
std::filesystem::path tiny_blip2_dir();  // tests/data/tiny-blip2-flan-t5
std::filesystem::path cli_path();        // the built partedit-cli

// One case of tests/data/reference (manifest.json + its safetensors file).
class ReferenceCase {
 public:
  explicit ReferenceCase(const std::string& name);
  const nlohmann::json& manifest() const { return manifest_; }
  const nlohmann::json& params() const { return manifest_.at("params"); }
  at::Tensor in(const std::string& name) const;   // "in.<name>", float tensors as float32
  at::Tensor out(const std::string& name) const;  // "out.<name>"
  bool has(const std::string& key) const { return file_.contains(key); }

 private:
  nlohmann::json manifest_;
  SafetensorsFile file_;
};

// max |a - b| (shapes must match; checked with QVERIFY by the callers' macros).
double max_abs_diff(const at::Tensor& a, const at::Tensor& b);
// max |a - b| / max |reference|: the "relative error" quoted in issues and closing notes.
double max_relative_diff(const at::Tensor& actual, const at::Tensor& reference);

// The whole file as bytes ("" when it cannot be read).
std::string read_bytes(const std::filesystem::path& path);

// A fresh empty temporary folder, removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// The message of the partedit::Error that `f` throws; "" if it throws nothing, and a
// "wrong exception type" text for any other exception.
template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const partedit::Error& e) {
    return e.what();
  } catch (const std::exception& e) {
    return std::string("wrong exception type: ") + e.what();
  }
  return "";
}

// Runs the CLI with arguments; returns the exit code and captures stdout+stderr.
struct CliResult {
  int exit_code = -1;
  std::string output;
};
CliResult run_cli(const std::vector<std::string>& args);
// Copies the model folder `source` into `dest` (created), passing its config.json and
// model.safetensors through the callbacks (either may be empty); other files are copied as they are.
void copy_model_folder(const std::filesystem::path& source, const std::filesystem::path& dest,
                       const std::function<void(NamedTensors&)>& edit_weights,
                       const std::function<void(nlohmann::json&)>& edit_config = {});

// Exact equality of host schedules; a mismatch prints both (10 digits) with qWarning.
bool equal_values(const std::vector<double>& actual, const std::vector<double>& expected);

// The last non-empty line of `text` (trailing newlines dropped): where --timings JSON goes.
std::string last_line(const std::string& text);

// Qt Test check: partedit-cli with `args` exits non-zero and says `message`.
inline void verify_cli_fails(const std::vector<std::string>& args, const std::string& message) {
  const auto r = run_cli(args);
  QVERIFY2(r.exit_code != 0, r.output.c_str());
  QVERIFY2(r.output.find(message) != std::string::npos,
           qPrintable(QString::fromStdString("expected '" + message + "' in: " + r.output)));
}

}  // namespace partedit::test

// Qt Test helper: compare tensor shapes and check a scalar bound with a readable message.
#define PE_VERIFY_SHAPE(a, b) QVERIFY2((a).sizes() == (b).sizes(), "shape mismatch")
#define PE_VERIFY_LE(value, bound)                                                            \
  do {                                                                                        \
    const double pe_v = (value);                                                              \
    const double pe_b = (bound);                                                              \
    QVERIFY2(pe_v <= pe_b, qPrintable(QStringLiteral("%1 = %2 exceeds %3")                    \
                                          .arg(QStringLiteral(#value))                        \
                                          .arg(pe_v, 0, 'g', 6)                               \
                                          .arg(pe_b, 0, 'g', 6)));                            \
  } while (0)
