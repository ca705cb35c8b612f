#pragma once
// The JSON header of a safetensors file, parsed and checked as the reference reader
// (huggingface/safetensors, read_metadata + validate) does, in time linear in its size.
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "io/safetensors.h"

namespace partedit {

struct SafetensorsHeader {
  std::vector<SafetensorsEntry> entries;  // in data offset order
  std::map<std::string, std::string> metadata;
};

// Parses `text` (the header bytes of `path`) and checks that no key appears twice in one
// object, that every entry has a known dtype, a shape and offsets whose byte count matches,
// that metadata values are strings, and that the tensors in offset order cover the
// `data_size` bytes of the data section exactly (no gap, overlap or trailing bytes).
// Throws partedit::Error naming the file and the tensor at fault.
SafetensorsHeader parse_safetensors_header(const std::filesystem::path& path, std::string_view text,
                                           uint64_t data_size);

// Throws partedit::Error("invalid safetensors file <path>: <what>").
[[noreturn]] void throw_invalid_safetensors(const std::filesystem::path& path, const std::string& what);

// A tensor (or key) name for a message: quoted, printable, at most 80 characters.
std::string quoted_name(std::string_view name);

}  // namespace partedit
