#include "pipeline/inversion_cache.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <map>

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include "pipeline/diffusion_model.h"
#include "runtime/byte_size.h"
#include "runtime/content_hash.h"
#include "runtime/error.h"

namespace partedit {
namespace fs = std::filesystem;

namespace {

// A cache key's parts, each a field of its own (runtime/content_hash.h).
void add_cache_key_number(ContentHash& hash, double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.17g", value);
  hash.add_field(text);
}

void add_cache_key_tensor(ContentHash& hash, const at::Tensor& tensor) {
  const auto t = tensor.to(at::kCPU).to(at::kFloat).contiguous();
  hash.add_field(c10::str(t.sizes()));
  hash.add(t.data_ptr(), static_cast<size_t>(t.numel()) * sizeof(float));
}

// Metadata keys of the cache's own in an entry.
constexpr const char* kCacheKeyField = "cache_key";
constexpr const char* kCacheImageField = "cache_image";

// An inversion's header is a few kilobytes; a longer one is not an entry.
constexpr uint64_t kMaxEntryHeaderBytes = uint64_t(1) << 20;

bool read_whole(int fd, void* into, size_t size) {
  auto* p = static_cast<char*>(into);
  while (size > 0) {
    const ssize_t got = ::read(fd, p, size);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return false;
    p += got;
    size -= static_cast<size_t>(got);
  }
  return true;
}

// The string metadata of a safetensors header, read without following a symbolic link and
// without reading any tensor; nullopt for anything else (a link, a folder, a FIFO, a file that
// is not safetensors or whose header is over the limit or not JSON).
std::optional<std::map<std::string, std::string>> cache_entry_metadata(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) return std::nullopt;
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < 8) return std::nullopt;
  unsigned char length_bytes[8];
  if (!read_whole(fd, length_bytes, sizeof length_bytes)) return std::nullopt;
  uint64_t header_bytes = 0;
  for (int i = 7; i >= 0; --i) header_bytes = (header_bytes << 8) | length_bytes[i];
  if (header_bytes == 0 || header_bytes > kMaxEntryHeaderBytes || header_bytes > static_cast<uint64_t>(st.st_size) - 8)
    return std::nullopt;
  std::string header(static_cast<size_t>(header_bytes), '\0');
  if (!read_whole(fd, &header[0], header.size())) return std::nullopt;
  const auto json = nlohmann::json::parse(header, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) return std::nullopt;
  std::map<std::string, std::string> metadata;
  const auto found = json.find("__metadata__");
  if (found == json.end()) return metadata;
  if (!found->is_object()) return std::nullopt;
  for (const auto& [key, value] : found->items())
    if (value.is_string()) metadata[key] = value.get<std::string>();
  return metadata;
}

bool has_inversion_format(const std::map<std::string, std::string>& metadata) {
  const auto format = metadata.find("format");
  return format != metadata.end() && format->second == kInversionFileFormat;
}

// Removes a file (never a folder; a symbolic link itself, never its target).
bool unlink_file(const fs::path& path) { return ::unlink(path.c_str()) == 0; }

}  // namespace

InversionCache::InversionCache(fs::path folder, uint64_t limit_bytes) : folder_(std::move(folder)), limit_(limit_bytes) {
  if (folder_.empty()) throw Error("the inversion cache needs a folder");
}

std::string InversionCache::key(const DiffusionModel& model, const InvertRequest& request) {
  if (!request.seed && !request.noise.defined())
    throw Error("an inversion is cached only when its noising draws are fixed (a seed or noise)");
  ContentHash h;
  h.add_field("partedit-inversion-cache-2");
  h.add_field(model_identity(model).fingerprint);
  h.add_field(image_hash(request));
  h.add_field(request.prompt);
  add_cache_key_number(h, request.guidance);
  h.add_field(std::to_string(request.steps));
  add_cache_key_number(h, request.skip);
  h.add_field(request.scheduler);
  h.add_field(std::to_string(request.zero_noise_steps));
  if (request.noise.defined()) add_cache_key_tensor(h, request.noise);
  else h.add_field("seed " + std::to_string(*request.seed));
  return h.hex();
}

std::string InversionCache::image_hash(const InvertRequest& request) {
  if (!request.image.defined()) throw Error("an inversion is cached only with its image");
  ContentHash h;
  h.add_field("partedit-inversion-pixels-1");
  add_cache_key_tensor(h, request.image);
  return h.hex();
}

fs::path InversionCache::path_for(const std::string& key) const { return folder_ / (key + ".safetensors"); }

