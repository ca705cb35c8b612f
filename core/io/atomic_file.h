#pragma once
// Whole-file writes that readers never see half done: a temporary file in the target's folder,
// fsync, rename, fsync of the folder (so the rename survives a power cut). A failure, or a
// killed process, leaves the previous file as it was.
#include <cstddef>
#include <filesystem>
#include <set>
#include <string>

namespace partedit {

// A file being written: write() any number of times, then commit(). Destroyed uncommitted
// (an exception), it removes its temporary file. Errors are Error naming the target file.
class AtomicFile {
 public:
  explicit AtomicFile(std::filesystem::path path);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  void write(const void* data, size_t size);
  void write(const std::string& bytes) { write(bytes.data(), bytes.size()); }
  // fsync, close, rename over the target, fsync the folder.
  void commit();

 private:
  [[noreturn]] void fail(const std::string& step, int error);

  std::filesystem::path path_, temp_;
  int fd_ = -1;
};

// Writes `bytes` to `path` atomically.
void write_file_atomically(const std::filesystem::path& path, const std::string& bytes);

// Removes what a killed writer of `path` left behind: its temporary files
// (".NAME.tmp-PID-N" next to it). Errors are ignored.
void remove_stale_temporaries(const std::filesystem::path& path);

// The same for the files `file_names` of `folder`, reading the folder once (a batch of many
// outputs in one folder would read it once per output).
void remove_stale_temporaries(const std::filesystem::path& folder, const std::set<std::string>& file_names);

}  // namespace partedit
