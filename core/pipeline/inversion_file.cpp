// Inversion files (safetensors + metadata) and the model identity they are checked against.
#include <cstdio>
#include <fstream>
#include <map>

#include <ATen/ATen.h>

#include "io/safetensors.h"
#include "pipeline/diffusion_model.h"
#include "pipeline/generation_common.h"
#include "pipeline/inversion.h"
#include "runtime/content_hash.h"
#include "runtime/error.h"

namespace partedit {

namespace fs = std::filesystem;

namespace {

constexpr const char* kInversionFormat = kInversionFileFormat;
constexpr const char* kVersion = "1";

// Model fingerprints have always begun from this value (a digit short of FNV's offset
// basis); kept, so that saved inversions still match their model.
constexpr uint64_t kModelFingerprintStart = 1469598103934665603ull;

// Adds a file's name, size, and its first and last `edge` bytes (all of a small file).
void hash_file(ContentHash& hash, const fs::path& path, const std::string& name, std::streamoff edge) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return;
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  hash.add_field(name + ":" + std::to_string(size));
  auto add_range = [&](std::streamoff from, std::streamoff count) {
    std::string buffer(static_cast<size_t>(count), '\0');
    in.seekg(from);
    in.read(&buffer[0], count);
    hash.add(buffer.data(), static_cast<size_t>(in.gcount()));
  };
  if (size <= 2 * edge) {
    add_range(0, size);
  } else {
    add_range(0, edge);
    add_range(size - edge, edge);
  }
}

// The weights file a component is identified by: the same choice whatever dtype is loaded.
void hash_weights(ContentHash& hash, const fs::path& folder, const std::string& component, std::streamoff edge) {
  for (const char* name : {"diffusion_pytorch_model.safetensors", "diffusion_pytorch_model.fp16.safetensors",
                           "diffusion_pytorch_model.safetensors.index.json",
                           "diffusion_pytorch_model.fp16.safetensors.index.json"}) {
    if (fs::is_regular_file(folder / component / name)) {
      hash_file(hash, folder / component / name, component + "/" + name, edge);
      return;
    }
  }
}

std::string exact_number(double v) {
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.17g", v);
  return buffer;
}

class MetadataReader {
 public:
  MetadataReader(const std::map<std::string, std::string>& meta, std::string file) : meta_(meta), file_(std::move(file)) {}
  std::string text(const std::string& key) const {
    const auto it = meta_.find(key);
    if (it == meta_.end()) throw Error("inversion file " + file_ + " has no metadata key '" + key + "'");
    return it->second;
  }
  std::string text_or(const std::string& key, const std::string& fallback) const {
    const auto it = meta_.find(key);
    return it == meta_.end() ? fallback : it->second;
  }
  template <typename T, typename Parse>
  T number(const std::string& key, Parse parse) const {
    const std::string v = text(key);
    try {
      size_t used = 0;
      const T out = parse(v, &used);
      if (used == v.size()) return out;
    } catch (const std::exception&) {
    }
    throw Error("inversion file " + file_ + ": metadata '" + key + "' is not a number: '" + v + "'");
  }
  int64_t integer(const std::string& key) const {
    return number<int64_t>(key, [](const std::string& s, size_t* u) { return std::stoll(s, u); });
  }
  double real(const std::string& key) const {
    return number<double>(key, [](const std::string& s, size_t* u) { return std::stod(s, u); });
  }

 private:
  const std::map<std::string, std::string>& meta_;
  std::string file_;
};

at::Tensor read_tensor(const SafetensorsFile& file, const std::string& name, const std::vector<int64_t>& shape,
                       at::ScalarType dtype) {
  if (!file.contains(name))
    throw Error("inversion file " + file.path().string() + " has no tensor '" + name + "'");
  at::Tensor t = file.tensor(name);
  if (t.sizes().vec() != shape || t.scalar_type() != dtype)
    throw Error("inversion file " + file.path().string() + ": tensor '" + name + "' is " + c10::str(t.sizes()) + " " +
                safetensors_dtype_name(t.scalar_type()) + ", expected " + c10::str(c10::IntArrayRef(shape)) + " " +
                safetensors_dtype_name(dtype));
  return t;
}

}  // namespace

ModelIdentity model_identity(const DiffusionModel& model) {
  const fs::path& folder = model.folder();
  ContentHash hash(kModelFingerprintStart);
  for (const char* config : {"unet/config.json", "vae/config.json", "text_encoder/config.json",
                             "text_encoder_2/config.json"})
    hash_file(hash, folder / config, config, 1 << 20);
  hash_weights(hash, folder, "unet", 1 << 20);
  hash_weights(hash, folder, "vae", 1 << 18);
  return {model.name(), family_name(model.family()), hash.hex()};
}

