#pragma once
// One place that turns any exception into our words for the front ends: partedit::Error as
// it is, an allocation failure (c10's CPU/CUDA allocator messages, c10::OutOfMemoryError,
// std::bad_alloc) as one line saying what was being done, how much memory was asked for
// and what to change, and any other foreign exception as one bounded line without
// LibTorch's stack trace (kept for PARTEDIT_DEBUG=1, see debug_text()).
#include <cstdint>
#include <exception>
#include <optional>
#include <string>

namespace partedit {

enum class ErrorKind {
  Cancelled,    // partedit::CancelledError: not a failure
  Error,        // partedit::Error: bad input or files, the message says what to change
  OutOfMemory,  // an allocation failed
  Internal,     // anything else: a bug or a library failure
};

struct ErrorText {
  ErrorKind kind = ErrorKind::Internal;
  std::string message;               // ours, printable, without a stack trace
  std::string stage;                 // what was being done ("denoising (step 3 of 50)"); "" unknown
  std::optional<uint64_t> bytes;     // OutOfMemory: the size of the failed allocation, when known
  std::string device;                // OutOfMemory: "the CPU" or "the GPU", when known
  std::string advice;                // OutOfMemory: what to change, in front-end-neutral words

  // message, then "; " + advice when there is one.
  std::string text() const;
};

// Describes `error` (std::current_exception() in a catch block). Reads and forgets the
// stage the exception unwound through (runtime/stage.h).
ErrorText describe_exception(const std::exception_ptr& error);

// The exception's full text, LibTorch's backtrace included, for PARTEDIT_DEBUG=1.
std::string debug_text(const std::exception_ptr& error);

// PARTEDIT_DEBUG is set to something other than "" or "0".
bool debug_enabled();

// "512 bytes", "3.5 MiB", "16.0 GiB".
std::string byte_text(uint64_t bytes);

// The byte count of an allocator message: c10's "you tried to allocate N bytes" (CPU) or
// "Tried to allocate 2.00 GiB" (CUDA); nullopt when the text has none.
std::optional<uint64_t> allocation_bytes(const std::string& message);

}  // namespace partedit
