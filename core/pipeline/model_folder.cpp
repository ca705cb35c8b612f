#include "pipeline/model_folder.h"

#include <algorithm>
#include <cctype>

#include "io/json_config.h"
#include "runtime/error.h"
#include "runtime/text.h"

namespace partedit {
namespace fs = std::filesystem;

void require_model_folder(const fs::path& folder, const std::string& what, const std::string& marker) {
  std::error_code ec;
  if (fs::is_directory(folder, ec)) return;
  if (!fs::exists(folder, ec)) throw Error(what + " " + folder.string() + " does not exist");
  const std::string ext = lower_ascii(folder.extension().string());
  if (folder.filename() == marker)
    throw Error(folder.string() + " is a file; give the " + what + " that holds it: " + folder.parent_path().string());
  if (ext == ".safetensors" || ext == ".ckpt" || ext == ".pt" || ext == ".pth" || ext == ".bin")
    throw Error(folder.string() + " is a single-file checkpoint (" + ext + "); single-file checkpoints are not " +
                "supported yet: give a diffusers " + what + " (the folder with " + marker + ")");
  throw Error(folder.string() + " is a file, not a " + what + " (give the folder with " + marker + ")");
}

namespace {

// model_index.json lists a component as [library, class]; [null, null] means absent.
bool listed(const nlohmann::json& index, const std::string& component) {
  if (!index.contains(component)) return false;
  const auto& entry = index.at(component);
  return entry.is_array() && !entry.empty() && !entry.at(0).is_null();
}

fs::path component_folder(const fs::path& folder, const std::string& component, const char* config_name) {
  const fs::path dir = folder / component;
  if (!fs::is_directory(dir))
    throw Error("model folder " + folder.string() + " has no '" + component + "' folder (a diffusers model needs " +
                "unet, vae, text_encoder, tokenizer and scheduler; SDXL also text_encoder_2 and tokenizer_2)");
  if (config_name && !fs::is_regular_file(dir / config_name))
    throw Error("model component " + dir.string() + " has no " + config_name);
  return dir;
}

}  // namespace

DiffusersFolder inspect_diffusers_folder(const fs::path& folder_in) {
  DiffusersFolder out;
  fs::path folder = folder_in.lexically_normal();
  if (folder.filename().empty()) folder = folder.parent_path();  // "dir/" -> "dir"
  require_model_folder(folder, "model folder", "model_index.json");
  if (!fs::is_regular_file(folder / "model_index.json"))
    throw Error("model folder " + folder.string() + " has no model_index.json (not a diffusers model folder)");
  const JsonConfig index = JsonConfig::load(folder / "model_index.json");
  for (const char* required : {"unet", "vae", "text_encoder", "tokenizer", "scheduler"})
    if (!listed(index.json(), required))
      throw Error(std::string("model_index.json in ") + folder.string() + " does not list the '" + required +
                  "' component (refiner-style or non-text-to-image folders are not supported)");
  const bool two_encoders = listed(index.json(), "text_encoder_2");
  if (two_encoders != listed(index.json(), "tokenizer_2"))
    throw Error("model_index.json in " + folder.string() + " lists only one of text_encoder_2 and tokenizer_2");
  out.folder = folder;
  out.unet = component_folder(folder, "unet", "config.json");
  out.vae = component_folder(folder, "vae", "config.json");
  out.scheduler = component_folder(folder, "scheduler", "scheduler_config.json");
  out.text_encoders = {component_folder(folder, "text_encoder", "config.json")};
  out.tokenizers = {component_folder(folder, "tokenizer", nullptr)};
  if (two_encoders) {
    out.text_encoders.push_back(component_folder(folder, "text_encoder_2", "config.json"));
    out.tokenizers.push_back(component_folder(folder, "tokenizer_2", nullptr));
  }
  return out;
}

}  // namespace partedit
