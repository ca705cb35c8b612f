#include "io/stderr_capture.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>

namespace partedit {

namespace {

std::recursive_mutex& capture_mutex() {
  static std::recursive_mutex mutex;
  return mutex;
}

constexpr size_t kMaxCaptured = 64 * 1024;

}  // namespace

StderrCapture::StderrCapture() : lock_(capture_mutex()) {
  std::fflush(stderr);
  capture_fd_ = ::memfd_create("partedit-stderr", MFD_CLOEXEC);
  if (capture_fd_ < 0) return;
  saved_fd_ = ::dup(STDERR_FILENO);
  if (saved_fd_ < 0 || ::dup2(capture_fd_, STDERR_FILENO) < 0) {
    if (saved_fd_ >= 0) ::close(saved_fd_);
    ::close(capture_fd_);
    saved_fd_ = capture_fd_ = -1;
  }
}

StderrCapture::~StderrCapture() { finish(); }

std::string StderrCapture::finish() {
  if (capture_fd_ < 0) return {};
  std::fflush(stderr);
  ::dup2(saved_fd_, STDERR_FILENO);
  ::close(saved_fd_);
  std::string text;
  char buffer[4096];
  ssize_t n;
  off_t at = 0;
  while (text.size() < kMaxCaptured && (n = ::pread(capture_fd_, buffer, sizeof buffer, at)) > 0) {
    text.append(buffer, static_cast<size_t>(n));
    at += n;
  }
  ::close(capture_fd_);
  saved_fd_ = capture_fd_ = -1;
  if (text.size() > kMaxCaptured) text.resize(kMaxCaptured);
  return text;
}

void StderrCapture::reemit(const std::string& text) {
  if (text.empty()) return;
  std::fwrite(text.data(), 1, text.size(), stderr);
  std::fflush(stderr);
}

}  // namespace partedit
