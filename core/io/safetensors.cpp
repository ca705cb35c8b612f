#include "io/safetensors.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <fstream>
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
    header = nlohmann::json::parse(bytes + 8, bytes + 8 + header_len);
  } catch (const nlohmann::json::exception& e) {
    fail(path, std::string("header is not valid JSON: ") + e.what());
  }
  if (!header.is_object()) fail(path, "header is not a JSON object");
  data_ = bytes + 8 + header_len;
  const uint64_t data_size = file_size - 8 - header_len;

  // 3. entries
  for (auto it = header.begin(); it != header.end(); ++it) {
    if (it.key() == "__metadata__") {
      if (!it->is_object()) fail(path, "__metadata__ is not an object");
      for (auto m = it->begin(); m != it->end(); ++m) {
        if (!m->is_string()) fail(path, "__metadata__ value '" + m.key() + "' is not a string");
        metadata_[m.key()] = m->get<std::string>();
      }
      continue;
    }
    const std::string where = "tensor '" + it.key() + "'";
    const auto& info = *it;
    if (!info.is_object() || !info.contains("dtype") || !info.contains("shape") || !info.contains("data_offsets"))
      fail(path, where + " lacks dtype, shape or data_offsets");
    SafetensorsEntry entry;
    entry.name = it.key();
    if (!info["dtype"].is_string()) fail(path, where + " has a non-string dtype");
    entry.dtype = info["dtype"].get<std::string>();
    const size_t element_size = safetensors_dtype_size(entry.dtype);
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
    if (entry.end - entry.begin != numel * element_size)
      fail(path, where + " holds " + std::to_string(entry.end - entry.begin) + " bytes but dtype " + entry.dtype +
                     " and its shape need " + std::to_string(numel * element_size));
    entries_.push_back(std::move(entry));
  }

  // 4. no overlaps (sorted by offset; empty tensors occupy nothing)
  std::vector<const SafetensorsEntry*> by_offset;
  for (const auto& e : entries_) by_offset.push_back(&e);
  std::sort(by_offset.begin(), by_offset.end(),
            [](const auto* a, const auto* b) { return a->begin < b->begin || (a->begin == b->begin && a->end < b->end); });
  for (size_t i = 1; i < by_offset.size(); ++i) {
    const auto* prev = by_offset[i - 1];
    const auto* cur = by_offset[i];
    if (cur->begin < prev->end && cur->begin != cur->end && prev->begin != prev->end)
      fail(path, "tensors '" + prev->name + "' and '" + cur->name + "' overlap");
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

void write_safetensors(const std::filesystem::path& path, const NamedTensors& tensors,
                       const std::map<std::string, std::string>& metadata) {
  nlohmann::json header = nlohmann::json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  std::vector<at::Tensor> cpu;
  std::set<std::string> names;
  uint64_t offset = 0;
  for (const auto& [name, t] : tensors) {
    if (name == "__metadata__" || !names.insert(name).second)
      throw Error("cannot write " + path.string() + ": duplicate or reserved tensor name '" + name + "'");
    auto c = t.detach().to(at::kCPU).contiguous();
    const uint64_t bytes = static_cast<uint64_t>(c.numel()) * c.element_size();
    header[name] = {{"dtype", safetensors_dtype_name(c.scalar_type())},
                    {"shape", c.sizes().vec()},
                    {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
    cpu.push_back(std::move(c));
  }
  std::string json = header.dump();
  json.append((8 - json.size() % 8) % 8, ' ');  // keep the data 8-byte aligned

  auto tmp = path;
  tmp += ".tmp-" + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw Error("cannot write " + tmp.string());
    uint8_t len[8];
    uint64_t n = json.size();
    for (int i = 0; i < 8; ++i) len[i] = static_cast<uint8_t>(n >> (8 * i));
    out.write(reinterpret_cast<const char*>(len), 8);
    out.write(json.data(), static_cast<std::streamsize>(json.size()));
    for (const auto& c : cpu)
      out.write(static_cast<const char*>(c.data_ptr()), static_cast<std::streamsize>(c.numel() * c.element_size()));
    out.flush();
    if (!out) {
      out.close();
      std::filesystem::remove(tmp);
      throw Error("failed writing " + path.string() + " (disk full?)");
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::filesystem::remove(tmp);
    throw Error("cannot replace " + path.string() + ": " + ec.message());
  }
}

}  // namespace partedit
