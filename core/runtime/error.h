#pragma once
// Errors the engine reports to its callers (CLI, GUI). Messages name the file, tensor or
// option at fault so that a user can act on them.
#include <stdexcept>
#include <string>

namespace partedit {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Thrown when a run is cancelled through its CancelToken; not a failure.
class CancelledError : public Error {
 public:
  CancelledError() : Error("cancelled") {}
};

}  // namespace partedit
