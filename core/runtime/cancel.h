#pragma once
// Cooperative cancellation: the GUI (or a signal handler) sets the flag; pipelines check it
// between denoising steps and throw CancelledError, leaving nothing half-written. Inside a
// step, long computations (the UNet's and the VAE's blocks, a large attention's chunks) call
// cancellation_point(), which checks the token a pipeline installed for its thread with a
// CancelScope: a cancel then lands within a fraction of a step at any image size.
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

// Installs `token` as this thread's current request for cancellation_point(), for the
// scope's lifetime (scopes nest; the token must outlive the scope). Only code that may be
// interrupted anywhere installs one: a CancelledError from inside a step must leave nothing
// half-done (the edit's controller detaches by RAII; the trainer, which saves a checkpoint
// when cancelled, installs none).
class CancelScope {
 public:
  explicit CancelScope(const CancelToken& token) : previous_(current()) { current() = &token; }
  ~CancelScope() { current() = previous_; }
  CancelScope(const CancelScope&) = delete;
  CancelScope& operator=(const CancelScope&) = delete;

  static const CancelToken*& current() {
    thread_local const CancelToken* token = nullptr;
    return token;
  }

 private:
  const CancelToken* previous_;
};

// Throws CancelledError when the request running on this thread (its CancelScope) was
// cancelled; nothing when no scope is installed. Costs one atomic load.
inline void cancellation_point() {
  if (const CancelToken* token = CancelScope::current()) token->throw_if_cancelled();
}

}  // namespace partedit
