#include "ui/worker/engine_runtime.h"

#include <iostream>

#include <torch/version.h>

#include "engine/engine.h"

namespace partedit::ui {

void configureEngineRuntime(int argc, char** argv) { configure_runtime(argc, argv); }

QString libtorchVersion() { return QStringLiteral(TORCH_VERSION); }

QString describeFatalError(const std::exception_ptr& error) {
  if (debug_enabled()) std::cerr << "partedit: debug: " << debug_text(error) << "\n";
  return QString::fromStdString(describe_exception(error).text());
}

}  // namespace partedit::ui
