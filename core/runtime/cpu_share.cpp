#include "runtime/cpu_share.h"

#include <dlfcn.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <sstream>

#include <ATen/Parallel.h>

namespace partedit {
namespace {

using SetThreads = void (*)(int);
using GetThreads = int (*)();

struct OpenBlas {
  SetThreads set = nullptr;
  GetThreads get = nullptr;
  OpenBlas() {
    set = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
    get = reinterpret_cast<GetThreads>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
  }
  bool present() const { return set && get; }
};

const OpenBlas& openblas() {
  static const OpenBlas library;
  return library;
}

// Ticks (USER_HZ) the whole machine spent busy and in total, over every CPU.
bool machine_ticks(double& busy, double& total) {
  std::ifstream stat("/proc/stat");
  std::string cpu;
  if (!(stat >> cpu) || cpu != "cpu") return false;
  double v[8] = {};
  for (double& x : v)
    if (!(stat >> x)) return false;
  total = 0;
  for (double x : v) total += x;
  busy = total - v[3] - v[4];  // less idle and iowait
  return true;
}

// Ticks this process spent on the CPU (all its threads): utime + stime of /proc/self/stat.
bool own_ticks(double& ticks) {
  std::ifstream in("/proc/self/stat");
  std::string line;
  if (!std::getline(in, line)) return false;
  const auto close = line.rfind(')');  // the name may hold spaces and parentheses
  if (close == std::string::npos) return false;
  std::istringstream fields(line.substr(close + 2));
  std::string field;
  double utime = 0, stime = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14) utime = std::atof(field.c_str());
    if (i == 15) stime = std::atof(field.c_str());
  }
  ticks = utime + stime;
  return true;
}

struct Sampler {
  std::mutex mutex;
  std::chrono::steady_clock::time_point last_time{};
  double last_busy = 0, last_total = 0, last_own = 0;
  bool started = false;
  std::string reason;
};

Sampler& sampler() {
  static Sampler s;
  return s;
}

int fixed_count() {
  const char* env = std::getenv("PARTEDIT_BLAS_THREADS");
  return env ? std::max(0, std::atoi(env)) : 0;
}

}  // namespace

int blas_threads_for(double free_cores, int max_threads) {
  const int rounded = static_cast<int>(std::lround(free_cores));
  return std::clamp(rounded, 1, std::max(1, max_threads));
}

int blas_threads() { return openblas().present() ? openblas().get() : 0; }

std::string blas_threads_reason() {
  std::lock_guard<std::mutex> lock(sampler().mutex);
  return sampler().reason;
}

void share_cpu_with_other_programs() {
  const auto& blas = openblas();
  if (!blas.present()) return;
  static const int fixed = fixed_count();
  if (fixed > 0) {
    if (blas.get() != fixed) blas.set(fixed);
    return;
  }
  auto& s = sampler();
  std::lock_guard<std::mutex> lock(s.mutex);
  const auto now = std::chrono::steady_clock::now();
  if (s.started && now - s.last_time < std::chrono::milliseconds(500)) return;
  double busy = 0, total = 0, own = 0;
  if (!machine_ticks(busy, total) || !own_ticks(own)) return;
  const bool first = !s.started;
  const double d_busy = busy - s.last_busy, d_total = total - s.last_total, d_own = own - s.last_own;
  s.started = true;
  s.last_time = now;
  s.last_busy = busy;
  s.last_total = total;
  s.last_own = own;
  if (first || d_total <= 0) return;
  const long cpus = std::max(1L, sysconf(_SC_NPROCESSORS_ONLN));
  // /proc/stat counts every CPU: total ticks / cpus = the interval; others' share in cores.
  const double others = std::clamp((d_busy - d_own) / d_total * double(cpus), 0.0, double(cpus));
  const int max_threads = at::get_num_threads();
  const int threads = blas_threads_for(double(cpus) - others, max_threads);
  const int before = blas.get();
  if (threads == before) return;
  blas.set(threads);
  // Said only when other programs are the reason (not LibTorch's own limit, nor its lifting).
  if (threads == max_threads && (s.reason.empty() || before > max_threads)) return;
  char text[160];
  std::snprintf(text, sizeof text, "other programs are using %.1f of %ld cores: matrix products on %d thread%s", others,
                cpus, threads, threads == 1 ? "" : "s");
  s.reason = text;
}

}  // namespace partedit
