#pragma once
// The results of one shard of `partedit-cli batch`: <out>/results-I-of-N.jsonl, one JSON object
// per manifest line the shard ran (keys below). While the shard runs the file is a log: each
// line's record is appended (and fsynced) as the line finishes, so that a killed shard keeps
// every line it finished, at the cost of one small write per line; at the end the log is
// compacted (rewritten atomically: the latest record of each edit, in the order they finished).
// Reading it back (--resume, --merge), the latest record of an edit wins, and a last record
// cut short by a crash is left out.
//
// A record: "line" (in the manifest file), "index" (among its edits), "edits" (how many the
// manifest has), "key" (the content hash of the line as it ran: its options, defaults and
// resolved paths, outputs relative to --out), "status" ("ok" or "error"), "error" (the
// message, printable), "model", "prompt" (the source's), "part" (the part names, "+"-joined),
// "edit" (what the part becomes), "edit_prompt", "seed", "outputs" (key -> file, relative to
// --out), "files" (key -> {"bytes", "fnv1a64"}: each output as written), "scores" (with --eval:
// eval's keys), and the run's own "shard" and "seconds", which the merged table leaves out.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
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

// A shard's results file read back: the latest record of each edit, in the order written.
struct ShardLog {
  std::vector<nlohmann::ordered_json> records;
  bool cut_short = false;  // its last record was torn by a crash and is left out
};
// Throws Error naming the file and line of anything else that is not a record with its index.
ShardLog read_shard_log(const std::filesystem::path& file);

// `record` as one line of JSON: text that is not valid UTF-8 is replaced, never thrown about.
std::string record_line(const nlohmann::ordered_json& record);

class ShardResults {
 public:
  // Without `resume` an existing file is refused (another run's results would be replaced);
  // with it, its records are read back (read_shard_log).
  ShardResults(std::filesystem::path file, bool resume);
  ~ShardResults();
  ShardResults(const ShardResults&) = delete;
  ShardResults& operator=(const ShardResults&) = delete;

  // The record of manifest edit `index`, or nullptr.
  const nlohmann::ordered_json* find(size_t index) const;
  // The indices of the records held.
  std::vector<size_t> indices() const;
  // Forgets the record of `index` (one that does not belong to the manifest); compact() then
  // leaves it out of the file.
  void drop(size_t index);
  // Adds `record` (replacing an earlier one of the same index) and appends it to the file,
  // fsynced when `durable`; else at the next sync(), put(…, true) or compact().
  void put(nlohmann::ordered_json record, bool durable = true);
  void sync();
  // Rewrites the file atomically with the records held, in the order they were put.
  void compact();
  const std::filesystem::path& file() const { return file_; }

 private:
  void open_log();
  void close_log();
  std::filesystem::path file_;
  std::map<size_t, std::pair<uint64_t, nlohmann::ordered_json>> records_;  // index -> (order put, record)
  uint64_t next_order_ = 0;
  int log_ = -1;  // the file opened for appending
  bool unsynced_ = false;
};

}  // namespace partedit::cli
