#pragma once
// What `partedit-cli batch` may write, and how it knows a finished line's outputs again:
// - every output of a line resolves inside --out, after ".." and symlinks (a symlinked folder
//   inside --out that points elsewhere included), and is not one of the batch's own results
//   files; anything else is the line's error;
// - a finished line's record keeps each output's size and content hash ("files"), so that
//   --resume runs a line again when an output has been replaced, cut short or removed since.
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace partedit::cli {

using BatchOutputs = std::vector<std::pair<std::string, std::filesystem::path>>;  // key -> file

// `path` (absolute, lexically normal) resolved: weakly canonical. Throws Error unless that is a
// file inside `out_root` (--out, weakly canonical) and not a results file of the batch. `key`
// names the option, for the message.
std::filesystem::path check_output_inside(const std::filesystem::path& out_root, const std::string& key,
                                          const std::filesystem::path& path);

// {"out": {"bytes": N, "fnv1a64": "…"}, …} for the outputs that exist as regular files.
nlohmann::ordered_json output_fingerprints(const BatchOutputs& outputs);

// Why the outputs differ from what `recorded` (a record's "files") says was written: "" when
// every output is there with its recorded size and hash.
std::string outputs_changed(const nlohmann::ordered_json& recorded, const BatchOutputs& outputs);

}  // namespace partedit::cli
