#include "pipeline/inversion_cache.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include <ATen/ATen.h>

#include "pipeline/diffusion_model.h"
#include "runtime/byte_size.h"
#include "runtime/error.h"

namespace partedit {
namespace fs = std::filesystem;

namespace {

// FNV-1a, 64 bits: a content key, not a security boundary.
class Fnv1a {
 public:
  void add(const void* data, size_t size) {
    const auto* p = static_cast<const unsigned char*>(data);
    for (size_t i = 0; i < size; ++i) hash_ = (hash_ ^ p[i]) * 0x100000001b3ULL;
  }
  void add(const std::string& text) {
    add(text.data(), text.size());
    add("\0", 1);  // separator: "ab"+"c" differs from "a"+"bc"
  }
  void add(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.17g", value);
    add(std::string(text));
  }
  void add(const at::Tensor& tensor) {
    const auto t = tensor.to(at::kCPU).to(at::kFloat).contiguous();
    add(c10::str(t.sizes()));
    add(t.data_ptr(), static_cast<size_t>(t.numel()) * sizeof(float));
  }
  std::string hex() const {
    char out[17];
    std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(hash_));
    return out;
  }

 private:
  uint64_t hash_ = 0xcbf29ce484222325ULL;
};

}  // namespace

InversionCache::InversionCache(fs::path folder, uint64_t limit_bytes) : folder_(std::move(folder)), limit_(limit_bytes) {
  if (folder_.empty()) throw Error("the inversion cache needs a folder");
}

std::string InversionCache::key(const DiffusionModel& model, const InvertRequest& request) {
  if (!request.seed && !request.noise.defined())
    throw Error("an inversion is cached only when its noising draws are fixed (a seed or noise)");
  Fnv1a h;
  h.add("partedit-inversion-cache-1");
  h.add(model_identity(model).fingerprint);
  h.add(request.image);
  h.add(request.prompt);
  h.add(request.guidance);
  h.add(std::to_string(request.steps));
  h.add(request.skip);
  h.add(request.scheduler);
  h.add(std::to_string(request.zero_noise_steps));
  if (request.noise.defined()) h.add(request.noise);
  else h.add("seed " + std::to_string(*request.seed));
  return h.hex();
}

fs::path InversionCache::path_for(const std::string& key) const { return folder_ / (key + ".safetensors"); }

std::optional<Inversion> InversionCache::find(const DiffusionModel& model, const InvertRequest& request) const {
  const fs::path path = path_for(key(model, request));
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return std::nullopt;
  try {
    const int64_t width = request.image.size(-1), height = request.image.size(-2);
    Inversion inversion = load_inversion(path, model, width, height);
    touch(path);
    return inversion;
  } catch (const Error&) {
    return std::nullopt;  // damaged or foreign: invert again and overwrite
  }
}

fs::path InversionCache::store(const DiffusionModel& model, const InvertRequest& request,
                               const Inversion& inversion) const {
  std::error_code ec;
  fs::create_directories(folder_, ec);
  if (ec) throw Error("cannot create the inversion cache folder " + folder_.string() + ": " + ec.message());
  const fs::path path = path_for(key(model, request));
  save_inversion(path, inversion);
  evict(path);
  return path;
}

bool InversionCache::is_entry_name(const std::string& filename) {
  static const std::string kSuffix = ".safetensors";
  if (filename.size() != 16 + kSuffix.size() || filename.compare(16, kSuffix.size(), kSuffix) != 0) return false;
  return std::all_of(filename.begin(), filename.begin() + 16,
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// Every step tolerates files vanishing meanwhile: another process may evict or clear at once.
std::vector<InversionCache::Entry> InversionCache::entries() const {
  std::vector<Entry> out;
  std::error_code ec;
  fs::directory_iterator it(folder_, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    const fs::path& path = it->path();
    if (!is_entry_name(path.filename().string())) continue;
    std::error_code e1, e2, e3;
    if (!fs::is_regular_file(path, e1)) continue;
    Entry entry{path, fs::file_size(path, e2), fs::last_write_time(path, e3)};
    if (!e1 && !e2 && !e3) out.push_back(std::move(entry));
  }
  std::sort(out.begin(), out.end(), [](const Entry& a, const Entry& b) {
    return a.last_used != b.last_used ? a.last_used < b.last_used : a.path < b.path;
  });
  return out;
}

bool InversionCache::touch(const fs::path& entry) {
  std::error_code ec;
  fs::last_write_time(entry, fs::file_time_type::clock::now(), ec);
  return !ec;
}

size_t InversionCache::evict(const fs::path& keep) const {
  const auto all = entries();
  uint64_t total = 0;
  for (const auto& e : all) total += e.bytes;
  size_t removed = 0;
  for (const auto& e : all) {
    if (total <= limit_) break;
    if (!keep.empty() && e.path.filename() == keep.filename()) continue;
    std::error_code ec;
    if (fs::remove(e.path, ec)) ++removed;
    total -= e.bytes;  // removed here or by another process; a file that cannot be removed is not retried
  }
  return removed;
}

size_t InversionCache::clear() const {
  size_t removed = 0;
  for (const auto& e : entries()) {
    std::error_code ec;
    if (fs::remove(e.path, ec)) ++removed;
  }
  return removed;
}

fs::path default_inversion_cache_dir() {
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) return fs::path(xdg) / "partedit" / "inversions";
  if (const char* home = std::getenv("HOME"); home && *home) return fs::path(home) / ".cache" / "partedit" / "inversions";
  return fs::temp_directory_path() / "partedit-inversions";
}

InversionCache open_inversion_cache(const fs::path& folder, uint64_t limit_bytes) {
  return InversionCache(folder.empty() ? default_inversion_cache_dir() : folder,
                        limit_bytes > 0 ? limit_bytes : default_inversion_cache_limit());
}

uint64_t default_inversion_cache_limit() {
  if (const char* limit = std::getenv("PARTEDIT_CACHE_LIMIT"); limit && *limit)
    return parse_byte_size(limit, "PARTEDIT_CACHE_LIMIT");
  return kDefaultInversionCacheLimit;
}

}  // namespace partedit
