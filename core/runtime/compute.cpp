#include "runtime/compute.h"

#include <sys/resource.h>

#include <algorithm>
#include <cctype>

#include <ATen/ATen.h>
#include <torch/cuda.h>

// PARTEDIT_WITH_CUDA from the build; USE_C10D_NCCL is a compile definition that a CUDA
// LibTorch's torch_cuda target exports (Debian's CPU package does not).
#if defined(PARTEDIT_WITH_CUDA) || (defined(USE_C10D_NCCL) && __has_include(<c10/cuda/CUDACachingAllocator.h>))
#define PARTEDIT_CUDA_STATS 1
#include <c10/cuda/CUDACachingAllocator.h>
#endif

#include "runtime/error.h"
#include "runtime/text.h"

namespace partedit {

namespace {

}  // namespace

bool cuda_available() { return torch::cuda::is_available(); }

int cuda_device_count() { return static_cast<int>(torch::cuda::device_count()); }

c10::Device parse_device(const std::string& text) {
  const std::string t = lower_ascii(text);
  if (t == "cpu") return c10::kCPU;
  if (t == "cuda" || t.rfind("cuda:", 0) == 0) {
    int index = 0;
    if (t.size() > 5) {
      const std::string digits = t.substr(5);
      if (digits.empty() || digits.size() > 3 ||
          !std::all_of(digits.begin(), digits.end(), [](unsigned char c) { return std::isdigit(c); }))
        throw Error("bad device '" + text + "': expected cpu, cuda or cuda:N");
      index = std::stoi(digits);
    }
    if (!cuda_available())
      throw Error("device '" + text + "' requested but CUDA is not available (this build of LibTorch " +
                  "has no CUDA support, or no GPU/driver was found); use --device cpu");
    if (index >= cuda_device_count())
      throw Error("device '" + text + "' requested but only " + std::to_string(cuda_device_count()) +
                  " CUDA device(s) exist");
    return c10::Device(c10::kCUDA, static_cast<c10::DeviceIndex>(index));
  }
  throw Error("bad device '" + text + "': expected cpu, cuda or cuda:N");
}

c10::ScalarType parse_dtype(const std::string& text) {
  const std::string t = lower_ascii(text);
  if (t == "fp32" || t == "float32" || t == "float") return c10::kFloat;
  if (t == "fp16" || t == "float16" || t == "half") return c10::kHalf;
  if (t == "bf16" || t == "bfloat16") return c10::kBFloat16;
  throw Error("bad dtype '" + text + "': expected fp32, fp16 or bf16");
}

std::string dtype_name(c10::ScalarType dtype) {
  switch (dtype) {
    case c10::kFloat: return "fp32";
    case c10::kHalf: return "fp16";
    case c10::kBFloat16: return "bf16";
    default: return c10::toString(dtype);
  }
}

ComputeOptions ComputeOptions::parse(const std::string& device, const std::string& dtype) {
  ComputeOptions options;
  options.dtype = parse_dtype(dtype);  // word errors first: they need no hardware probe
  options.device = parse_device(device);
  if (options.device.is_cpu() && options.dtype == c10::kHalf)
    throw Error("dtype fp16 is not supported on the CPU (LibTorch has no CPU fp16 kernels for "
                "matmul, convolution and softmax); use fp32, or bf16 for lower memory");
  return options;
}

std::string ComputeOptions::describe() const { return device.str() + " " + dtype_name(dtype); }

InferenceGuard::InferenceGuard(c10::Device device) : mode_(true) {
  if (device.is_cuda()) device_guard_.reset_device(device);
}

void wait_for(const at::Tensor& tensor) {
  if (!tensor.defined() || tensor.device().is_cpu() || tensor.numel() == 0) return;
  // Copying one element to the host waits for the device's current stream.
  (void)tensor.reshape({-1}).slice(0, 0, 1).to(c10::kCPU);
}

double peak_rss_mb() {
  struct rusage usage {};
  if (::getrusage(RUSAGE_SELF, &usage) != 0) return 0.0;
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // Linux reports KiB
}

std::optional<double> peak_cuda_mb(c10::Device device) {
#if defined(PARTEDIT_CUDA_STATS)
  if (!device.is_cuda() || !cuda_available()) return std::nullopt;
  const auto index = device.has_index() ? device.index() : c10::DeviceIndex(0);
  const auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(index);
  return static_cast<double>(stats.allocated_bytes[0].peak) / (1024.0 * 1024.0);  // [0] = aggregate
#else
  (void)device;
  return std::nullopt;
#endif
}

void reset_peak_cuda_memory(c10::Device device) {
#if defined(PARTEDIT_CUDA_STATS)
  if (!device.is_cuda() || !cuda_available()) return;
  c10::cuda::CUDACachingAllocator::resetPeakStats(device.has_index() ? device.index() : c10::DeviceIndex(0));
#else
  (void)device;
#endif
}

}  // namespace partedit
