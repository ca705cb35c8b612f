#include "engine/precision_choice.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <nlohmann/json.hpp>
#include <torch/version.h>

#include "io/atomic_file.h"
#include "runtime/error.h"
#include "runtime/text.h"

namespace partedit {

namespace fs = std::filesystem;

std::string CpuBf16Support::describe() const {
  if (amx_bf16 && avx512_bf16) return "AMX-BF16 and AVX512-BF16";
  if (amx_bf16) return "AMX-BF16";
  if (avx512_bf16) return "AVX512-BF16";
  return "no native bf16";
}

CpuBf16Support cpu_bf16_support() {
  CpuBf16Support support;
#if defined(__x86_64__) || defined(__i386__)
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (__get_cpuid_max(0, nullptr) < 7) return support;
  __cpuid_count(7, 0, eax, ebx, ecx, edx);
  const unsigned max_subleaf = eax;
  support.amx_bf16 = (edx >> 22) & 1u;
  if (max_subleaf >= 1) {
    __cpuid_count(7, 1, eax, ebx, ecx, edx);
    support.avx512_bf16 = (eax >> 5) & 1u;
  }
  // The OS must have enabled the registers' state (XCR0): AVX-512's opmask and ZMM bits, AMX's
  // tile configuration and data bits; without OSXSAVE nothing can be read.
  if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx) || !(ecx & (1u << 27))) return CpuBf16Support{};
  unsigned xcr0_low = 0, xcr0_high = 0;
  __asm__ volatile("xgetbv" : "=a"(xcr0_low), "=d"(xcr0_high) : "c"(0));
  if ((xcr0_low & 0xE6u) != 0xE6u) support.avx512_bf16 = false;
  if ((xcr0_low & (3u << 17)) != (3u << 17)) support.amx_bf16 = false;
#endif
  return support;
}

namespace {

// One SDXL-shaped piece of a denoising step at reduced size, in `dtype`: a ResNet half-block at
// the first level (group norm, SiLU, 3x3 convolution over 320 channels) and a transformer block
// at the second (layer norm, self-attention with 10 heads of 64, GEGLU feed-forward over 640).
class SdxlShapedWork {
 public:
  explicit SdxlShapedWork(c10::ScalarType dtype) {
    auto generator = at::detail::createCPUGenerator(7);
    const auto f = at::TensorOptions().dtype(at::kFloat);
    auto randn = [&](at::IntArrayRef shape, double scale) { return (at::randn(shape, generator, f) * scale).to(dtype); };
    image_ = randn({1, 320, 48, 48}, 1.0);
    norm_weight_ = randn({320}, 0.1) + 1;
    norm_bias_ = randn({320}, 0.1);
    conv_weight_ = randn({320, 320, 3, 3}, 0.02);
    conv_bias_ = randn({320}, 0.02);
    tokens_ = randn({1, 1024, 640}, 1.0);
    ln_weight_ = randn({640}, 0.1) + 1;
    ln_bias_ = randn({640}, 0.1);
    for (auto* w : {&q_, &k_, &v_, &out_}) *w = randn({640, 640}, 0.04);
    ff_in_ = randn({5120, 640}, 0.04);
    ff_out_ = randn({640, 2560}, 0.02);
  }

  void run() const {
    auto h = at::silu(at::group_norm(image_, 32, norm_weight_, norm_bias_));
    h = at::conv2d(h, conv_weight_, conv_bias_, 1, 1);
    const auto n = at::layer_norm(tokens_, {640}, ln_weight_, ln_bias_);
    auto heads = [](const at::Tensor& x) { return x.view({1, 1024, 10, 64}).transpose(1, 2); };
    const auto q = heads(at::linear(n, q_)), k = heads(at::linear(n, k_)), v = heads(at::linear(n, v_));
    const auto attended = at::matmul(at::matmul(q * 0.125, k.transpose(-1, -2)).softmax(-1), v);
    const auto a = at::linear(attended.transpose(1, 2).reshape({1, 1024, 640}), out_) + tokens_;
    const auto gated = at::linear(at::layer_norm(a, {640}, ln_weight_, ln_bias_), ff_in_).chunk(2, -1);
    const auto f = at::linear(gated[0] * at::gelu(gated[1]), ff_out_);
    (void)h.sum().item<float>();
    (void)f.sum().item<float>();
  }

 private:
  at::Tensor image_, norm_weight_, norm_bias_, conv_weight_, conv_bias_;
  at::Tensor tokens_, ln_weight_, ln_bias_, q_, k_, v_, out_, ff_in_, ff_out_;
};

double best_seconds(const SdxlShapedWork& work, int runs) {
  work.run();  // warm-up: oneDNN builds its kernels on the first call
  double best = 1e30;
  for (int i = 0; i < runs; ++i) {
    const auto start = std::chrono::steady_clock::now();
    work.run();
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  return best;
}

}  // namespace

std::string precision_machine_key() {
  std::string model;
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);)
    if (line.rfind("model name", 0) == 0) {
      model = trim(line.substr(line.find(':') + 1));
      break;
    }
  std::ostringstream key;
  key << model << " | " << cpu_bf16_support().describe() << " | threads " << at::get_num_threads() << " | LibTorch "
      << TORCH_VERSION;
  return key.str();
}

