#include "runtime/progress_clock.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

namespace partedit {

namespace {

double steady_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

ProgressClock::ProgressClock(Now now) : now_(now ? std::move(now) : Now(steady_seconds)) { restart(); }

void ProgressClock::restart() {
  start_ = now_();
  first_step_ = 0;
  first_step_end_ = start_;
}

ProgressEstimate ProgressClock::tick(int step, int total) {
  const double now = now_();
  if (first_step_ == 0) {
    first_step_ = step;
    first_step_end_ = now;
  }
  ProgressEstimate e;
  e.step = step;
  e.total = total;
  e.elapsed = std::max(0.0, now - start_);
  if (step > first_step_) e.seconds_per_step = std::max(0.0, now - first_step_end_) / (step - first_step_);
  else if (step > 0) e.seconds_per_step = e.elapsed / step;
  e.remaining = e.seconds_per_step * std::max(0, total - step);
  return e;
}

std::string ProgressClock::line(int step, int total) { return format_progress(tick(step, total)); }

std::string format_duration(double seconds) {
  char text[48];
  if (!std::isfinite(seconds) || seconds < 0) seconds = 0;
  if (seconds < 59.95) {
    std::snprintf(text, sizeof text, "%.1f s", seconds);
  } else if (seconds < 3599.5) {
    const long s = std::lround(seconds);
    std::snprintf(text, sizeof text, "%ld min %02ld s", s / 60, s % 60);
  } else {
    const long m = std::lround(seconds / 60);
    std::snprintf(text, sizeof text, "%ld h %02ld min", m / 60, m % 60);
  }
  return text;
}

std::string format_progress(const ProgressEstimate& e) {
  const double rate = e.seconds_per_step;
  char per_step[32];
  std::snprintf(per_step, sizeof per_step, rate < 0.1 ? "%.3f" : rate < 10 ? "%.2f" : "%.1f", rate);
  return "step " + std::to_string(e.step) + "/" + std::to_string(e.total) + ", " + format_duration(e.elapsed) +
         " elapsed, " + per_step + " s/step, " + format_duration(e.remaining) + " left";
}

}  // namespace partedit
