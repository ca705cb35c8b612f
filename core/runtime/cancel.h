#pragma once
// Cooperative cancellation: the GUI (or a signal handler) sets the flag; pipelines check it
// between denoising steps and throw CancelledError, leaving nothing half-written.
#include <atomic>
#include <memory>

#include "runtime/error.h"

namespace partedit {

class CancelToken {
 public:
  CancelToken() : flag_(std::make_shared<std::atomic<bool>>(false)) {}
  void cancel() const { flag_->store(true, std::memory_order_relaxed); }
  void reset() const { flag_->store(false, std::memory_order_relaxed); }
  bool cancelled() const { return flag_->load(std::memory_order_relaxed); }
  void throw_if_cancelled() const {
    if (cancelled()) throw CancelledError();
  }

 private:
  std::shared_ptr<std::atomic<bool>> flag_;  // shared by copies: the GUI keeps one, the worker another
};

}  // namespace partedit
