#pragma once
// Cancellation per request, for requests served one after another from a queue (the app's
// engine worker): each request id has a CancelToken of its own, so a cancel meant for one
// request is neither cleared by the next one starting nor inherited by it, and a request
// cancelled while it still waits in the queue is known to be cancelled when its turn comes.
// Thread-safe: the sender queues and cancels on its thread, the server starts and ends
// requests on its own.
#include <cstdint>
#include <map>
#include <mutex>

#include "runtime/cancel.h"

namespace partedit {

class RequestCancels {
 public:
  // The sender queued request `id`: from now on cancel(id) and cancel_all() reach it. Ids are
  // unique among the requests waiting at once (a repeated id shares one token).
  void queued(uint64_t id) {
    const std::lock_guard<std::mutex> lock(mutex_);
    tokens_.try_emplace(id);
  }

  // Request `id` starts (queued or not): its token, already cancelled when a cancel reached it
  // in the queue.
  CancelToken started(uint64_t id) {
    const std::lock_guard<std::mutex> lock(mutex_);
    return tokens_.try_emplace(id).first->second;
  }

  // Request `id` ended, whatever its end: later cancels of it do nothing.
  void ended(uint64_t id) {
    const std::lock_guard<std::mutex> lock(mutex_);
    tokens_.erase(id);
  }

  // A queued or running request; an unknown or ended id: nothing.
  void cancel(uint64_t id) {
    const std::lock_guard<std::mutex> lock(mutex_);
    if (const auto found = tokens_.find(id); found != tokens_.end()) found->second.cancel();
  }

  // Every queued and running request.
  void cancel_all() {
    const std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& entry : tokens_) entry.second.cancel();
  }

 private:
  std::mutex mutex_;
  std::map<uint64_t, CancelToken> tokens_;  // the queued and running requests
};

}  // namespace partedit
