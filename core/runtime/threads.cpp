#include "runtime/threads.h"

#include <dirent.h>
#include <malloc.h>
#include <limits.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
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

namespace {

// The program's own file: exec'ing it by this path keeps the process's name (exec'ing
// /proc/self/exe would rename every thread "exe" in top and ps).
std::string own_executable() {
  char buffer[PATH_MAX];
  const ssize_t n = readlink("/proc/self/exe", buffer, sizeof buffer - 1);
  return n > 0 ? std::string(buffer, static_cast<size_t>(n)) : std::string("/proc/self/exe");
}

// OpenBLAS starts its worker threads when it loads, from the main thread, so they carry the
// main thread's name: top -H then shows the GUI thread "at 100 %" while it sleeps and a BLAS
// thread computes. Threads that exist this early and share the main thread's name get a
// name of their own.
void name_library_threads() {
  char main_name[16] = {};
  if (prctl(PR_GET_NAME, main_name) != 0) return;
  const std::string self = std::to_string(getpid());
  DIR* tasks = opendir("/proc/self/task");
  if (!tasks) return;
  while (const dirent* entry = readdir(tasks)) {
    const std::string tid = entry->d_name;
    if (tid == "." || tid == ".." || tid == self) continue;
    const std::string comm = "/proc/self/task/" + tid + "/comm";
    std::string name;
    std::getline(std::ifstream(comm), name);
    if (name == main_name) std::ofstream(comm) << "blas-worker";
  }
  closedir(tasks);
}

}  // namespace

size_t configure_allocator() {
  // PARTEDIT_MMAP_THRESHOLD=bytes fixes glibc's mmap threshold: blocks above it are mapped on
  // allocation and returned on free. Leaner than glibc's rule and slower (every large tensor
  // page-faults afresh): a 1024² SDXL edit in bf16 peaked at 7.8 GB with 256 KB, but its
  // edit step took 66 s instead of 45 s. The default keeps glibc's rule and trims instead
  // (release_free_memory).
  if (const char* env = std::getenv("PARTEDIT_MMAP_THRESHOLD")) {
    const size_t threshold = std::strtoull(env, nullptr, 10);
    if (threshold > 0) mallopt(M_MMAP_THRESHOLD, static_cast<int>(std::min<size_t>(threshold, 32u << 20)));
    return threshold;
  }
  return 0;
}

void release_free_memory() {
  // glibc raises its mmap threshold to the largest block freed (up to 32 MB), so most tensors
  // come from the heap, whose free holes stay resident: a 1024² SDXL edit in bf16 peaked at
  // 11.1 GB. Handing the holes back before each model call keeps it at 8.0 GB, for about a
  // millisecond per call, and the heap's reuse keeps page faults few (bench_sdxl_edit).
  malloc_trim(0);
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
    execv(own_executable().c_str(), argv);
    // exec failed: carry on with the libraries' own choices.
  }
  name_library_threads();
  configure_allocator();
  configure_threads();
}

}  // namespace partedit
