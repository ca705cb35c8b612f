#pragma once
// What the engine is doing on this thread ("loading the model", "denoising (step 3 of 50)"),
// so that an error raised deep inside LibTorch can say when it happened. Pipelines open a
// StageScope per section; describe_exception() (runtime/error_text.h) reads the stage an
// exception left.
#include <string>

namespace partedit {

class StageScope {
 public:
  explicit StageScope(std::string what);
  ~StageScope();
  StageScope(const StageScope&) = delete;
  StageScope& operator=(const StageScope&) = delete;

  // The same section, described further (the step of a loop).
  void set(std::string what);

 private:
  std::string previous_;
  int uncaught_at_start_ = 0;
};

// The innermost open stage on this thread; "" outside every scope.
std::string current_stage();

// The innermost stage that the last exception on this thread unwound through ("" when none),
// and forgets it. Opening a StageScope outside unwinding forgets a stale one too.
std::string take_failed_stage();

}  // namespace partedit
