#include "runtime/error_text.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <new>

#include <c10/util/Exception.h>
#include <torch/version.h>

#include "runtime/error.h"
#include "runtime/stage.h"
#include "runtime/text.h"

// c10::OutOfMemoryError exists from LibTorch 1.13 (CUDA's caching allocator throws it).
#if TORCH_VERSION_MAJOR >= 2 || (TORCH_VERSION_MAJOR == 1 && TORCH_VERSION_MINOR >= 13)
#define PARTEDIT_HAS_C10_OOM_ERROR 1
#endif

namespace partedit {

namespace {

constexpr size_t kForeignMessageLimit = 300;  // a library's line, not a page

// Drops LibTorch's backtrace, wherever it was appended (also inside a message we wrapped).
std::string without_backtrace(const std::string& text) {
  size_t cut = text.size();
  for (const char* marker : {"Exception raised from ", "frame #0", "\nframe #"}) {
    const size_t at = text.find(marker);
    if (at != std::string::npos) cut = std::min(cut, at);
  }
  std::string out = text.substr(0, cut);
  while (!out.empty() && std::isspace(static_cast<unsigned char>(out.back()))) out.pop_back();
  return out;
}

// One printable line of at most kForeignMessageLimit characters.
std::string one_line(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (c == '\n' || c == '\t' || c == '\r') c = ' ';
    if (c < 0x20 || c == 0x7f) c = '?';
    if (c == ' ' && !out.empty() && out.back() == ' ') continue;
    out += static_cast<char>(c);
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  if (out.size() > kForeignMessageLimit) out = out.substr(0, kForeignMessageLimit) + "...";
  return out;
}

bool mentions_out_of_memory(const std::string& text) {
  const std::string t = lower_ascii(text);
  return t.find("tried to allocate") != std::string::npos || t.find("out of memory") != std::string::npos ||
         t.find("not enough memory") != std::string::npos;
}

std::string device_of(const std::string& text) {
  const std::string t = lower_ascii(text);
  if (t.find("cuda") != std::string::npos || t.find("gpu") != std::string::npos) return "the GPU";
  if (t.find("cpuallocator") != std::string::npos) return "the CPU";
  return "";
}

ErrorText out_of_memory(const std::string& library_text, std::string device) {
  ErrorText e;
  e.kind = ErrorKind::OutOfMemory;
  e.bytes = allocation_bytes(library_text);
  e.device = std::move(device);
  e.message = "out of memory";  // describe_exception() adds the stage after these words
  if (e.bytes) e.message += ": " + byte_text(*e.bytes) + " could not be allocated";
  else e.message += ": an allocation failed";
  if (!e.device.empty()) e.message += " on " + e.device;
  e.advice = "try a smaller image or mask size, fewer steps, a half-precision dtype (bf16 on the CPU, fp16 on a GPU) "
             "or a device with more memory";
  return e;
}

ErrorText classify(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const CancelledError& e) {
    return {ErrorKind::Cancelled, e.what()};
  } catch (const Error& e) {
    const std::string text = without_backtrace(e.what());
    if (mentions_out_of_memory(text)) return out_of_memory(text, device_of(text));
    return {ErrorKind::Error, text};
#ifdef PARTEDIT_HAS_C10_OOM_ERROR
  } catch (const c10::OutOfMemoryError& e) {
    const std::string text = e.what_without_backtrace();
    const std::string device = device_of(text);
    return out_of_memory(text, device.empty() ? "the GPU" : device);
#endif
  } catch (const c10::Error& e) {
    const std::string text = e.what_without_backtrace();
    if (mentions_out_of_memory(text)) return out_of_memory(text, device_of(text));
    return {ErrorKind::Internal, one_line(without_backtrace(text))};
  } catch (const std::bad_alloc&) {
    return out_of_memory("", "the CPU");
  } catch (const std::exception& e) {
    const std::string text = without_backtrace(e.what());
    if (mentions_out_of_memory(text)) return out_of_memory(text, device_of(text));
    return {ErrorKind::Internal, one_line(text)};
  } catch (...) {
    return {ErrorKind::Internal, "an unknown exception"};
  }
}

}  // namespace

std::string ErrorText::text() const { return advice.empty() ? message : message + "; " + advice; }

ErrorText describe_exception(const std::exception_ptr& error) {
  const std::string stage = take_failed_stage();
  ErrorText e = classify(error);
  e.stage = stage;
  if (e.kind == ErrorKind::OutOfMemory) {
    // Rebuilt with the stage: "out of memory while decoding the image: 2.0 GiB could not be ..."
    const std::string rest = e.message.substr(std::string("out of memory").size());
    if (!stage.empty()) e.message = "out of memory while " + stage + rest;
  } else if (e.kind == ErrorKind::Internal && !stage.empty()) {
    e.message += " (while " + stage + ")";
  }
  return e;
}

std::string debug_text(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "an unknown exception";
  }
}

bool debug_enabled() {
  const char* value = std::getenv("PARTEDIT_DEBUG");
  return value && *value && std::string(value) != "0";
}

std::string byte_text(uint64_t bytes) {
  if (bytes < 1024) return std::to_string(bytes) + " bytes";
  const char* units[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  double value = static_cast<double>(bytes) / 1024.0;
  size_t unit = 0;
  while (value >= 1024.0 && unit + 1 < std::size(units)) {
    value /= 1024.0;
    ++unit;
  }
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%.1f %s", value, units[unit]);
  return buffer;
}

std::optional<uint64_t> allocation_bytes(const std::string& message) {
  const std::string t = lower_ascii(message);
  // c10's CPU allocator: "you tried to allocate 1234 bytes".
  const std::string cpu = "you tried to allocate ";
  if (const size_t at = t.find(cpu); at != std::string::npos) {
    const char* start = t.c_str() + at + cpu.size();
    char* end = nullptr;
    const unsigned long long n = std::strtoull(start, &end, 10);
    if (end != start) return static_cast<uint64_t>(n);
  }
  // CUDA's caching allocator: "Tried to allocate 2.00 GiB".
  const std::string cuda = "tried to allocate ";
  if (const size_t at = t.find(cuda); at != std::string::npos) {
    const char* start = t.c_str() + at + cuda.size();
    char* end = nullptr;
    const double value = std::strtod(start, &end);
    if (end == start || value < 0) return std::nullopt;
    std::string unit(end);
    unit = unit.substr(unit.find_first_not_of(' ') == std::string::npos ? 0 : unit.find_first_not_of(' '));
    double scale = 1;
    if (unit.rfind("kib", 0) == 0 || unit.rfind("kb", 0) == 0) scale = 1024.0;
    else if (unit.rfind("mib", 0) == 0 || unit.rfind("mb", 0) == 0) scale = 1024.0 * 1024.0;
    else if (unit.rfind("gib", 0) == 0 || unit.rfind("gb", 0) == 0) scale = 1024.0 * 1024.0 * 1024.0;
    else if (unit.rfind("tib", 0) == 0 || unit.rfind("tb", 0) == 0) scale = 1024.0 * 1024.0 * 1024.0 * 1024.0;
    else if (unit.rfind("b", 0) != 0) return std::nullopt;
    return static_cast<uint64_t>(value * scale + 0.5);
  }
  return std::nullopt;
}

}  // namespace partedit
