#include "editing/part_token.h"

#include <cctype>
#include <set>

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include "io/safetensors.h"
#include "runtime/error.h"

namespace partedit {
namespace fs = std::filesystem;

namespace {

// Metadata keys of a token file; every value is a string, lists are JSON.
constexpr const char* kFormatKey = "format";
constexpr const char* kFormatName = "partedit-part-token";
constexpr const char* kFormatVersion = "format_version";
constexpr const char* kPartName = "part_name";
constexpr const char* kDisplayName = "display_name";
constexpr const char* kFamily = "base_model_family";
constexpr const char* kEmbeddingDim = "embedding_dim";
constexpr const char* kNumParts = "num_parts";
constexpr const char* kLayers = "layers";
constexpr const char* kTimestepRange = "timestep_range";
constexpr const char* kTrainingSummary = "training_summary";
constexpr const char* kTraining = "training";

[[noreturn]] void fail(const fs::path& path, const std::string& what) {
  throw Error("part token " + path.string() + ": " + what);
}

bool is_float_dtype_name(const std::string& dtype) {
  return dtype == "F32" || dtype == "F16" || dtype == "BF16" || dtype == "F64";
}

int64_t parse_int(const fs::path& path, const std::string& key, const std::string& text) {
  size_t used = 0;
  int64_t value = 0;
  try {
    value = std::stoll(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size()) fail(path, "metadata '" + key + "' = '" + text + "' is not an integer");
  return value;
}

std::vector<int64_t> parse_int_list(const fs::path& path, const std::string& key, const std::string& text) {
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(text);
  } catch (const std::exception&) {
    fail(path, "metadata '" + key + "' = '" + text + "' is not JSON");
  }
  if (!json.is_array()) fail(path, "metadata '" + key + "' = '" + text + "' is not a JSON list");
  std::vector<int64_t> values;
  for (const auto& v : json) {
    if (!v.is_number_integer()) fail(path, "metadata '" + key + "' = '" + text + "' holds a non-integer");
    values.push_back(v.get<int64_t>());
  }
  return values;
}

TokenTrainingRecord parse_training_record(const fs::path& path, const std::string& text) {
  const auto json = nlohmann::json::parse(text, nullptr, false);
  if (json.is_discarded() || !json.is_object()) fail(path, "metadata training = '" + text + "' is not a JSON object");
  TokenTrainingRecord r;
  try {
    r.images = json.value("images", r.images);
    r.validation_images = json.value("validation_images", r.validation_images);
    r.validation_miou = json.value("validation_miou", r.validation_miou);
    r.mode = json.value("mode", r.mode);
    r.steps = json.value("steps", r.steps);
    r.date = json.value("date", r.date);
  } catch (const nlohmann::json::exception&) {
    fail(path, "metadata training = '" + text + "' has a field of the wrong type");
  }
  return r;
}

std::string training_record_text(const TokenTrainingRecord& r) {
  nlohmann::json json = nlohmann::json::object();
  if (r.images >= 0) json["images"] = r.images;
  if (r.validation_images >= 0) json["validation_images"] = r.validation_images;
  if (r.validation_miou >= 0) json["validation_miou"] = r.validation_miou;
  if (!r.mode.empty()) json["mode"] = r.mode;
  if (r.steps >= 0) json["steps"] = r.steps;
  if (!r.date.empty()) json["date"] = r.date;
  return json.dump();
}

// The token's fields from the header: shape and dtype of `embedding` and the metadata.
struct Header {
  PartToken token;  // everything but the embedding
  int64_t rows = 0;
  bool has_metadata = false;
};

Header parse_header(const SafetensorsFile& file) {
  const fs::path& path = file.path();
  if (!file.contains("embedding")) {
    std::string names;
    for (const auto& e : file.entries()) names += (names.empty() ? "" : ", ") + e.name;
    fail(path, "no tensor named 'embedding' (the file holds: " + (names.empty() ? "nothing" : names) + ")");
  }
  const auto& entry = file.entry("embedding");
  if (!is_float_dtype_name(entry.dtype))
    fail(path, "'embedding' has dtype " + entry.dtype + "; a part token is floating point (F32, F16 or BF16)");
  if (entry.shape.size() != 2)
    fail(path, "'embedding' has shape " + c10::str(c10::IntArrayRef(entry.shape)) + "; expected [2k, D] (a BG and a PART row per part)");
  const int64_t rows = entry.shape[0], width = entry.shape[1];
  if (rows == 0 || rows % 2 != 0 || width == 0)
    fail(path, "'embedding' has shape " + c10::str(c10::IntArrayRef(entry.shape)) +
                   "; expected an even, non-zero number of rows (BG, PART per part) and a non-zero width");

  Header h;
  h.rows = rows;
  PartToken& t = h.token;
  const auto& meta = file.metadata();
  const auto get = [&](const char* key) -> const std::string* {
    auto it = meta.find(key);
    return it == meta.end() ? nullptr : &it->second;
  };
  for (const char* key : {kPartName, kDisplayName, kFamily, kEmbeddingDim, kLayers, kTimestepRange})
    if (get(key)) h.has_metadata = true;
  // Other writers put their own "format" (safetensors' save_file writes "pt"): only ours is versioned.
  const auto* format = get(kFormatKey);
  if (format && *format == "partedit-token-checkpoint")
    fail(path, "this is a training checkpoint, not a token; resume the training (train-token --resume) to finish it");
  if (const auto* v = get(kFormatVersion); format && *format == kFormatName && v &&
                                           parse_int(path, kFormatVersion, *v) > 1)
    fail(path, "format_version " + *v + " is newer than this program understands (1)");

  t.embedding_dim = width;
  if (const auto* v = get(kEmbeddingDim); v && parse_int(path, kEmbeddingDim, *v) != width)
    fail(path, "metadata embedding_dim = " + *v + " disagrees with the tensor width " + std::to_string(width));
  if (const auto* v = get(kNumParts); v && parse_int(path, kNumParts, *v) != rows / 2)
    fail(path, "metadata num_parts = " + *v + " disagrees with the " + std::to_string(rows) + " rows");
  const auto* name = get(kPartName);
  if (name && name->empty()) fail(path, "metadata part_name is empty");
  t.part_name = name ? *name : part_name_from_text(path.stem().string());
  if (t.part_name.empty()) fail(path, "no part_name in the metadata and none can be made from the file name");
  const auto* display = get(kDisplayName);
  t.display_name = display && !display->empty() ? *display : display_name_for(t.part_name);
  const auto* family = get(kFamily);
  t.base_model_family = family && !family->empty() ? *family : family_for_width(width);
  if (const auto* v = get(kLayers)) {
    t.layers = parse_int_list(path, kLayers, *v);
    for (int64_t l : t.layers)
      if (l < 0) fail(path, "metadata layers = " + *v + " holds a negative layer index");
  }
  if (const auto* v = get(kTimestepRange)) {
    const auto r = parse_int_list(path, kTimestepRange, *v);
    if (r.size() != 2 || r[0] < 0 || r[1] < r[0])
      fail(path, "metadata timestep_range = " + *v + " is not [first, last] with 0 <= first <= last");
    t.timestep_range = {r[0], r[1]};
  }
  if (const auto* v = get(kTrainingSummary)) t.training_summary = *v;
  if (const auto* v = get(kTraining)) t.training = parse_training_record(path, *v);
  return h;
}

}  // namespace

int64_t PartToken::num_parts() const { return embedding.defined() ? embedding.size(0) / 2 : 0; }

std::string family_for_width(int64_t embedding_dim) {
  switch (embedding_dim) {
    case 2048: return "sdxl";
    case 768: return "sd15";
    case 1024: return "sd21";
    default: return "unknown";
  }
}

std::string part_name_from_text(const std::string& text) {
  std::string out;
  bool pending_dash = false;
  for (unsigned char c : text) {
    if (std::isalnum(c) && c < 128) {
      if (pending_dash && !out.empty()) out += '-';
      pending_dash = false;
      out += static_cast<char>(std::tolower(c));
    } else {
      pending_dash = true;
    }
  }
  return out;
}

std::string display_name_for(const std::string& part_name) {
  std::string out = part_name;
  for (char& c : out)
    if (c == '-' || c == '_') c = ' ';
  if (!out.empty()) out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
  return out;
}

bool is_valid_part_name(const std::string& name) {
  return !name.empty() && part_name_from_text(name) == name;
}

at::Tensor validated_token_embedding(const at::Tensor& embedding, const std::string& where) {
  if (!embedding.defined()) throw Error(where + ": no embedding tensor");
  const auto type = embedding.scalar_type();
  if (!at::isFloatingType(type) || (type != at::kFloat && type != at::kHalf && type != at::kBFloat16 && type != at::kDouble))
    throw Error(where + ": the embedding has dtype " + std::string(c10::toString(type)) +
                "; a part token is floating point (float32, float16 or bfloat16)");
  if (embedding.dim() != 2)
    throw Error(where + ": the embedding has shape " + c10::str(embedding.sizes()) +
                "; expected [2k, D] (a BG and a PART row per part)");
  if (embedding.size(0) == 0 || embedding.size(0) % 2 != 0 || embedding.size(1) == 0)
    throw Error(where + ": the embedding has shape " + c10::str(embedding.sizes()) +
                "; expected an even, non-zero number of rows (BG, PART per part) and a non-zero width");
  at::Tensor e = embedding.detach().to(at::kCPU, at::kFloat).contiguous();  // [2k, D]
  const int64_t bad = at::logical_not(at::isfinite(e)).sum().item<int64_t>();
  if (bad > 0) throw Error(where + ": the embedding holds " + std::to_string(bad) + " non-finite values (NaN or Inf)");
  if (e.data_ptr() == embedding.data_ptr()) e = e.clone();  // never alias the caller's (or a mapping's) memory
  return e;
}

PartToken read_part_token(const fs::path& path) {
  SafetensorsFile file(path);
  Header h = parse_header(file);
  h.token.embedding = validated_token_embedding(file.tensor("embedding"), "part token " + path.string());
  return std::move(h.token);
}

PartTokenInfo read_part_token_info(const fs::path& path) {
  SafetensorsFile file(path);
  const Header h = parse_header(file);
  PartTokenInfo info;
  info.path = path;
  info.part_name = h.token.part_name;
  info.display_name = h.token.display_name;
  info.base_model_family = h.token.base_model_family;
  info.embedding_dim = h.token.embedding_dim;
  info.num_parts = h.rows / 2;
  info.has_metadata = h.has_metadata;
  return info;
}

void write_part_token(const fs::path& path, const PartToken& token) {
  const std::string where = "part token " + path.string();
  const at::Tensor embedding = validated_token_embedding(token.embedding, where);  // [2k, D]
  const int64_t width = embedding.size(1);
  if (!is_valid_part_name(token.part_name))
    throw Error(where + ": part name '" + token.part_name + "' is not kebab-case (e.g. human-head)");
  if (token.embedding_dim != 0 && token.embedding_dim != width)
    throw Error(where + ": embedding_dim " + std::to_string(token.embedding_dim) + " disagrees with the tensor width " +
                std::to_string(width));
  const auto [first, last] = token.timestep_range;
  const bool unknown_range = first == -1 && last == -1;
  if (!unknown_range && (first < 0 || last < first))
    throw Error(where + ": timestep_range [" + std::to_string(first) + ", " + std::to_string(last) +
                "] is not [first, last] with 0 <= first <= last (or [-1, -1] for unknown)");
  for (int64_t l : token.layers)
    if (l < 0) throw Error(where + ": negative layer index " + std::to_string(l));

  std::map<std::string, std::string> meta;
  meta[kFormatKey] = kFormatName;
  meta[kFormatVersion] = "1";
  meta[kPartName] = token.part_name;
  meta[kDisplayName] = token.display_name.empty() ? display_name_for(token.part_name) : token.display_name;
  meta[kFamily] = token.base_model_family.empty() ? family_for_width(width) : token.base_model_family;
  meta[kEmbeddingDim] = std::to_string(width);
  meta[kNumParts] = std::to_string(embedding.size(0) / 2);
  meta[kLayers] = nlohmann::json(token.layers).dump();
  if (!unknown_range) meta[kTimestepRange] = nlohmann::json({first, last}).dump();
  if (!token.training_summary.empty()) meta[kTrainingSummary] = token.training_summary;
  if (token.training.known()) meta[kTraining] = training_record_text(token.training);
  write_safetensors(path, {{"embedding", embedding}}, meta);
}

std::string family_display_name(const std::string& family) {
  if (family == "sdxl") return "SDXL";
  if (family == "sd15") return "SD 1.x";
  if (family == "sd21") return "SD 2.x";
  return family;
}

TokenFit token_fit(int64_t token_width, const std::string& token_family, int64_t model_embedding_dim,
                   const std::string& model_family) {
  if (token_width != model_embedding_dim) return TokenFit::WidthDiffers;
  static const std::set<std::string> known = {"sdxl", "sd15", "sd21"};
  if (known.count(model_family) && known.count(token_family) && token_family != model_family)
    return TokenFit::FamilyDiffers;
  return TokenFit::Fits;
}

std::string token_incompatibility(const PartToken& token, int64_t model_embedding_dim, const std::string& model_family) {
  const int64_t width = token.embedding.defined() ? token.embedding.size(-1) : token.embedding_dim;
  switch (token_fit(width, token.base_model_family, model_embedding_dim, model_family)) {
    case TokenFit::Fits: return {};
    case TokenFit::WidthDiffers:
      return "token '" + token.part_name + "' has embedding width " + std::to_string(width) +
             " but the model's text conditioning is " + std::to_string(model_embedding_dim) + " wide (" +
             family_display_name(model_family) + "); use a token trained for this model";
    case TokenFit::FamilyDiffers:
      return "token '" + token.part_name + "' was trained for " + family_display_name(token.base_model_family) +
             " but the model is " + family_display_name(model_family) + "; use a token trained for this model";
  }
  return {};
}

void check_token_compatible(const PartToken& token, int64_t model_embedding_dim, const std::string& model_family) {
  const std::string problem = token_incompatibility(token, model_embedding_dim, model_family);
  if (!problem.empty()) throw Error(problem);
}

}  // namespace partedit
