#include "batch_results.h"

#include <algorithm>
#include <fstream>
#include <regex>

#include "io/atomic_file.h"
#include "runtime/error.h"

namespace partedit::cli {
namespace fs = std::filesystem;
using nlohmann::ordered_json;

Shard parse_shard(const std::string& text) {
  std::smatch m;
  if (!std::regex_match(text, m, std::regex("([0-9]{1,6})/([0-9]{1,6})")))
    throw Error("--shard takes I/N (this process runs the lines whose index modulo N is I), got '" + text + "'");
  Shard shard{std::stoul(m[1].str()), std::stoul(m[2].str())};
  if (shard.count == 0 || shard.index >= shard.count)
    throw Error("--shard I/N needs 0 <= I < N, got " + text);
  return shard;
}

fs::path shard_results_path(const fs::path& out_dir, const Shard& shard) {
  return out_dir / ("results-" + std::to_string(shard.index) + "-of-" + std::to_string(shard.count) + ".jsonl");
}

std::vector<ordered_json> read_json_lines(const fs::path& file) {
  std::ifstream in(file);
  if (!in) throw Error("cannot read " + file.string());
  std::vector<ordered_json> records;
  size_t number = 0;
  for (std::string text; std::getline(in, text);) {
    ++number;
    if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
    ordered_json record;
    try {
      record = ordered_json::parse(text);
    } catch (const nlohmann::json::parse_error&) {
      throw Error(file.string() + ":" + std::to_string(number) + " is not a JSON record");
    }
    if (!record.is_object()) throw Error(file.string() + ":" + std::to_string(number) + " is not a JSON object");
    records.push_back(std::move(record));
  }
  return records;
}

ShardResults::ShardResults(fs::path file, bool resume) : file_(std::move(file)) {
  if (!fs::exists(file_)) return;
  if (!resume)
    throw Error(file_.string() + " exists: give --resume to continue that run, or another --out");
  records_ = read_json_lines(file_);
  for (const auto& record : records_)
    if (!record.contains("index") || !record.at("index").is_number_unsigned())
      throw Error(file_.string() + " has a record without its manifest index; it was not written by batch");
}

const ordered_json* ShardResults::find(size_t index) const {
  for (const auto& record : records_)
    if (record.at("index").get<size_t>() == index) return &record;
  return nullptr;
}

void ShardResults::put(ordered_json record) {
  const size_t index = record.at("index").get<size_t>();
  records_.erase(std::remove_if(records_.begin(), records_.end(),
                                [index](const ordered_json& r) { return r.at("index").get<size_t>() == index; }),
                 records_.end());
  records_.push_back(std::move(record));
  write();
}

void ShardResults::write() const {
  std::string text;
  for (const auto& record : records_) text += record.dump() + "\n";
  write_file_atomically(file_, text);
}

}  // namespace partedit::cli
