#include "pipeline/inversion_cache.h"

#include <cstdio>
#include <cstdlib>

#include <ATen/ATen.h>

#include "pipeline/diffusion_model.h"
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

InversionCache::InversionCache(fs::path folder) : folder_(std::move(folder)) {
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
    return load_inversion(path, model, width, height);
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
  return path;
}

fs::path default_inversion_cache_dir() {
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) return fs::path(xdg) / "partedit" / "inversions";
  if (const char* home = std::getenv("HOME"); home && *home) return fs::path(home) / ".cache" / "partedit" / "inversions";
  return fs::temp_directory_path() / "partedit-inversions";
}

}  // namespace partedit
