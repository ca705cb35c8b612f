#pragma once
// Whole-file writes that readers never see half done: a temporary file in the target's folder,
// fsync, rename. A failure (or a killed process) leaves the previous file as it was.
#include <filesystem>
#include <string>

namespace partedit {

// Writes `bytes` to `path` atomically. Throws Error naming the file and the failing step.
void write_file_atomically(const std::filesystem::path& path, const std::string& bytes);

}  // namespace partedit
