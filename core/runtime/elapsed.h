#pragma once
// Wall-clock seconds for timings and progress (steady clock: immune to clock changes).
#include <chrono>

namespace partedit {

using SteadyClock = std::chrono::steady_clock;

inline double seconds_since(SteadyClock::time_point start) {
  return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

}  // namespace partedit
