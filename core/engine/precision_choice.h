#pragma once
// --dtype auto: the precision that is fastest on this machine. On CUDA fp16. On a CPU, bf16
// only where the CPU computes bf16 natively (AVX512-BF16 or AMX-BF16, read from cpuid) *and* a
// short measurement of SDXL-shaped work (a ResNet half-block and a transformer block: group
// norm, 3x3 convolution, attention, GEGLU feed-forward) shows it faster than fp32 here: native
// bf16 does not make every CPU faster (LibTorch 1.13 runs some ops in bf16 slower than in fp32),
// so the choice is measured, not assumed. The measurement (about a second) is kept in a small
// file per CPU model, thread count and LibTorch version, so it runs once per machine.
#include <filesystem>
#include <optional>
#include <string>

#include "runtime/compute.h"

namespace partedit {

struct CpuBf16Support {
  bool avx512_bf16 = false;  // cpuid leaf 7 subleaf 1, EAX bit 5
  bool amx_bf16 = false;     // cpuid leaf 7, EDX bit 22
  bool native() const { return avx512_bf16 || amx_bf16; }
  std::string describe() const;  // "AMX-BF16 and AVX512-BF16", "no native bf16"
};
CpuBf16Support cpu_bf16_support();

// Seconds of the same SDXL-shaped work in fp32 and in bf16 on the CPU (best of a few runs).
struct PrecisionMeasurement {
  double fp32_s = 0, bf16_s = 0;
  double ratio() const { return fp32_s > 0 ? bf16_s / fp32_s : 1.0; }  // bf16 time / fp32 time
};
PrecisionMeasurement measure_cpu_precisions();

// bf16 is chosen when its time is at most this fraction of fp32's: a near tie keeps fp32,
// which is exact.
constexpr double kBf16ChoiceRatio = 0.9;

// What makes a kept measurement this machine's: the CPU model, its bf16 support, the thread
// count and the LibTorch version (the key of the kept file).
std::string precision_machine_key();

// Where the measurement is kept: $XDG_CACHE_HOME/partedit/precision.json (or ~/.cache/...).
std::filesystem::path default_precision_cache_file();

// `device` and `dtype` as the command line and Preferences give them: dtype "auto" is chosen
// as above (compute.choice_reason says what and why), any other word is ComputeOptions::parse.
// bf16 on a CPU without native bf16 is allowed; compute.choice_reason then warns that it is
// slower there. `cache_file` empty: the default one; a damaged or foreign cache is measured anew.
// PARTEDIT_AUTO_DTYPE=fp32|bf16|fp16 makes "auto" that precision (the test suite sets fp32).
ComputeOptions choose_compute(const std::string& device, const std::string& dtype,
                              const std::filesystem::path& cache_file = {});

}  // namespace partedit
