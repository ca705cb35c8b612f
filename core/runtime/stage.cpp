#include "runtime/stage.h"

#include <exception>
#include <utility>

namespace partedit {

namespace {
thread_local std::string t_current;
thread_local std::string t_failed;
}  // namespace

StageScope::StageScope(std::string what) : previous_(std::move(t_current)), uncaught_at_start_(std::uncaught_exceptions()) {
  t_current = std::move(what);
  if (uncaught_at_start_ == 0) t_failed.clear();  // new work: an earlier, handled failure is history
}

StageScope::~StageScope() {
  // Unwinding runs the innermost scope's destructor first: it names the failure.
  if (std::uncaught_exceptions() > uncaught_at_start_ && t_failed.empty()) t_failed = t_current;
  t_current = std::move(previous_);
}

void StageScope::set(std::string what) { t_current = std::move(what); }

std::string current_stage() { return t_current; }

std::string take_failed_stage() { return std::exchange(t_failed, std::string()); }

}  // namespace partedit
