#include "cli_common.h"

#include <algorithm>
#include <iomanip>
#include <iostream>
#include <sstream>

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include "io/safetensors.h"
#include "pipeline/diffusion_model.h"
#include "runtime/cpu_share.h"
#include "runtime/error.h"
#include "runtime/progress_clock.h"
#include "runtime/text.h"

namespace partedit::cli {
namespace fs = std::filesystem;

void check_output_path(const fs::path& path, const std::vector<std::string>& extensions, const char* option) {
  const std::string ext = lower_ascii(path.extension().string());
  std::string list;
  for (const auto& e : extensions) list += (list.empty() ? "" : ", ") + e;
  const std::string name = std::string("--") + option + " " + path.string();
  std::error_code ec;
  if (fs::is_directory(path, ec) || path.filename().empty())
    throw Error(name + " is a folder; give a file name in it, e.g. " + (path / ("out" + extensions.front())).string());
  if (ext.empty()) throw Error(name + " has no extension (use " + list + ")");
  if (std::find(extensions.begin(), extensions.end(), ext) == extensions.end())
    throw Error(name + ": unknown extension '" + ext + "' (use " + list + ")");
  const fs::path folder = path.has_parent_path() ? path.parent_path() : fs::path(".");
  if (!fs::is_directory(folder))
    throw Error(std::string("--") + option + " " + path.string() + ": the folder " + folder.string() + " does not exist");
}

namespace {

// The path as the file system will resolve it; `path` itself when that fails.
fs::path resolved(const fs::path& path) {
  std::error_code ec;
  fs::path out = fs::weakly_canonical(path, ec);
  return ec ? fs::absolute(path, ec).lexically_normal() : out;
}

bool same_file(const fs::path& a, const fs::path& b) {
  if (resolved(a) == resolved(b)) return true;
  std::error_code ec;
  return fs::exists(a, ec) && fs::exists(b, ec) && fs::equivalent(a, b, ec);
}

// `file` lies somewhere below `folder` (both resolved).
bool inside(const fs::path& file, const fs::path& folder) {
  const fs::path f = resolved(file), d = resolved(folder);
  const auto mismatch = std::mismatch(d.begin(), d.end(), f.begin(), f.end());
  return mismatch.first == d.end() && mismatch.second != f.end();
}

}  // namespace

void check_distinct_outputs(const NamedPaths& outputs, const NamedPaths& inputs) {
  std::vector<std::pair<std::string, fs::path>> written(outputs.begin(), outputs.end());
  for (size_t i = 0; i < written.size(); ++i)
    for (size_t j = 0; j < i; ++j)
      if (same_file(written[i].second, written[j].second))
        throw Error("--" + written[j].first + " " + written[j].second.string() + " and --" + written[i].first + " " +
                    written[i].second.string() + " name the same file; give each output its own name");
  std::error_code ec;
  for (const auto& [option, value] : inputs) {
    const fs::path input = value;
    const bool folder = fs::is_directory(input, ec);
    for (const auto& [out_option, out] : written) {
      if (folder ? !(inside(out, input) && fs::exists(out, ec)) : !same_file(out, input)) continue;
      throw Error("--" + out_option + " " + out.string() + " would overwrite " +
                  (folder ? "a file of the input --" + option + " " + input.string()
                          : "the input --" + option + " " + input.string()) +
                  "; write the output elsewhere");
    }
  }
}

at::Tensor read_initial_latents(const fs::path& path) {
  if (!fs::is_regular_file(path)) throw Error("--init-latents " + path.string() + ": no such file");
  SafetensorsFile file(path);
  if (!file.contains("latents"))
    throw Error("--init-latents " + path.string() + " has no tensor named 'latents'");
  at::Tensor latents = file.tensor("latents");
  if (latents.dim() != 4 || latents.size(0) != 1 || !latents.is_floating_point())
    throw Error("--init-latents " + path.string() + ": 'latents' must be a float tensor [1, C, h, w], got " +
                c10::str(latents.sizes()));
  return latents.to(at::kFloat);
}

namespace {
CancelToken* g_interrupt_token = nullptr;
extern "C" void on_interrupt(int) {
  if (g_interrupt_token) g_interrupt_token->cancel();
}
}  // namespace

InterruptScope::InterruptScope(CancelToken& token) {
  g_interrupt_token = &token;
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESETHAND;
  sigaction(SIGINT, &action, &previous_);
}

InterruptScope::~InterruptScope() {
  sigaction(SIGINT, &previous_, nullptr);
  g_interrupt_token = nullptr;
}

void fill_size_from_latents(const DiffusionModel& model, GenerateRequest& request) {
  if (!request.initial_latents.defined()) return;
  const int64_t f = model.vae_scale_factor();
  if (request.width == 0) request.width = request.initial_latents.size(3) * f;
  if (request.height == 0) request.height = request.initial_latents.size(2) * f;
}

StageTimes stage_times(const DiffusionModel& model, const GenerateTimings& timings,
                       std::chrono::steady_clock::time_point after_load) {
  StageTimes t;
  t.load = model.load_seconds();
  t.encode = timings.encode;
  t.denoise = timings.denoise;
  t.decode = timings.decode;
  t.total_after_load = std::chrono::duration<double>(std::chrono::steady_clock::now() - after_load).count();
  return t;
}

void print_timings(const StageTimes& times, const ComputeOptions& compute) {
  nlohmann::ordered_json t;
  t["load"] = times.load;
  t["encode"] = times.encode;
  t["denoise"] = times.denoise;
  t["decode"] = times.decode;
  for (const auto& [name, seconds] : times.extra) t[name] = seconds;
  t["total_after_load"] = times.total_after_load;
  print_timings(t, compute);
}

void print_timings(const nlohmann::ordered_json& fields, const ComputeOptions& compute) {
  nlohmann::ordered_json t = fields;
  t["dtype"] = dtype_name(compute.dtype);
  if (const int blas = blas_threads(); blas > 0) t["blas_threads"] = blas;  // at the end: fitted to free cores
  t["peak_rss_mb"] = peak_rss_mb();
  if (const auto cuda = peak_cuda_mb(compute.device)) t["peak_cuda_mb"] = *cuda;
  std::cout << t.dump() << std::endl;
}

EngineListener stderr_listener(bool prefix_inversion) {
  EngineListener listener;
  listener.status = [](const std::string& text) { std::cerr << text << "\n"; };
  listener.note = [](const std::string& text) { std::cerr << "note: " << text << "\n"; };
  listener.warning = [](const std::string& text) { std::cerr << "warning: " << text << "\n"; };
  listener.progress = [prefix_inversion](const EngineProgress& p) {
    switch (p.stage) {
      case EngineStage::Inverting:
        std::cerr << (prefix_inversion ? "inversion " : "") << format_progress(p.estimate) << " (t=" << p.timestep
                  << ")\n";
        break;
      case EngineStage::Replaying:
        std::cerr << "replay " << format_progress(p.estimate) << " (t=" << p.timestep << ")\n";
        break;
      case EngineStage::Generating:
        std::cerr << format_progress(p.estimate) << " (t=" << p.timestep << ")\n";
        break;
      case EngineStage::Editing:
      case EngineStage::InvertingAndEditing: {
        std::ostringstream covered;
        covered << std::fixed << std::setprecision(1) << 100.0 * p.mask.mean().item<double>();
        std::cerr << format_progress(p.estimate) << " (mask covers " << covered.str() << " %)\n";
        break;
      }
      default: break;
    }
  };
  return listener;
}

}  // namespace partedit::cli
