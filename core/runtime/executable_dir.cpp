#include "runtime/executable_dir.h"

namespace partedit {

std::filesystem::path current_executable_dir() {
  std::error_code ec;
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::filesystem::path() : exe.parent_path();
}

}  // namespace partedit
