#pragma once
// What the engine worker's source files share (private to ui/worker): the worker's state
// and the conversions every request uses.
#include <optional>
#include <string>

#include <QString>

#include "engine/engine.h"
#include "engine/request_cancels.h"
#include "ui/worker/engine_worker.h"

namespace partedit::ui {

inline std::string utf8(const QString& text) { return text.toStdString(); }
inline QString qt(const std::string& text) { return QString::fromStdString(text); }

// The engine's listener for request `id`: progress and messages as the worker's signals.
EngineListener listener_for(EngineWorker* worker, quint64 id);

struct EngineWorker::State {
  std::unique_ptr<Engine> engine;
  EngineConfig config;
  bool configured = false;
  RequestCancels requests;                 // a token per queued or running request
  CancelToken cancel;                      // the running request's own token (from `requests`)
  std::optional<EditJobResult> last_edit;  // with its per-step state: what rerender() moves
  std::optional<PartToken> trained;        // the last trained token, until it is saved
  std::string lastSharingNote;             // the CPU-sharing note last shown (runtime/cpu_share.h)
};

}  // namespace partedit::ui
