#include "io/safetensors.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <set>
#include <string_view>

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include "io/safetensors_header.h"
#include "io/atomic_file.h"
#include "runtime/error.h"

namespace partedit {
namespace {

constexpr uint64_t kMaxHeaderBytes = 100000000;  // as the reference reader

struct DtypeInfo {
  const char* name;
  c10::ScalarType type;
  size_t size;
};
constexpr DtypeInfo kDtypes[] = {
    {"F64", c10::kDouble, 8}, {"F32", c10::kFloat, 4},  {"F16", c10::kHalf, 2},
    {"BF16", c10::kBFloat16, 2}, {"I64", c10::kLong, 8}, {"I32", c10::kInt, 4},
    {"I16", c10::kShort, 2},  {"I8", c10::kChar, 1},    {"U8", c10::kByte, 1},
    {"BOOL", c10::kBool, 1},
};

// What a file that is not safetensors is, when its first bytes say so ("" if unknown); the
// message then names it instead of a meaningless header length.
std::string known_format(const uint8_t* bytes, uint64_t size) {
  const auto starts_with = [&](const char* magic, size_t length, size_t at = 0) {
    return size >= at + length && std::memcmp(bytes + at, magic, length) == 0;
  };
  if (starts_with("\x89PNG\r\n\x1a\n", 8)) return "it is a PNG image";
  if (starts_with("\xff\xd8\xff", 3)) return "it is a JPEG image";
  if (starts_with("RIFF", 4) && starts_with("WEBP", 4, 8)) return "it is a WebP image";
  if (starts_with("PK\x03\x04", 4)) return "it is a zip archive, e.g. a PyTorch .bin/.ckpt checkpoint";
  if (starts_with("GGUF", 4)) return "it is a GGUF file";
  if (starts_with("{", 1)) return "it is a JSON text file";
  return {};
}

[[noreturn]] void throw_not_safetensors(const std::filesystem::path& path, const uint8_t* bytes, uint64_t size,
                                        const std::string& reason) {
  const std::string format = known_format(bytes, size);
  throw Error(path.string() + " is not a safetensors file (" + (format.empty() ? reason : format) + ")");
}

}  // namespace

std::string safetensors_dtype_name(c10::ScalarType type) {
  for (const auto& d : kDtypes)
    if (d.type == type) return d.name;
  throw Error(std::string("dtype ") + c10::toString(type) + " cannot be stored in safetensors");
}

c10::ScalarType scalar_type_from_safetensors(const std::string& dtype) {
  for (const auto& d : kDtypes)
    if (dtype == d.name) return d.type;
  throw Error("unsupported safetensors dtype '" + dtype + "'");
}

size_t safetensors_dtype_size(const std::string& dtype) {
  for (const auto& d : kDtypes)
    if (dtype == d.name) return d.size;
  return 0;
}

struct SafetensorsFile::Mapping {
  void* address = nullptr;
  size_t size = 0;
  ~Mapping() {
    if (address && size) munmap(address, size);
  }
};

SafetensorsFile::SafetensorsFile(const std::filesystem::path& path) : path_(path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Error("cannot open " + path.string() + ": " + std::strerror(errno));
  struct stat st {};
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw Error("not a regular file: " + path.string());
  }
  const auto file_size = static_cast<uint64_t>(st.st_size);
  mapping_ = std::make_shared<Mapping>();
  if (file_size > 0) {
    void* address = mmap(nullptr, file_size, PROT_READ, MAP_PRIVATE, fd, 0);
    ::close(fd);
    if (address == MAP_FAILED) throw Error("cannot map " + path.string() + ": " + std::strerror(errno));
    mapping_->address = address;
    mapping_->size = file_size;
  } else {
    ::close(fd);
  }
  const auto* bytes = static_cast<const uint8_t*>(mapping_->address);

  // 1. header length: a file that is not safetensors usually fails here
  if (file_size < 8)
    throw_not_safetensors(path, bytes, file_size,
                          "it has " + std::to_string(file_size) + " bytes, fewer than the 8 of the header length");
  uint64_t header_len = 0;
  for (int i = 7; i >= 0; --i) header_len = (header_len << 8) | bytes[i];
  const uint64_t rest = file_size - 8;
  const bool json_follows = rest > 0 && bytes[8] == '{';
  if (header_len > kMaxHeaderBytes)
    throw_not_safetensors(path, bytes, file_size,
                          "its first 8 bytes give a header length of " + std::to_string(header_len) +
                              " bytes, over the limit of " + std::to_string(kMaxHeaderBytes));
  if (header_len > rest) {
    if (json_follows)
      throw_invalid_safetensors(path, "header length " + std::to_string(header_len) + " is larger than the rest of the file (" +
                                          std::to_string(rest) + " bytes); the file is truncated");
    throw_not_safetensors(path, bytes, file_size,
                          "its first 8 bytes give a header length of " + std::to_string(header_len) +
                              " bytes, but only " + std::to_string(rest) + " bytes follow");
  }
  if (header_len >= 3 && std::memcmp(bytes + 8, "\xef\xbb\xbf", 3) == 0)
    throw_invalid_safetensors(path, "the header starts with a UTF-8 byte order mark; it must start with '{' "
                                    "(re-save it without the mark)");
  if (header_len == 0 || !json_follows)
    throw_not_safetensors(path, bytes, file_size, "its header does not start with '{'");

