#pragma once
// Where and in which precision the engine computes: the device/dtype policy parsed from
// user text ("cpu", "cuda:1", "fp16"), a RAII inference scope, and peak-memory queries.
//
// Peak CUDA memory needs c10_cuda; it is compiled only for a CUDA LibTorch (the build
// defines PARTEDIT_WITH_CUDA, or LibTorch's CUDA target exports USE_C10D_NCCL). Debian's
// CPU LibTorch ships the c10/cuda headers without the library, so the header's presence
// alone proves nothing.
#include <optional>
#include <string>

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>
#include <c10/core/DeviceGuard.h>
#include <c10/core/InferenceMode.h>
#include <c10/core/ScalarType.h>

namespace partedit {

struct ComputeOptions {
  c10::Device device = c10::kCPU;
  c10::ScalarType dtype = c10::kFloat;
  // Why this precision, when it was chosen (--dtype auto) or needs a word (bf16 on a CPU
  // without native bf16); empty otherwise. Set by choose_compute (engine/precision_choice.h).
  std::string choice_reason;
  bool choice_warns = false;  // the reason is a warning (bf16 emulated: slower)

  // Parses "cpu" | "cuda" | "cuda:N" and "fp32" | "fp16" | "bf16" (also "float32",
  // "float16", "bfloat16") and checks the combination is usable here. Throws Error:
  // CUDA asked for but not available (or N out of range), fp16 on the CPU (LibTorch has
  // no CPU fp16 matmul/conv kernels), unknown words.
  static ComputeOptions parse(const std::string& device, const std::string& dtype);

  std::string describe() const;  // "cpu fp32", "cuda:0 fp16"
};

c10::Device parse_device(const std::string& text);       // throws Error
c10::ScalarType parse_dtype(const std::string& text);     // throws Error
std::string dtype_name(c10::ScalarType dtype);            // "fp32", "fp16", "bf16", else c10's name
bool cuda_available();
int cuda_device_count();

// Inference scope for the calling thread: InferenceMode (no autograd bookkeeping) and, for
// a CUDA device, that device made current. InferenceMode is thread-local: create the guard
// on the thread that runs the models.
class InferenceGuard {
 public:
  explicit InferenceGuard(c10::Device device = c10::kCPU);
  InferenceGuard(const InferenceGuard&) = delete;
  InferenceGuard& operator=(const InferenceGuard&) = delete;

 private:
  c10::InferenceMode mode_;
  c10::OptionalDeviceGuard device_guard_;
};

// Waits until the work queued on `tensor`'s device has finished, so that wall-clock stage
// timings are honest on asynchronous devices (no-op on the CPU or for an undefined tensor).
void wait_for(const at::Tensor& tensor);

// Peak resident set size of this process in MiB (getrusage ru_maxrss).
double peak_rss_mb();
// Peak memory allocated by LibTorch's CUDA caching allocator on `device` in MiB since the
// start (or the last reset); nullopt in a build without PARTEDIT_WITH_CUDA, or when
// `device` is not CUDA.
std::optional<double> peak_cuda_mb(c10::Device device);
void reset_peak_cuda_memory(c10::Device device);

}  // namespace partedit
