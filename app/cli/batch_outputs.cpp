#include "batch_outputs.h"

#include <regex>

#include "runtime/content_hash.h"
#include "runtime/error.h"

namespace partedit::cli {
namespace fs = std::filesystem;
using nlohmann::ordered_json;

namespace {

// The files batch writes into --out itself (batch_results.h, batch_merge.h).
bool is_results_file_name(const std::string& name) {
  static const std::regex results("results-[0-9]+-of-[0-9]+\\.jsonl|results\\.(jsonl|csv)|means\\.(jsonl|csv)");
  return std::regex_match(name, results);
}

}  // namespace

fs::path check_output_inside(const fs::path& out_root, const std::string& key, const fs::path& path) {
  std::error_code error;
  const fs::path resolved = fs::weakly_canonical(path, error);
  if (error) throw Error("\"" + key + "\": cannot resolve " + path.string() + " (" + error.message() + ")");
  const fs::path inside = resolved.lexically_relative(out_root);
  if (inside == ".") throw Error("\"" + key + "\": " + path.string() + " is the --out folder itself; name a file in it");
  if (inside.empty() || *inside.begin() == "..")
    throw Error("\"" + key + "\": " + path.string() + (resolved != path ? " (that is " + resolved.string() + ")" : "") +
                " is not inside --out " + out_root.string() + "; batch writes only there");
  if (inside.parent_path().empty() && is_results_file_name(inside.string()))
    throw Error("\"" + key + "\": " + path.string() + " is a results file of the batch; write the edit elsewhere");
  return resolved;
}

ordered_json output_fingerprints(const BatchOutputs& outputs) {
  ordered_json files = ordered_json::object();
  for (const auto& [key, path] : outputs)
    if (const auto fingerprint = fingerprint_file(path))
      files[key] = {{"bytes", fingerprint->bytes}, {"fnv1a64", fingerprint->hash}};
  return files;
}

std::string outputs_changed(const ordered_json& recorded, const BatchOutputs& outputs) {
  for (const auto& [key, path] : outputs) {
    const ordered_json* expected = recorded.is_object() && recorded.contains(key) ? &recorded.at(key) : nullptr;
    if (!expected || !expected->is_object() || !expected->contains("bytes") || !expected->contains("fnv1a64"))
      return "its record has no size and hash of " + path.filename().string();
    std::error_code error;
    if (!fs::is_regular_file(path, error)) return path.filename().string() + " is missing";
    const uintmax_t bytes = fs::file_size(path, error);
    if (error) return path.filename().string() + " cannot be read";
    if (expected->at("bytes") != bytes)  // told apart without reading it
      return path.filename().string() + " is " + std::to_string(bytes) + " bytes, not the " +
             expected->at("bytes").dump() + " written";
    const auto found = fingerprint_file(path);
    if (!found || expected->at("fnv1a64") != found->hash)
      return path.filename().string() + " has changed since it was written (another content hash)";
  }
  return "";
}

}  // namespace partedit::cli
