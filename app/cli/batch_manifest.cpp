#include "batch_manifest.h"

#include <fstream>
#include <iterator>
#include <map>
#include <set>

#include "batch_outputs.h"
#include "cli_app.h"
#include "runtime/content_hash.h"
#include "edit_command.h"
#include "runtime/error.h"
#include "runtime/message_text.h"

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

std::map<std::string, OptionKind> declared_edit_option_kinds() {
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

// The long options of `edit`, as declared (edit_command.h), by key; built once (declaring
// the command costs more than reading a short manifest).
const std::map<std::string, OptionKind>& edit_option_kinds() {
  static const std::map<std::string, OptionKind> kinds = declared_edit_option_kinds();
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

// Parses one JSON text, refusing an object that gives a key twice (its last value would win
// unseen). Throws Error for that, nlohmann's parse_error for text that is not JSON.
ordered_json parse_refusing_duplicate_keys(const std::string& text) {
  std::vector<std::set<std::string>> open_objects;  // the keys of each object being read
  const ordered_json::parser_callback_t check = [&](int, ordered_json::parse_event_t event, ordered_json& parsed) {
    using Event = ordered_json::parse_event_t;
    if (event == Event::object_start) {
      open_objects.emplace_back();
    } else if (event == Event::object_end) {
      if (!open_objects.empty()) open_objects.pop_back();
    } else if (event == Event::key && !open_objects.empty() &&
               !open_objects.back().insert(parsed.get<std::string>()).second) {
      throw Error("the key \"" + parsed.get<std::string>() + "\" is given twice (which one is meant?); keep one");
    }
    return true;
  };
  return ordered_json::parse(text, check);
}

// The message of a parse_error without nlohmann's "[json.exception.parse_error.101] " prefix,
// printable: it quotes the bytes it stopped at, which may be anything.
std::string parse_error_text(const nlohmann::json::parse_error& e) {
  const std::string what = e.what();
  const size_t end = what.find("] ");
  return printable_excerpt(end == std::string::npos ? what : what.substr(end + 2), 300);
}

ordered_json read_defaults(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error("cannot read the defaults file " + file.string());
  const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  ordered_json defaults;
  try {
    defaults = parse_refusing_duplicate_keys(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw Error(file.string() + " is not JSON: " + parse_error_text(e));
  } catch (const Error& e) {
    throw Error(file.string() + ": " + e.what());
  }
  if (!defaults.is_object()) throw Error(file.string() + " must hold one JSON object of shared keys");
  return defaults;
}

// The content hash of what the line runs: its keys over the defaults', paths resolved, outputs
// relative to --out (so that a moved --out folder keeps its results), and the seed it draws.
std::string line_key(const ManifestLine& line, const fs::path& out_dir, bool seed_from_line) {
  ordered_json material = line.entry;
  for (const auto& [key, path] : line.outputs) material[key] = path.lexically_relative(out_dir).string();
  if (seed_from_line) material["seed"] = line.line_number;
  return content_hash_hex(material.dump(-1, ' ', false, ordered_json::error_handler_t::replace));
}

void fill_line(ManifestLine& line, const ordered_json& object, const ordered_json& defaults,
               const std::map<std::string, OptionKind>& kinds, const fs::path& manifest_dir,
               const fs::path& defaults_dir, const fs::path& out_dir, const fs::path& out_root) {
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
      if (value.is_string()) line.eval_mask = fs::path(value.get<std::string>());
      else if (!value.is_null()) throw Error("\"eval-mask\" takes one path");
      continue;
    }
    const auto words = key_words(key, value, kinds.at(key));
    line.words.insert(line.words.end(), words.begin(), words.end());
    if (kOutputPathKeys.count(key) && value.is_string()) {
      const fs::path output = value.get<std::string>();
      check_output_inside(out_root, key, output);
      line.outputs.emplace_back(key, output);
    }
  }
  if (!has_noise) line.words.insert(line.words.end(), {"--seed", std::to_string(line.line_number)});
  line.key = line_key(line, out_dir, !has_noise);
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
  const auto& kinds = edit_option_kinds();

  Manifest manifest;
  manifest.file = file;
  manifest.out_root = fs::weakly_canonical(out);
  std::map<fs::path, size_t> writers;  // output file, resolved -> the line number that writes it
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
        object = parse_refusing_duplicate_keys(text);
      } catch (const nlohmann::json::parse_error& e) {
        throw Error("not JSON: " + parse_error_text(e));
      }
      fill_line(line, object, defaults, kinds, manifest_dir, defaults_dir, out, manifest.out_root);
      for (const auto& [key, output] : line.outputs) {
        const auto [it, first] = writers.emplace(fs::weakly_canonical(output), number);
        if (!first)
          throw Error("writes " + output.string() + ", which line " + std::to_string(it->second) + " writes too");
      }
    } catch (const std::exception& e) {  // whatever a line holds, it is that line's error only
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
