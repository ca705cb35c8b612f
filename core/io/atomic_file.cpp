#include "io/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>

#include "runtime/error.h"

namespace partedit {
namespace fs = std::filesystem;

namespace {

std::string temporary_prefix(const fs::path& path) { return "." + path.filename().string() + ".tmp-"; }

fs::path folder_of(const fs::path& path) { return path.has_parent_path() ? path.parent_path() : fs::path("."); }

// Makes a completed rename durable; a failure here does not undo the write, so it is ignored.
void sync_folder(const fs::path& folder) {
  const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

AtomicFile::AtomicFile(fs::path path) : path_(std::move(path)) {
  static std::atomic<unsigned> counter{0};
  const fs::path folder = folder_of(path_);
  for (int attempt = 0; attempt < 100 && fd_ < 0; ++attempt) {
    temp_ = folder / (temporary_prefix(path_) + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fd_ = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd_ < 0 && errno != EEXIST) break;
  }
  if (fd_ < 0)
    throw Error("cannot write " + path_.string() + ": cannot create a file in " + folder.string() + " (" +
                std::strerror(errno) + ")");
}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!temp_.empty()) ::unlink(temp_.c_str());
}

void AtomicFile::fail(const std::string& step, int error) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  ::unlink(temp_.c_str());
  temp_.clear();
  throw Error("cannot write " + path_.string() + ": " + step + " (" + std::strerror(error) + ")");
}

void AtomicFile::write(const void* data, size_t size) {
  if (fd_ < 0) throw Error("cannot write " + path_.string() + ": the file is already committed");
  const auto* p = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = ::write(fd_, p, std::min<size_t>(size, size_t(1) << 30));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail("write failed", n == 0 ? EIO : errno);
    p += n;
    size -= static_cast<size_t>(n);
  }
}

void AtomicFile::commit() {
  if (fd_ < 0) throw Error("cannot write " + path_.string() + ": the file is already committed");
  if (::fsync(fd_) != 0) fail("fsync failed", errno);
  const int closed = ::close(fd_);
  fd_ = -1;
  if (closed != 0) fail("close failed", errno);
  if (::rename(temp_.c_str(), path_.c_str()) != 0) fail("rename failed", errno);
  temp_.clear();
  sync_folder(folder_of(path_));
}

void write_file_atomically(const fs::path& path, const std::string& bytes) {
  AtomicFile file(path);
  file.write(bytes);
  file.commit();
}

void remove_stale_temporaries(const fs::path& path) {
  const std::string prefix = temporary_prefix(path);
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(folder_of(path), ec))
    if (entry.path().filename().string().rfind(prefix, 0) == 0) fs::remove(entry.path(), ec);
}

void remove_stale_temporaries(const fs::path& folder, const std::set<std::string>& file_names) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(folder, ec)) {
    // ".NAME.tmp-PID-N" (temporary_prefix): NAME is what it was written for.
    const std::string name = entry.path().filename().string();
    const size_t tail = name.rfind(".tmp-");
    if (name.size() < 2 || name[0] != '.' || tail == std::string::npos || tail < 1) continue;
    if (file_names.count(name.substr(1, tail - 1))) fs::remove(entry.path(), ec);
  }
}

}  // namespace partedit
