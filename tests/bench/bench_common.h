#pragma once
// Shared pieces of the benchmarks: main(), options, the medium model in a temporary folder,
// the timed generation request, timing statistics and the one-line JSON report. Only LibTorch + nlohmann_json + partedit_engine.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <ATen/Parallel.h>
#include <nlohmann/json.hpp>

#include "models/tiny_model.h"
#include "pipeline/text_to_image.h"
#include "runtime/compute.h"
#include "runtime/error.h"
#include "runtime/threads.h"

namespace partedit::bench {

struct BenchOptions {
  std::filesystem::path model;  // empty: write the medium model to a temporary folder
  int runs = 5;
  int warmup = 1;
  std::string device = "cpu";   // cpu | cuda
  std::string dtype = "fp32";   // fp32 | fp16 | bf16
  int steps = 10;               // bench_generate only
  int size = 0;                 // --size PX: image size of benches that build a model in memory (0 = theirs)
  ComputeOptions compute;       // parsed from device and dtype
};

inline void print_usage(const char* program, bool with_steps) {
  std::cerr << "usage: " << program << " [--model DIR] [--runs N] [--warmup N] [--device cpu|cuda]"
            << " [--dtype fp32|fp16|bf16]" << (with_steps ? " [--steps N]" : "") << " [--size PX]\n"
            << "  without --model the medium model (tiny-sdxl structure, widths 64 128 256, 256x256)\n"
            << "  is written to a temporary folder first.\n";
}

inline BenchOptions parse_options(int argc, char** argv, bool with_steps) {
  BenchOptions o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw Error("option " + a + " needs a value");
      return argv[++i];
    };
    auto number = [&]() {
      const std::string v = value();
      try {
        return std::stoi(v);
      } catch (const std::exception&) {
        throw Error("option " + a + " expects a number, got '" + v + "'");
      }
    };
    if (a == "--model") o.model = value();
    else if (a == "--runs") o.runs = number();
    else if (a == "--warmup") o.warmup = number();
    else if (a == "--device") o.device = value();
    else if (a == "--dtype") o.dtype = value();
    else if (a == "--steps" && with_steps) o.steps = number();
    else if (a == "--size") o.size = number();
    else if (a == "--help" || a == "-h") {
      print_usage(argv[0], with_steps);
      std::exit(0);
    } else {
      throw Error("unknown option " + a);
    }
  }
  if (o.size < 0 || o.size % 8 != 0) throw Error("--size must be a positive multiple of 8");
  if (o.runs < 1 || o.warmup < 0 || o.steps < 1) throw Error("--runs and --steps must be >= 1, --warmup >= 0");
  o.compute = ComputeOptions::parse(o.device, o.dtype);
  return o;
}

// The model folder of a run: --model, or the medium model written to a temporary folder
// that is removed when this object goes away.
class ModelFolder {
 public:
  explicit ModelFolder(const BenchOptions& o) {
    if (!o.model.empty()) {
      path_ = o.model;
      return;
    }
    path_ = std::filesystem::temp_directory_path() / ("partedit-bench-medium-" + std::to_string(::getpid()));
    std::filesystem::remove_all(path_);
    const auto t0 = std::chrono::steady_clock::now();
    summary_ = write_tiny_model(medium_sdxl_options(0), path_);
    write_seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    owned_ = true;
    std::cerr << "wrote the medium model to " << path_.string() << " in " << write_seconds_ << " s (UNet "
              << summary_.count("unet") << " parameters)\n";
  }
  ~ModelFolder() {
    std::error_code ec;
    if (owned_) std::filesystem::remove_all(path_, ec);
  }
  ModelFolder(const ModelFolder&) = delete;
  ModelFolder& operator=(const ModelFolder&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::string name() const { return owned_ ? "medium" : path_.string(); }

 private:
  std::filesystem::path path_;
  TinyModelSummary summary_;
  double write_seconds_ = 0;
  bool owned_ = false;
};

struct Timings {
  std::vector<double> seconds;
  double median() const {
    auto s = seconds;
    std::sort(s.begin(), s.end());
    const size_t n = s.size();
    return n % 2 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
  }
  double min() const { return *std::min_element(seconds.begin(), seconds.end()); }
};

// Linux: writing 5 to clear_refs resets the peak resident set (VmHWM) to the current one,
// so that each phase of a benchmark reports its own peak.
inline void reset_peak_rss() { std::ofstream("/proc/self/clear_refs") << "5"; }

inline double peak_rss_since_reset_mb() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;  // "VmHWM:  123 kB"
  return peak_rss_mb();
}

inline double current_rss_mb() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  return 0.0;
}

// Runs `body` warmup times untimed, then `runs` times timed. `body` must return only when
// the device has finished (wait_for its result).
inline Timings time_runs(const BenchOptions& o, const std::function<void()>& body) {
  for (int i = 0; i < o.warmup; ++i) body();
  Timings t;
  for (int i = 0; i < o.runs; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    body();
    t.seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  return t;
}

// Wall seconds of one call of `body` (which must wait for the device itself).
inline double seconds_of(const std::function<void()>& body) {
  const auto t0 = std::chrono::steady_clock::now();
  body();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// The common fields of the JSON report; callers add their own and print it on one line.
inline nlohmann::json report(const std::string& bench, const BenchOptions& o, const ModelFolder& model,
                             const Timings& t) {
  const char* coretype = std::getenv("OPENBLAS_CORETYPE");
  const char* wait_policy = std::getenv("OMP_WAIT_POLICY");
  const char* mmap_threshold = std::getenv("PARTEDIT_MMAP_THRESHOLD");
  return {{"bench", bench},
          {"model", model.name()},
          {"compute", o.compute.describe()},
          {"dtype", dtype_name(o.compute.dtype)},
          {"runs", o.runs},
          {"warmup", o.warmup},
          {"median_s", t.median()},
          {"min_s", t.min()},
          {"times_s", t.seconds},
          {"threads", at::get_num_threads()},
          {"openblas_coretype", coretype ? coretype : ""},
          {"omp_wait_policy", wait_policy ? wait_policy : ""},
          {"mmap_threshold", mmap_threshold ? std::atoll(mmap_threshold) : 0LL}};  // 0: glibc's rule + trimming
}

// The body of a benchmark's main(): runtime set-up (BLAS kernels, threads), the options, and
// any error reported as "<name>: error: ..." with exit status 1.
inline int run(int argc, char** argv, const char* name, bool with_steps,
               const std::function<void(const BenchOptions&)>& body) {
  configure_runtime(argc, argv);
  try {
    body(parse_options(argc, argv, with_steps));
    return 0;
  } catch (const std::exception& e) {
    std::cerr << name << ": error: " << e.what() << "\n";
    return 1;
  }
}

// The last line of `text` that starts with '{' (a child benchmark's JSON report).
inline std::string last_json_line(const std::string& text) {
  std::string last, line;
  for (std::istringstream in(text); std::getline(in, line);)
    if (!line.empty() && line.front() == '{') last = line;
  if (last.empty()) throw Error("no JSON line in: " + text);
  return last;
}

// The text-to-image generation the benchmarks time or compare against (guidance 7.5, seed 0,
// the model's own scheduler and size, no previews).
inline GenerateRequest generate_request(int steps) {
  GenerateRequest request;
  request.prompt = "a photo of a cat in a park";
  request.steps = steps;
  request.guidance = 7.5;
  request.seed = 0;
  request.preview = false;
  return request;
}

}  // namespace partedit::bench
