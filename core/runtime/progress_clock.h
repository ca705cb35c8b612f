#pragma once
// Elapsed time, seconds per step and time remaining of a run of N steps: the progress lines
// of the CLI (generate, edit, invert) and the app's progress bar share this one estimate.
// The first step carries the run's warm-up (first kernel launches, allocations, and whatever
// ran between start() and the first step), so once later steps are done the rate is theirs.
#include <functional>
#include <string>

namespace partedit {

struct ProgressEstimate {
  int step = 0;                 // steps done: 1 .. total
  int total = 0;
  double elapsed = 0;           // seconds since the clock started
  double seconds_per_step = 0;  // mean of the steps after the first once there are some, else the first's
  double remaining = 0;         // seconds_per_step x (total - step)
};

class ProgressClock {
 public:
  using Now = std::function<double()>;  // monotonic seconds; tests inject synthetic times
  // Starts the clock; an empty `now` reads std::chrono::steady_clock.
  explicit ProgressClock(Now now = {});
  void restart();
  // Call when step `step` of `total` has just finished.
  ProgressEstimate tick(int step, int total);
  // tick() as one line: "step 3/50, 12.3 s elapsed, 4.10 s/step, 3 min 13 s left".
  std::string line(int step, int total);

 private:
  Now now_;
  double start_ = 0;
  int first_step_ = 0;        // the first step ticked (0: none yet) ...
  double first_step_end_ = 0; // ... and when it finished
};

// "4.2 s", "3 min 13 s", "2 h 05 min".
std::string format_duration(double seconds);
// "step 3/50, 12.3 s elapsed, 4.10 s/step, 3 min 13 s left".
std::string format_progress(const ProgressEstimate& estimate);

}  // namespace partedit
