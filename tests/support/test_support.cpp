#include "support/test_support.h"

#include <unistd.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <random>

#include <ATen/ATen.h>
#include <QString>
#include <QtGlobal>

#include "io/json_config.h"
#include "runtime/error.h"

namespace partedit::test {
namespace fs = std::filesystem;

fs::path data_dir() { return fs::path(PARTEDIT_TEST_DATA_DIR); }
fs::path tiny_sdxl_dir() { return data_dir() / "tiny-sdxl"; }
fs::path tiny_blip2_dir() { return data_dir() / "tiny-blip2-flan-t5"; }
fs::path cli_path() { return fs::path(PARTEDIT_CLI_PATH); }

namespace {
nlohmann::json find_case(const std::string& name) {
  static const nlohmann::json manifest = read_json_file(data_dir() / "reference" / "manifest.json");
  for (const auto& c : manifest.at("cases"))
    if (c.at("name") == name) return c;
  throw Error("reference case '" + name + "' not in manifest.json");
}
}  // namespace

ReferenceCase::ReferenceCase(const std::string& name)
    : manifest_(find_case(name)),
      file_(data_dir() / "reference" / manifest_.at("file").get<std::string>()) {}

at::Tensor ReferenceCase::in(const std::string& name) const {
  auto t = file_.tensor("in." + name);
  return t.is_floating_point() ? t.to(at::kFloat) : t;
}

at::Tensor ReferenceCase::out(const std::string& name) const {
  auto t = file_.tensor("out." + name);
  return t.is_floating_point() ? t.to(at::kFloat) : t;
}

double max_abs_diff(const at::Tensor& a, const at::Tensor& b) {
  if (a.sizes() != b.sizes()) return std::numeric_limits<double>::infinity();
  if (a.numel() == 0) return 0.0;
  return (a.to(at::kDouble) - b.to(at::kDouble)).abs().max().item<double>();
}

double max_relative_diff(const at::Tensor& actual, const at::Tensor& reference) {
  const double scale = reference.numel() ? reference.to(at::kDouble).abs().max().item<double>() : 0.0;
  return max_abs_diff(actual, reference) / std::max(scale, 1e-30);
}

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

TempDir::TempDir() {
  std::random_device rd;
  path_ = fs::temp_directory_path() / ("partedit-test-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

CliResult run_cli(const std::vector<std::string>& args) {
  std::string command = "'" + cli_path().string() + "'";
  for (const auto& a : args) {
    std::string quoted = "'";
    for (char c : a) quoted += (c == '\'') ? std::string("'\\''") : std::string(1, c);
    command += " " + quoted + "'";
  }
  command += " 2>&1";
  CliResult result;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return result;
  std::array<char, 4096> buffer{};
  size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) result.output.append(buffer.data(), n);
  const int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

std::string last_line(const std::string& text) {
  std::string t = text;
  while (!t.empty() && t.back() == '\n') t.pop_back();
  const auto nl = t.rfind('\n');
  return nl == std::string::npos ? t : t.substr(nl + 1);
}

void copy_model_folder(const fs::path& source, const fs::path& dest,
                       const std::function<void(NamedTensors&)>& edit_weights,
                       const std::function<void(nlohmann::json&)>& edit_config) {
  fs::create_directories(dest);
  for (const auto& e : fs::directory_iterator(source))
    if (e.path().filename() != "model.safetensors" && e.path().filename() != "config.json")
      fs::copy_file(e.path(), dest / e.path().filename());
  auto config = read_json_file(source / "config.json");
  if (edit_config) edit_config(config);
  std::ofstream(dest / "config.json") << config.dump(2);
  SafetensorsFile file(source / "model.safetensors");
  NamedTensors tensors;
  for (const auto& e : file.entries()) tensors.emplace_back(e.name, file.tensor(e.name));
  if (edit_weights) edit_weights(tensors);
  write_safetensors(dest / "model.safetensors", tensors);
}

bool equal_values(const std::vector<double>& actual, const std::vector<double>& expected) {
  if (actual == expected) return true;
  QString a, e;
  for (double v : actual) a += QString::number(v, 'g', 10) + " ";
  for (double v : expected) e += QString::number(v, 'g', 10) + " ";
  qWarning("got      %s\nexpected %s", qPrintable(a), qPrintable(e));
  return false;
}

}  // namespace partedit::test
