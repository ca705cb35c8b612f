#pragma once
// Safetensors files: memory-mapped, validated reading and atomic writing.
// Format: u64 little-endian header length N, N bytes of JSON
// {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {str: str}},
// then the raw little-endian C-order data; offsets are relative to the end of the header.
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <ATen/core/Tensor.h>

namespace partedit {

struct SafetensorsEntry {
  std::string name;
  std::string dtype;  // as written in the file: F32, F16, BF16, I64, ...
  std::vector<int64_t> shape;
  uint64_t begin = 0;  // byte offsets relative to the data section
  uint64_t end = 0;
};

class SafetensorsFile {
 public:
  // Maps and validates the file as the reference reader does; throws partedit::Error naming
  // the file and what is wrong ("<file> is not a safetensors file (...)" for other files).
  explicit SafetensorsFile(const std::filesystem::path& path);

  const std::filesystem::path& path() const { return path_; }
  const std::vector<SafetensorsEntry>& entries() const { return entries_; }  // file order
  const std::map<std::string, std::string>& metadata() const { return metadata_; }
  bool contains(const std::string& name) const;
  const SafetensorsEntry& entry(const std::string& name) const;  // throws if absent

  // A CPU tensor of the stored dtype that owns a copy of the data.
  at::Tensor tensor(const std::string& name) const;
  // A zero-copy CPU view into the mapping (keeps the mapping alive); falls back to a copy
  // when the data is not aligned for its dtype. Treat as read-only.
  at::Tensor view(const std::string& name) const;
  // Drops the pages that hold only `name`'s data from this process's resident memory (the
  // mapping is read-only: touched again, they are read back from the file). For loaders that
  // have copied the tensor, so that a load's peak is the model plus one tensor, not plus the file.
  void release(const std::string& name) const;

 private:
  struct Mapping;
  std::filesystem::path path_;
  std::shared_ptr<Mapping> mapping_;
  const uint8_t* data_ = nullptr;  // start of the data section
  std::vector<SafetensorsEntry> entries_;
  std::map<std::string, size_t> index_;
  std::map<std::string, std::string> metadata_;
};

using NamedTensors = std::vector<std::pair<std::string, at::Tensor>>;

// Writes tensors (any device, made contiguous on the CPU) atomically: a temporary file in
// the same folder, flushed, then renamed over `path`. Names must be unique.
void write_safetensors(const std::filesystem::path& path, const NamedTensors& tensors,
                       const std::map<std::string, std::string>& metadata = {});

// Dtype names of the format <-> LibTorch scalar types.
std::string safetensors_dtype_name(c10::ScalarType type);
c10::ScalarType scalar_type_from_safetensors(const std::string& dtype);  // throws if unknown
size_t safetensors_dtype_size(const std::string& dtype);                 // 0 if unknown

}  // namespace partedit