  // 2. the JSON header, checked against the data section
  data_ = bytes + 8 + header_len;
  auto header = parse_safetensors_header(
      path, std::string_view(reinterpret_cast<const char*>(bytes + 8), header_len), rest - header_len);
  entries_ = std::move(header.entries);  // in offset order
  metadata_ = std::move(header.metadata);
  for (size_t i = 0; i < entries_.size(); ++i) index_.emplace(entries_[i].name, i);
}

void SafetensorsFile::release(const std::string& name) const {
  const auto& e = entry(name);
  static const uintptr_t page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
  const auto begin = reinterpret_cast<uintptr_t>(data_ + e.begin);
  const auto end = reinterpret_cast<uintptr_t>(data_ + e.end);
  const uintptr_t first = (begin + page - 1) / page * page;  // whole pages inside the tensor only
  const uintptr_t last = end / page * page;
  if (last > first) madvise(reinterpret_cast<void*>(first), last - first, MADV_DONTNEED);
}

bool SafetensorsFile::contains(const std::string& name) const { return index_.count(name) > 0; }

const SafetensorsEntry& SafetensorsFile::entry(const std::string& name) const {
  auto it = index_.find(name);
  if (it == index_.end()) throw Error("tensor " + quoted_name(name) + " not found in " + path_.string());
  return entries_[it->second];
}

at::Tensor SafetensorsFile::tensor(const std::string& name) const {
  const auto& e = entry(name);
  auto out = at::empty(e.shape, at::TensorOptions().dtype(scalar_type_from_safetensors(e.dtype)));
  if (e.end > e.begin) std::memcpy(out.data_ptr(), data_ + e.begin, e.end - e.begin);
  return out;
}

at::Tensor SafetensorsFile::view(const std::string& name) const {
  const auto& e = entry(name);
  const void* address = data_ + e.begin;
  if (e.end == e.begin || reinterpret_cast<uintptr_t>(address) % safetensors_dtype_size(e.dtype) != 0)
    return tensor(name);
  auto keep_alive = mapping_;
  return at::from_blob(const_cast<void*>(address), e.shape, [keep_alive](void*) {},
                       at::TensorOptions().dtype(scalar_type_from_safetensors(e.dtype)));
}

namespace {

}  // namespace

void write_safetensors(const std::filesystem::path& path, const NamedTensors& tensors,
                       const std::map<std::string, std::string>& metadata) {
  const std::string target = "cannot write " + path.string() + ": ";
  // 1. validate everything and build the header before touching the disk
  nlohmann::json header = nlohmann::json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  std::vector<at::Tensor> cpu;
  std::set<std::string> names;
  uint64_t offset = 0;
  for (const auto& [name, t] : tensors) {
    if (name == "__metadata__" || !names.insert(name).second)
      throw Error(target + "duplicate or reserved tensor name " + quoted_name(name));
    if (!t.defined()) throw Error(target + "tensor " + quoted_name(name) + " is undefined");
    std::string dtype;
    try {
      dtype = safetensors_dtype_name(t.scalar_type());
    } catch (const Error& e) {
      throw Error(target + "tensor " + quoted_name(name) + ": " + e.what());
    }
    auto c = t.detach().to(at::kCPU).contiguous();
    const uint64_t bytes = static_cast<uint64_t>(c.numel()) * c.element_size();
    header[name] = {{"dtype", dtype}, {"shape", c.sizes().vec()}, {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
    cpu.push_back(std::move(c));
  }
  std::string json;
  try {
    json = header.dump();
  } catch (const nlohmann::json::exception&) {
    throw Error(target + "a tensor name or metadata text is not valid UTF-8");
  }
  // Pad with spaces (the only padding readers accept) to keep the data 8-byte aligned.
  json.append((8 - json.size() % 8) % 8, ' ');

  // 2. write a temporary file in the same folder, flush it to the disk, replace the target
  AtomicFile file(path);
  uint8_t len[8];
  for (int i = 0; i < 8; ++i) len[i] = static_cast<uint8_t>(static_cast<uint64_t>(json.size()) >> (8 * i));
  file.write(len, 8);
  file.write(json);
  for (const auto& c : cpu) file.write(c.data_ptr(), static_cast<size_t>(c.numel()) * c.element_size());
  file.commit();
}

}  // namespace partedit
