#include "batch_manifest.h"

#include <fstream>
#include <map>
#include <set>

#include "cli_app.h"
#include "edit_command.h"
#include "runtime/error.h"

namespace partedit::cli {
namespace fs = std::filesystem;
using nlohmann::ordered_json;

namespace {

// Keys that name files: inputs are resolved against the manifest's folder, outputs against --out.
const std::set<std::string> kInputPathKeys = {"model", "config", "image", "inversion", "caption-model", "cache-dir",
                                              "init-latents", "token", "library", "eval-mask"};
const std::set<std::string> kOutputPathKeys = {"out", "source-out", "mask-out", "save-masks", "save-latents"};
// Chosen once for the whole batch, on its command line.
const std::set<std::string> kBatchKeys = {"device", "dtype", "timings"};
// What draws an edit's noise besides --seed.
const std::set<std::string> kNoiseKeys = {"seed", "init-latents", "inversion"};

struct OptionKind {
  bool flag = false;
  bool repeatable = false;
};

// The long options of `edit`, as declared (edit_command.h), by key.
std::map<std::string, OptionKind> edit_option_kinds() {
  CLI::App root;
  configure_root(root, "");
  EditOptions options;
  const CLI::App* command = declare_edit(root, options);
  std::map<std::string, OptionKind> kinds;
  for (const CLI::Option* option : command->get_options()) {
    for (const std::string& name : option->get_lnames()) {
      if (name == "help") continue;
      kinds[name] = {option->get_expected_max() == 0, option->get_items_expected_max() > 1};
      // A path option must be classified, or its relative paths would go unresolved.
      const std::string value = option->get_type_name();
      const bool path_like = value == "PATH" || value == "DIR" || value == "FILE" || value == "IMAGE";
      if (path_like && !kInputPathKeys.count(name) && !kOutputPathKeys.count(name))
        throw std::logic_error("batch manifest: edit option --" + name + " takes a path but is not classified");
    }
  }
  kinds["eval-mask"] = {};
  return kinds;
}

fs::path resolved_against(const fs::path& base, const std::string& value) {
  const fs::path path(value);
  return (path.is_absolute() ? path : base / path).lexically_normal();
}

// The value of one key as words of the command line, or an Error saying what is wrong.
std::vector<std::string> key_words(const std::string& key, const ordered_json& value, const OptionKind& kind) {
  const std::string option = "--" + key;
  if (value.is_null()) return {};
  if (kind.flag) {
    if (!value.is_boolean()) throw Error("\"" + key + "\" is a switch: write true or false");
    return value.get<bool>() ? std::vector<std::string>{option} : std::vector<std::string>{};
  }
  auto scalar = [&](const ordered_json& item) -> std::string {
    if (item.is_string()) return item.get<std::string>();
    if (item.is_number()) return item.dump();
    throw Error("\"" + key + "\" takes a string or a number, got " + item.dump());
  };
  if (value.is_array()) {
    if (!kind.repeatable) throw Error("\"" + key + "\" takes one value, got a list");
    std::vector<std::string> words;
    for (const auto& item : value) words.insert(words.end(), {option, scalar(item)});
    return words;
  }
  return {option, scalar(value)};
}

// The line's keys over the defaults', with its paths resolved (each against the folder of the
// file it comes from).
ordered_json resolved_entry(const ordered_json& object, const fs::path& base, const fs::path& out_dir) {
  ordered_json entry = ordered_json::object();
  for (const auto& [key, value] : object.items()) {
    const bool input = kInputPathKeys.count(key) > 0, output = kOutputPathKeys.count(key) > 0;
    if ((!input && !output) || value.is_null() || value.is_boolean()) {
      entry[key] = value;
      continue;
    }
    const fs::path& folder = input ? base : out_dir;
    const std::string& name = key;  // C++17 lambdas cannot capture a structured binding (clang refuses)
    auto path_of = [&](const ordered_json& item) {
      if (!item.is_string()) throw Error("\"" + name + "\" takes a path, got " + item.dump());
      return resolved_against(folder, item.get<std::string>()).string();
    };
    if (value.is_array()) {
      entry[key] = ordered_json::array();
      for (const auto& item : value) entry[key].push_back(path_of(item));
    } else {
      entry[key] = path_of(value);
    }
  }
  return entry;
}

ordered_json read_defaults(const fs::path& file) {
  std::ifstream in(file);
  if (!in) throw Error("cannot read the defaults file " + file.string());
  ordered_json defaults;
  try {
    defaults = ordered_json::parse(in);
  } catch (const nlohmann::json::parse_error& e) {
    throw Error(file.string() + " is not JSON: " + e.what());
  }
  if (!defaults.is_object()) throw Error(file.string() + " must hold one JSON object of shared keys");
  return defaults;
}

void fill_line(ManifestLine& line, const ordered_json& object, const ordered_json& defaults,
               const std::map<std::string, OptionKind>& kinds, const fs::path& manifest_dir,
               const fs::path& defaults_dir, const fs::path& out_dir) {
  if (!object.is_object()) throw Error("a line must be a JSON object of edit options, got " + object.dump().substr(0, 60));
  for (const auto* keys : {&defaults, &object})
    for (const auto& [key, value] : keys->items()) {
      if (kBatchKeys.count(key))
        throw Error("\"" + key + "\" is set for the whole batch: give --" + key + " to partedit-cli batch");
      if (!kinds.count(key))
        throw Error("unknown key \"" + key + "\" (keys are edit's long options without the dashes; see partedit-cli edit --help)");
    }
  line.entry = resolved_entry(defaults, defaults_dir, out_dir);
  const ordered_json own = resolved_entry(object, manifest_dir, out_dir);
  for (const auto& [key, value] : own.items()) line.entry[key] = value;

  bool has_noise = false;
  for (const auto& [key, value] : line.entry.items()) {
    if (kNoiseKeys.count(key) && !value.is_null()) has_noise = true;
    if (key == "eval-mask") {
      if (!value.is_null()) line.eval_mask = fs::path(value.get<std::string>());
      continue;
    }
    const auto words = key_words(key, value, kinds.at(key));
    line.words.insert(line.words.end(), words.begin(), words.end());
    if (kOutputPathKeys.count(key) && !value.is_null()) line.outputs.emplace_back(key, value.get<std::string>());
  }
  if (!has_noise) line.words.insert(line.words.end(), {"--seed", std::to_string(line.line_number)});
  auto text = [&](const char* key) { return line.entry.contains(key) ? line.entry[key].dump() : std::string("-"); };
  line.model_key = text("model") + " " + text("config") + " " + text("prediction-type");
}

}  // namespace

Manifest read_manifest(const fs::path& file, const std::optional<fs::path>& defaults_file, const fs::path& out_dir) {
  std::ifstream in(file);
  if (!in) throw Error("cannot read the manifest " + file.string());
  const ordered_json defaults = defaults_file ? read_defaults(*defaults_file) : ordered_json::object();
  const fs::path manifest_dir = fs::absolute(file).parent_path();
  const fs::path defaults_dir = defaults_file ? fs::absolute(*defaults_file).parent_path() : manifest_dir;
  const fs::path out = fs::absolute(out_dir);
  const auto kinds = edit_option_kinds();

  Manifest manifest;
  manifest.file = file;
  std::map<fs::path, size_t> writers;  // output file -> the line number that writes it
  size_t number = 0;
  for (std::string text; std::getline(in, text);) {
    ++number;
    if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
    ManifestLine line;
    line.index = manifest.lines.size();
    line.line_number = number;
    try {
      ordered_json object;
      try {
        object = ordered_json::parse(text);
      } catch (const nlohmann::json::parse_error& e) {
        const std::string what = e.what();
        throw Error("not JSON: " + what.substr(what.find(']') + 2));
      }
      fill_line(line, object, defaults, kinds, manifest_dir, defaults_dir, out);
      for (const auto& [key, output] : line.outputs) {
        const auto [it, first] = writers.emplace(output, number);
        if (!first)
          throw Error("writes " + output.string() + ", which line " + std::to_string(it->second) + " writes too");
      }
    } catch (const Error& e) {
      line.error = e.what();
    }
    manifest.lines.push_back(std::move(line));
  }
  return manifest;
}

std::string line_place(const Manifest& manifest, const ManifestLine& line) {
  return manifest.file.filename().string() + ":" + std::to_string(line.line_number);
}

}  // namespace partedit::cli
