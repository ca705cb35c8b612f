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

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include "runtime/error.h"

namespace partedit {
namespace {

constexpr uint64_t kMaxHeaderBytes = 100ull * 1024 * 1024;  // as the reference reader

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

[[noreturn]] void fail(const std::filesystem::path& path, const std::string& what) {
  throw Error("invalid safetensors file " + path.string() + ": " + what);
}


void parse_metadata(const std::filesystem::path& path, const nlohmann::json& value,
                    std::map<std::string, std::string>& metadata) {
  if (!value.is_object()) fail(path, "__metadata__ is not an object");
  for (auto m = value.begin(); m != value.end(); ++m) {
    if (!m->is_string()) fail(path, "__metadata__ value '" + m.key() + "' is not a string");
    metadata[m.key()] = m->get<std::string>();
  }
}

// One header entry {dtype, shape, data_offsets}, checked against the data section's size.
SafetensorsEntry parse_entry(const std::filesystem::path& path, const std::string& name,
                             const nlohmann::json& info, uint64_t data_size) {
  const std::string where = "tensor '" + name + "'";
  if (!info.is_object() || !info.contains("dtype") || !info.contains("shape") || !info.contains("data_offsets"))
    fail(path, where + " lacks dtype, shape or data_offsets");
  SafetensorsEntry entry;
  entry.name = name;
  if (!info["dtype"].is_string()) fail(path, where + " has a non-string dtype");
  entry.dtype = info["dtype"].get<std::string>();
  const uint64_t element_size = safetensors_dtype_size(entry.dtype);
  if (element_size == 0) fail(path, where + " has unsupported dtype '" + entry.dtype + "'");
  if (!info["shape"].is_array()) fail(path, where + " has a non-array shape");
  uint64_t numel = 1;
  for (const auto& d : info["shape"]) {
    if (!d.is_number_unsigned()) fail(path, where + " has an invalid dimension " + d.dump());
    const uint64_t dim = d.get<uint64_t>();
    if (dim > (1ull << 40) || (dim && numel > (1ull << 62) / dim)) fail(path, where + " has an absurd shape");
    numel *= dim;
    entry.shape.push_back(static_cast<int64_t>(dim));
  }
  const auto& offsets = info["data_offsets"];
  if (!offsets.is_array() || offsets.size() != 2 || !offsets[0].is_number_unsigned() ||
      !offsets[1].is_number_unsigned())
    fail(path, where + " has invalid data_offsets " + offsets.dump());
  entry.begin = offsets[0].get<uint64_t>();
  entry.end = offsets[1].get<uint64_t>();
  if (entry.begin > entry.end) fail(path, where + " has data_offsets with begin > end");
  if (entry.end > data_size)
    fail(path, where + " ends at byte " + std::to_string(entry.end) + " of the data section, which has only " +
                   std::to_string(data_size) + " bytes (truncated file?)");
  // Divide rather than multiply: numel * element_size can wrap around 2^64.
  const uint64_t bytes = entry.end - entry.begin;
  if (bytes % element_size != 0 || bytes / element_size != numel)
    fail(path, where + " holds " + std::to_string(bytes) + " bytes, which does not match dtype " + entry.dtype +
                   " and " + std::to_string(numel) + " elements");
  return entry;
}

// Tensor names must be unique; nlohmann::json would silently keep one of two equal keys.
bool reject_duplicate_names(const std::filesystem::path& path, int depth, nlohmann::json::parse_event_t event,
                            nlohmann::json& parsed, std::set<std::string>& seen) {
  if (depth == 1 && event == nlohmann::json::parse_event_t::key && !seen.insert(parsed.get<std::string>()).second)
    fail(path, "tensor '" + parsed.get<std::string>() + "' appears twice in the header");
  return true;
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

  // 1. header length
  if (file_size < 8) fail(path, "file is " + std::to_string(file_size) + " bytes, shorter than the 8-byte header length");
  uint64_t header_len = 0;
  for (int i = 7; i >= 0; --i) header_len = (header_len << 8) | bytes[i];
  if (header_len > kMaxHeaderBytes) fail(path, "header length " + std::to_string(header_len) + " exceeds the 100 MB limit");
  if (header_len > file_size - 8)
    fail(path, "header length " + std::to_string(header_len) + " is larger than the file (" +
                   std::to_string(file_size) + " bytes); the file is truncated or not safetensors");

  // 2. JSON
  nlohmann::json header;
  try {
    std::set<std::string> seen;
    header = nlohmann::json::parse(bytes + 8, bytes + 8 + header_len,
                                   [&](int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
                                     return reject_duplicate_names(path, depth, event, parsed, seen);
                                   });
  } catch (const nlohmann::json::exception& e) {
    fail(path, std::string("header is not valid JSON: ") + e.what());
  }
  if (!header.is_object()) fail(path, "header is not a JSON object");
  data_ = bytes + 8 + header_len;
  const uint64_t data_size = file_size - 8 - header_len;

  // 3. entries
  for (auto it = header.begin(); it != header.end(); ++it) {
    if (it.key() == "__metadata__")
      parse_metadata(path, *it, metadata_);
    else
      entries_.push_back(parse_entry(path, it.key(), *it, data_size));
  }

  // 4. no overlaps (sorted by offset; empty tensors occupy nothing)
  std::vector<const SafetensorsEntry*> by_offset;
  for (const auto& e : entries_) by_offset.push_back(&e);
  std::sort(by_offset.begin(), by_offset.end(),
            [](const auto* a, const auto* b) { return a->begin < b->begin || (a->begin == b->begin && a->end < b->end); });
  const SafetensorsEntry* reach = nullptr;  // the non-empty tensor ending furthest so far
  for (const auto* cur : by_offset) {
    if (cur->begin == cur->end) continue;
    if (reach && cur->begin < reach->end)
      fail(path, "tensors '" + reach->name + "' and '" + cur->name + "' overlap");
    if (!reach || cur->end > reach->end) reach = cur;
  }

  // Keep the file order of the JSON header (nlohmann sorts keys; sort by offset instead).
  std::sort(entries_.begin(), entries_.end(), [](const auto& a, const auto& b) { return a.begin < b.begin; });
  for (size_t i = 0; i < entries_.size(); ++i) index_[entries_[i].name] = i;
}

bool SafetensorsFile::contains(const std::string& name) const { return index_.count(name) > 0; }

const SafetensorsEntry& SafetensorsFile::entry(const std::string& name) const {
  auto it = index_.find(name);
  if (it == index_.end()) throw Error("tensor '" + name + "' not found in " + path_.string());
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

// Writes all of `size` bytes, retrying short writes; false on error.
bool write_all(int fd, const void* data, uint64_t size) {
  const auto* p = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = ::write(fd, p, std::min<uint64_t>(size, 1ull << 30));
    if (n < 0 && errno == EINTR) continue;
    if (n == 0) errno = EIO;
    if (n <= 0) return false;
    p += n;
    size -= static_cast<uint64_t>(n);
  }
  return true;
}

// A new, exclusively created file next to `path` (unique per process and call).
int create_temp_file(const std::filesystem::path& path, std::filesystem::path& tmp) {
  static std::atomic<unsigned> counter{0};
  for (int attempt = 0; attempt < 100; ++attempt) {
    tmp = path;
    tmp += ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd >= 0 || errno != EEXIST) return fd;
  }
  return -1;
}

// Makes a completed rename durable; failure here does not undo the write, so it is ignored.
void sync_parent_folder(const std::filesystem::path& path) {
  auto parent = path.parent_path();
  if (parent.empty()) parent = ".";
  const int fd = ::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

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
      throw Error(target + "duplicate or reserved tensor name '" + name + "'");
    if (!t.defined()) throw Error(target + "tensor '" + name + "' is undefined");
    std::string dtype;
    try {
      dtype = safetensors_dtype_name(t.scalar_type());
    } catch (const Error& e) {
      throw Error(target + "tensor '" + name + "': " + e.what());
    }
    auto c = t.detach().to(at::kCPU).contiguous();
    const uint64_t bytes = static_cast<uint64_t>(c.numel()) * c.element_size();
    header[name] = {{"dtype", dtype}, {"shape", c.sizes().vec()}, {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
    cpu.push_back(std::move(c));
  }
  std::string json = header.dump();
  json.append((8 - json.size() % 8) % 8, ' ');  // keep the data 8-byte aligned

  // 2. write a temporary file in the same folder and flush it to the disk
  std::filesystem::path tmp;
  const int fd = create_temp_file(path, tmp);
  if (fd < 0) throw Error(target + std::strerror(errno));
  uint8_t len[8];
  for (int i = 0; i < 8; ++i) len[i] = static_cast<uint8_t>(static_cast<uint64_t>(json.size()) >> (8 * i));
  int error = 0;  // the first failure's errno
  const auto step = [&error](bool ok) {
    if (!ok && error == 0) error = errno ? errno : EIO;
  };
  step(write_all(fd, len, 8));
  if (!error) step(write_all(fd, json.data(), json.size()));
  for (size_t i = 0; !error && i < cpu.size(); ++i)
    step(write_all(fd, cpu[i].data_ptr(), static_cast<uint64_t>(cpu[i].numel()) * cpu[i].element_size()));
  if (!error) step(::fsync(fd) == 0);
  step(::close(fd) == 0);
  if (error) {
    std::error_code ignored;
    std::filesystem::remove(tmp, ignored);
    throw Error(target + std::strerror(error));
  }

  // 3. atomically replace the target
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::error_code ignored;
    std::filesystem::remove(tmp, ignored);
    throw Error("cannot replace " + path.string() + ": " + ec.message());
  }
  sync_parent_folder(path);
}

}  // namespace partedit
