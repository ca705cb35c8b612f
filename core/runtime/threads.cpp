#include "runtime/threads.h"

#include <unistd.h>

#include <cstdlib>
#include <string>
#include <thread>

#include <ATen/Parallel.h>

namespace partedit {

const char* preferred_openblas_coretype() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq"))
    return "SkylakeX";
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return "Haswell";
#endif
  return "";
}

int configure_threads() {
  int threads = static_cast<int>(std::thread::hardware_concurrency());
  if (const char* env = std::getenv("PARTEDIT_THREADS")) threads = std::atoi(env);
  if (threads < 1) threads = 1;
  at::set_num_threads(threads);
  return threads;
}

void configure_runtime(int argc, char** argv) {
  (void)argc;
  // Both settings are read by OpenBLAS / libgomp when they load, hence the re-exec.
  bool changed = false;
  if (std::getenv("PARTEDIT_NO_REEXEC") == nullptr) {
    const std::string coretype = preferred_openblas_coretype();
    if (std::getenv("OPENBLAS_CORETYPE") == nullptr && !coretype.empty()) {
      setenv("OPENBLAS_CORETYPE", coretype.c_str(), 1);
      changed = true;
    }
    // OpenBLAS runs its own thread pool next to LibTorch's OpenMP pool; spinning OpenMP
    // workers starve it (measured: a UNet call 2.4x slower on 2 cores). Sleep instead.
    if (std::getenv("OMP_WAIT_POLICY") == nullptr) {
      setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
      changed = true;
    }
  }
  if (changed) {
    setenv("PARTEDIT_NO_REEXEC", "1", 1);  // never loop
    execv("/proc/self/exe", argv);
    // exec failed: carry on with the libraries' own choices.
  }
  configure_threads();
}

}  // namespace partedit
