#pragma once
// What the app's main() asks of the engine around the window: the threads and BLAS setup
// every program does first (it may re-execute the program), the LibTorch version for
// --version, and a fatal error in the engine's words.
#include <exception>

#include <QString>

namespace partedit::ui {

void configureEngineRuntime(int argc, char** argv);
QString libtorchVersion();
// The error for the artist; with PARTEDIT_DEBUG=1 LibTorch's trace also goes to stderr.
QString describeFatalError(const std::exception_ptr& error);

}  // namespace partedit::ui
