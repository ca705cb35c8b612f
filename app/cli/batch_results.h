#pragma once
// The results of one shard of `partedit-cli batch`: <out>/results-I-of-N.jsonl, one JSON object
// per manifest line the shard ran (keys below), in the order they finished. The file is
// rewritten atomically after every line, so a killed shard leaves the lines it finished and
// never a half-written record; --resume reads it back.
//
// A record: "line" (in the manifest file), "index" (among its edits), "edits" (how many the
// manifest has), "status" ("ok" or "error"), "error" (the message), "model", "prompt" (the
// source's), "part" (the part names, "+"-joined), "edit" (what the part becomes), "edit_prompt",
// "seed", "outputs" (key -> file, relative to --out), "scores" (with --eval: eval's keys), and
// the run's own "shard" and "seconds", which the merged table leaves out.
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace partedit::cli {

struct Shard {
  size_t index = 0, count = 1;
  std::string text() const { return std::to_string(index) + "/" + std::to_string(count); }
};

// "I/N" with 0 <= I < N. Throws Error.
Shard parse_shard(const std::string& text);

// <out>/results-I-of-N.jsonl
std::filesystem::path shard_results_path(const std::filesystem::path& out_dir, const Shard& shard);

class ShardResults {
 public:
  // Without `resume` an existing file is refused (another run's results would be replaced);
  // with it, its records are read back (a line that is not a record is an Error naming it).
  ShardResults(std::filesystem::path file, bool resume);

  // The record of manifest edit `index`, or nullptr.
  const nlohmann::ordered_json* find(size_t index) const;
  // Adds `record`, replacing an earlier one of the same index, and rewrites the file.
  void put(nlohmann::ordered_json record);
  const std::filesystem::path& file() const { return file_; }

 private:
  void write() const;
  std::filesystem::path file_;
  std::vector<nlohmann::ordered_json> records_;
};

// Every record of a JSON Lines file (blank lines skipped). Throws Error naming the file and
// line of anything that is not a JSON object.
std::vector<nlohmann::ordered_json> read_json_lines(const std::filesystem::path& file);

}  // namespace partedit::cli