namespace {

std::optional<PrecisionMeasurement> read_kept(const fs::path& file, const std::string& key) {
  std::ifstream in(file);
  if (!in) return std::nullopt;
  const auto json = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object() || json.value("machine", std::string()) != key) return std::nullopt;
  const auto fp32 = json.find("fp32_s"), bf16 = json.find("bf16_s");
  if (fp32 == json.end() || bf16 == json.end() || !fp32->is_number() || !bf16->is_number()) return std::nullopt;
  PrecisionMeasurement m{fp32->get<double>(), bf16->get<double>()};
  if (!(m.fp32_s > 0 && m.bf16_s > 0 && m.fp32_s < 1e4 && m.bf16_s < 1e4)) return std::nullopt;
  return m;
}

void keep(const fs::path& file, const std::string& key, const PrecisionMeasurement& m) {
  try {
    fs::create_directories(file.parent_path());
    const nlohmann::json json = {{"machine", key}, {"fp32_s", m.fp32_s}, {"bf16_s", m.bf16_s}};
    write_file_atomically(file, json.dump(2) + "\n");
  } catch (const std::exception&) {
    // Not kept (a read-only home): measured again next time, nothing else changes.
  }
}

std::string ratio_text(double ratio) {
  std::ostringstream text;
  text.precision(2);
  text << std::fixed << ratio;
  return text.str();
}

}  // namespace

PrecisionMeasurement measure_cpu_precisions() {
  c10::InferenceMode guard;
  constexpr int kRuns = 3;
  PrecisionMeasurement m;
  m.fp32_s = best_seconds(SdxlShapedWork(at::kFloat), kRuns);
  m.bf16_s = best_seconds(SdxlShapedWork(at::kBFloat16), kRuns);
  return m;
}

fs::path default_precision_cache_file() {
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) return fs::path(xdg) / "partedit" / "precision.json";
  if (const char* home = std::getenv("HOME"); home && *home) return fs::path(home) / ".cache" / "partedit" / "precision.json";
  return fs::temp_directory_path() / "partedit-precision.json";
}

ComputeOptions choose_compute(const std::string& device, const std::string& dtype, const fs::path& cache_file) {
  if (lower_ascii(trim(dtype)) != "auto") {
    ComputeOptions chosen = ComputeOptions::parse(device, dtype);
    const CpuBf16Support support = chosen.device.is_cpu() && chosen.dtype == at::kBFloat16 ? cpu_bf16_support()
                                                                                            : CpuBf16Support{};
    if (chosen.device.is_cpu() && chosen.dtype == at::kBFloat16 && !support.native()) {
      chosen.choice_reason = "this CPU has no native bf16 (AVX512-BF16 or AMX): LibTorch emulates it, usually "
                             "slower than fp32 here";
      chosen.choice_warns = true;
    }
    return chosen;
  }
  // The same numbers on every machine where a run needs them (the test suite, scripts).
  if (const char* forced = std::getenv("PARTEDIT_AUTO_DTYPE"); forced && *forced) {
    ComputeOptions chosen = ComputeOptions::parse(device, forced);
    chosen.choice_reason = "auto, set by PARTEDIT_AUTO_DTYPE";
    return chosen;
  }
  ComputeOptions chosen = ComputeOptions::parse(device, "fp32");
  if (chosen.device.is_cuda()) {
    chosen.dtype = at::kHalf;
    chosen.choice_reason = "auto: a GPU computes fp16 fastest";
    return chosen;
  }
  const CpuBf16Support support = cpu_bf16_support();
  if (!support.native()) {
    chosen.choice_reason = "auto: this CPU has no native bf16";
    return chosen;
  }
  const fs::path file = cache_file.empty() ? default_precision_cache_file() : cache_file;
  const std::string key = precision_machine_key();
  std::optional<PrecisionMeasurement> m = read_kept(file, key);
  if (!m) {
    m = measure_cpu_precisions();
    keep(file, key, *m);
  }
  const bool bf16 = m->ratio() <= kBf16ChoiceRatio;
  if (bf16) chosen.dtype = at::kBFloat16;
  chosen.choice_reason = "auto: this CPU has " + support.describe() + (bf16 ? "; measured here, " : ", but measured here ") +
                         "bf16 takes " + ratio_text(m->ratio()) + "x the time of fp32";
  return chosen;
}

}  // namespace partedit
