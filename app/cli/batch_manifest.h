#pragma once
// The manifest of `partedit-cli batch`: JSON Lines, one edit per line, whose keys are the long
// options of `edit` without the dashes ({"model": "m", "prompt": "…", "edit": "with a robotic
// <head>", "token": ["a.safetensors"], "seed": 3, "t-e": 40, "out": "a.png"}), plus the batch's
// own "eval-mask". A line becomes the words of an `edit` command line:
// - strings and numbers are the option's value, true a flag, false and null leave it out, an
//   array repeats the option for each element;
// - input paths (model, token, image, …) are resolved against the manifest's folder (the
//   defaults file's folder for keys that come from it), outputs against the batch's --out;
// - without "seed" (or "init-latents", or an "inversion" file, which carry their own noise) the
//   seed is the line's number in the file, so that every run of a line draws the same noise;
// - device, dtype and timings belong to the whole batch (its command line).
// - outputs must resolve inside --out; inputs may be anywhere.
// Blank lines are skipped; every other line is an edit: its index (0, 1, … in file order) is
// what --shard divides.
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace partedit::cli {

struct ManifestLine {
  size_t index = 0;        // among the edits: what --shard I/N divides (index % N == I)
  size_t line_number = 0;  // in the file, from 1: what messages name
  nlohmann::ordered_json entry;   // the line's keys over the defaults', as written
  std::vector<std::string> words;  // the `edit` command line (without "edit")
  std::string model_key;          // the model the line loads (model, config, prediction type)
  std::vector<std::pair<std::string, std::filesystem::path>> outputs;  // key -> the file it writes, inside --out
  std::string key;                 // content hash of the line as it runs (results' "key")
  std::optional<std::filesystem::path> eval_mask;  // the part's mask for --eval, resolved
  std::string error;               // why the line cannot run ("" when it can)
};

struct Manifest {
  std::filesystem::path file;
  std::filesystem::path out_root;   // --out, weakly canonical: where every output must resolve
  std::vector<ManifestLine> lines;  // every edit of the file, in order
};

// Reads `file` (and the shared keys of `defaults`, a JSON object, when given). A line that is
// not a JSON object, gives a key twice, names an unknown key, gives a value of the wrong kind,
// writes a file outside `out_dir` (after ".." and symlinks, batch_outputs.h) or a file another
// line writes gets its `error`; the other lines are unaffected. Throws Error when a file
// cannot be read or `defaults` itself is malformed.
Manifest read_manifest(const std::filesystem::path& file, const std::optional<std::filesystem::path>& defaults,
                       const std::filesystem::path& out_dir);

// "manifest.jsonl:7": where a line is, for messages.
std::string line_place(const Manifest& manifest, const ManifestLine& line);

}  // namespace partedit::cli
