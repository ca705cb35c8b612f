// The libFuzzer entry of one target: PARTEDIT_FUZZ_FUNCTION names its fuzz_<name> function
// (tests/fuzz/CMakeLists.txt builds one executable per target).
#include <cstddef>
#include <cstdint>

#include <ATen/Parallel.h>

#include "fuzz/fuzz_targets.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  at::set_num_threads(1);  // one input at a time; LibTorch's pool would only add noise
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  partedit::fuzz::PARTEDIT_FUZZ_FUNCTION(data, size);
  return 0;
}