std::optional<Inversion> InversionCache::find(const DiffusionModel& model, const InvertRequest& request,
                                              std::string* why_not) const {
  const std::string wanted = key(model, request);
  const fs::path path = path_for(wanted);
  const auto miss = [&](const std::string& reason) -> std::optional<Inversion> {
    if (why_not) *why_not = "the cached inversion " + path.string() + " " + reason + ": inverting again (it will be replaced)";
    return std::nullopt;
  };
  std::error_code ec;
  const fs::file_status status = fs::symlink_status(path, ec);
  if (ec || !fs::is_regular_file(status)) return std::nullopt;  // none, or not an entry (store says so)
  const auto metadata = cache_entry_metadata(path);
  if (!metadata || !has_inversion_format(*metadata)) return std::nullopt;  // not an entry (store says so)
  const auto recorded = metadata->find(kCacheKeyField);
  if (recorded == metadata->end()) return miss("records no content key (an older version wrote it)");
  if (recorded->second != wanted) {
    const auto image = metadata->find(kCacheImageField);
    if (image == metadata->end() || image->second != image_hash(request))
      return miss("was made from another photo (its pixels' hash differs: the file was copied or replaced)");
    return miss("was made with other settings (its key differs: the file was copied or replaced)");
  }
  try {
    const int64_t width = request.image.size(-1), height = request.image.size(-2);
    Inversion inversion = load_inversion(path, model, width, height);
    touch(path);
    return inversion;
  } catch (const Error& e) {
    return miss(std::string("cannot be used (") + e.what() + ")");
  }
}

fs::path InversionCache::store(const DiffusionModel& model, const InvertRequest& request,
                               const Inversion& inversion) const {
  std::error_code ec;
  fs::create_directories(folder_, ec);
  if (ec) throw Error("cannot create the inversion cache folder " + folder_.string() + ": " + ec.message());
  const std::string stored_key = key(model, request);
  const fs::path path = path_for(stored_key);
  // Replaced only when it is an entry: a link, a folder or a file of the user's stays as it is.
  const fs::file_status status = fs::symlink_status(path, ec);
  if (!ec && fs::exists(status)) {
    if (fs::is_symlink(status))
      throw Error(path.string() + " is a symbolic link, not a cache entry: the cache leaves it alone");
    if (!fs::is_regular_file(status) || !is_inversion_file(path))
      throw Error(path.string() + " is not an inversion the cache wrote: the cache leaves it alone");
  }
  save_inversion(path, inversion, {{kCacheKeyField, stored_key}, {kCacheImageField, image_hash(request)}});
  evict(path);
  return path;
}

bool InversionCache::is_entry_name(const std::string& filename) {
  static const std::string kSuffix = ".safetensors";
  if (filename.size() != 16 + kSuffix.size() || filename.compare(16, kSuffix.size(), kSuffix) != 0) return false;
  return std::all_of(filename.begin(), filename.begin() + 16,
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

bool InversionCache::is_inversion_file(const fs::path& path) {
  const auto metadata = cache_entry_metadata(path);
  return metadata && has_inversion_format(*metadata);
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
    if (!fs::is_regular_file(fs::symlink_status(path, e1)) || !is_inversion_file(path)) continue;
    Entry entry{path, fs::file_size(path, e2), fs::last_write_time(path, e3)};
    if (!e1 && !e2 && !e3) out.push_back(std::move(entry));
  }
  std::sort(out.begin(), out.end(), [](const Entry& a, const Entry& b) {
    return a.last_used != b.last_used ? a.last_used < b.last_used : a.path < b.path;
  });
  return out;
}

bool InversionCache::touch(const fs::path& entry) {
  // The modification time of the entry itself: a symbolic link's target is never changed.
  const struct timespec times[2] = {{0, UTIME_OMIT}, {0, UTIME_NOW}};
  return ::utimensat(AT_FDCWD, entry.c_str(), times, AT_SYMLINK_NOFOLLOW) == 0;
}

size_t InversionCache::evict(const fs::path& keep) const {
  const auto all = entries();
  uint64_t total = 0;
  for (const auto& e : all) total += e.bytes;
  size_t removed = 0;
  for (const auto& e : all) {
    if (total <= limit_) break;
    if (!keep.empty() && e.path.filename() == keep.filename()) continue;
    if (unlink_file(e.path)) ++removed;
    total -= e.bytes;  // removed here or by another process; a file that cannot be removed is not retried
  }
  return removed;
}

size_t InversionCache::clear() const {
  size_t removed = 0;
  for (const auto& e : entries())
    if (unlink_file(e.path)) ++removed;
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