void save_inversion(const fs::path& path, const Inversion& inv, const std::map<std::string, std::string>& extra_metadata) {
  std::map<std::string, std::string> meta = {
      {"format", kInversionFormat},
      {"version", kVersion},
      {"prompt", inv.prompt},
      {"guidance", exact_number(inv.guidance)},
      {"scheduler", inv.scheduler},
      {"skip", exact_number(inv.skip)},
      {"steps", std::to_string(inv.steps)},
      {"total_steps", std::to_string(inv.total_steps)},
      {"zero_noise_steps", std::to_string(inv.zero_noise_steps)},
      {"width", std::to_string(inv.width)},
      {"height", std::to_string(inv.height)},
      {"source_image", inv.source_image},
      {"source_width", std::to_string(inv.crop.source_width)},
      {"source_height", std::to_string(inv.crop.source_height)},
      {"crop_left", std::to_string(inv.crop.left)},
      {"crop_top", std::to_string(inv.crop.top)},
      {"crop_width", std::to_string(inv.crop.width)},
      {"crop_height", std::to_string(inv.crop.height)},
      {"seed", std::to_string(inv.seed)},
      {"noise_from_seed", inv.noise_from_seed ? "true" : "false"},
      {"model_name", inv.model.name},
      {"model_family", inv.model.family},
      {"model_fingerprint", inv.model.fingerprint},
  };
  for (const auto& [key, value] : extra_metadata)
    if (!meta.emplace(key, value).second)
      throw Error("cannot write " + path.string() + ": the metadata key '" + key + "' is the inversion's own");
  write_safetensors(path,
                    {{"x0", inv.x0.to(at::kFloat)},
                     {"xts", inv.xts.to(at::kFloat)},
                     {"zs", inv.zs.to(at::kFloat)},
                     {"timesteps", inv.timesteps.to(at::kLong)}},
                    meta);
}

void check_inversion_matches(const Inversion& inv, const DiffusionModel& model, int64_t width, int64_t height,
                             const std::string& what) {
  const ModelIdentity here = model_identity(model);
  if (inv.model.family != here.family || inv.model.fingerprint != here.fingerprint)
    throw Error(what + " was made with the model '" + inv.model.name + "' (" + inv.model.family + ", fingerprint " +
                inv.model.fingerprint + "), not with the loaded '" + here.name + "' (" + here.family +
                ", fingerprint " + here.fingerprint + "): invert the photo again with this model");
  if (inv.x0.defined() && inv.x0.size(1) != model.latent_channels())
    throw Error(what + " has " + std::to_string(inv.x0.size(1)) + " latent channels; the model has " +
                std::to_string(model.latent_channels()));
  if ((width > 0 && width != inv.width) || (height > 0 && height != inv.height))
    throw Error(what + " is for a " + std::to_string(inv.width) + "x" + std::to_string(inv.height) +
                " image, not " + std::to_string(width > 0 ? width : inv.width) + "x" +
                std::to_string(height > 0 ? height : inv.height));
}

Inversion load_inversion(const fs::path& path, const DiffusionModel& model, int64_t width, int64_t height) {
  if (!fs::is_regular_file(path)) throw Error("inversion file " + path.string() + ": no such file");
  const SafetensorsFile file(path);
  const auto& meta = file.metadata();
  const auto format = meta.find("format");
  if (format == meta.end() || format->second != kInversionFormat)
    throw Error(path.string() + " is not a PartEdit inversion file (its metadata has no format '" +
                std::string(kInversionFormat) + "')");
  const MetadataReader m(meta, path.string());
  if (m.text("version") != kVersion)
    throw Error("inversion file " + path.string() + " has version " + m.text("version") + "; this program reads " +
                kVersion);
  Inversion inv;
  // 1. settings and identity
  inv.prompt = m.text("prompt");
  inv.guidance = m.real("guidance");
  inv.scheduler = m.text("scheduler");
  inv.skip = m.real("skip");
  inv.steps = static_cast<int>(m.integer("steps"));
  inv.total_steps = static_cast<int>(m.integer("total_steps"));
  inv.zero_noise_steps = static_cast<int>(m.integer("zero_noise_steps"));
  inv.width = m.integer("width");
  inv.height = m.integer("height");
  inv.source_image = m.text_or("source_image", "");
  inv.crop = {m.integer("source_width"), m.integer("source_height"), m.integer("crop_left"), m.integer("crop_top"),
              m.integer("crop_width"), m.integer("crop_height")};
  inv.seed = static_cast<uint64_t>(m.integer("seed"));
  inv.noise_from_seed = m.text("noise_from_seed") == "true";
  inv.model = {m.text("model_name"), m.text("model_family"), m.text("model_fingerprint")};
  const std::string what = "inversion file " + path.string();
  check_inversion_matches(inv, model, width, height, what);

  // 2. tensors of the shapes the settings imply
  const int64_t f = model.vae_scale_factor(), C = model.latent_channels();
  if (inv.steps < 1 || inv.width < f || inv.height < f || inv.width % f || inv.height % f)
    throw Error(what + ": bad steps or image size in its metadata");
  const std::vector<int64_t> latent = {1, C, inv.height / f, inv.width / f};
  auto stacked = [&](int64_t n) {
    std::vector<int64_t> s = {n};
    s.insert(s.end(), latent.begin(), latent.end());
    return s;
  };
  inv.x0 = read_tensor(file, "x0", latent, at::kFloat);
  inv.xts = read_tensor(file, "xts", stacked(inv.steps + 1), at::kFloat);
  inv.zs = read_tensor(file, "zs", stacked(inv.steps), at::kFloat);
  inv.timesteps = read_tensor(file, "timesteps", {inv.steps}, at::kLong);
  for (const auto& [name, t] : {std::pair<const char*, const at::Tensor&>{"x0", inv.x0}, {"xts", inv.xts}, {"zs", inv.zs}})
    if (!at::isfinite(t).all().item<bool>())
      throw Error(what + ": tensor '" + name + "' holds NaN/Inf values (the file is damaged)");

  // 3. the model's schedule must give the same timesteps
  const InversionSchedule sched = make_inversion_schedule(model, inv);
  for (int i = 0; i < inv.steps; ++i) {
    if (static_cast<double>(inv.timesteps[i].item<int64_t>()) != sched.timestep(i))
      throw Error(what + ": its timesteps differ from the ones the model's scheduler config gives for " +
                  std::to_string(inv.steps) + " steps with skip " + number_text(inv.skip));
  }
  return inv;
}

}  // namespace partedit
