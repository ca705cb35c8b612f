#pragma once
// Where the running program lives: installed files (tokens, model configs, the sentencepiece
// module) are found relative to it.
#include <filesystem>

namespace partedit {

// The folder of /proc/self/exe; empty when it cannot be read.
std::filesystem::path current_executable_dir();

}  // namespace partedit
