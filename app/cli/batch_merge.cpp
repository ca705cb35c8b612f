#include "batch_merge.h"

#include <cstdio>
#include <map>
#include <regex>
#include <set>
#include <vector>

#include <nlohmann/json.hpp>

#include "batch_results.h"
#include "eval/edit_scorer.h"
#include "io/atomic_file.h"
#include "io/csv.h"
#include "runtime/error.h"

namespace partedit::cli {
namespace fs = std::filesystem;
using nlohmann::ordered_json;

namespace {

const std::vector<std::string> kRowKeys = {"line", "status", "part", "edit", "prompt", "edit_prompt", "seed", "model"};

// A JSON value as a CSV cell: strings as they are, null empty, anything else as JSON.
std::string cell_text(const ordered_json& value) {
  return value.is_string() ? value.get<std::string>() : value.is_null() ? "" : value.dump();
}

std::string csv_row(const std::vector<ordered_json>& values) {
  std::vector<std::string> fields;
  for (const auto& value : values) fields.push_back(cell_text(value));
  return csv_line(fields);
}

const ordered_json& field(const ordered_json& record, const std::string& key) {
  static const ordered_json null;
  return record.contains(key) ? record.at(key) : null;
}

// Means of the scores over `rows` (each metric over the rows that have a number for it).
ordered_json means_of(const std::string& group, const std::string& name, const std::vector<const ordered_json*>& rows) {
  ordered_json out = {{"group", group}, {"name", name}, {"edits", rows.size()}};
  size_t failed = 0, scored = 0, identical = 0;
  std::map<std::string, std::pair<double, size_t>> sums;
  for (const ordered_json* row : rows) {
    if (field(*row, "status") != "ok") ++failed;
    const ordered_json& scores = field(*row, "scores");
    if (!scores.is_object()) continue;
    ++scored;
    if (scores.contains("psnr") && scores.at("psnr").is_null()) ++identical;
    for (const auto& key : score_keys())
      if (scores.contains(key) && scores.at(key).is_number()) {
        sums[key].first += scores.at(key).get<double>();
        ++sums[key].second;
      }
  }
  out["failed"] = failed;
  out["scored"] = scored;
  for (const auto& key : score_keys()) {
    const auto it = sums.find(key);
    out[key] = it == sums.end() ? ordered_json() : ordered_json(it->second.first / double(it->second.second));
  }
  out["identical_backgrounds"] = identical;
  return out;
}

std::string means_text(const std::vector<ordered_json>& means) {
  std::string text;
  char row[256];
  std::snprintf(row, sizeof row, "%-6s %-28s %6s %8s %8s %8s %7s\n", "group", "name", "edits", "clip_fg", "clip_bg",
                "psnr", "ssim");
  text += row;
  auto number = [](const ordered_json& v, const char* format) {
    if (!v.is_number()) return std::string("-");
    char out[32];
    std::snprintf(out, sizeof out, format, v.get<double>());
    return std::string(out);
  };
  for (const auto& m : means) {
    std::snprintf(row, sizeof row, "%-6s %-28s %6zu %8s %8s %8s %7s\n", m["group"].get<std::string>().c_str(),
                  m["name"].get<std::string>().substr(0, 28).c_str(), m["edits"].get<size_t>(),
                  number(m["clip_fg"], "%.2f").c_str(), number(m["clip_bg"], "%.2f").c_str(),
                  number(m["psnr"], "%.2f").c_str(), number(m["ssim"], "%.4f").c_str());
    text += row;
  }
  return text;
}

// The shard files of `dir` by shard: one split, every shard; returns the shard count.
size_t find_shard_files(const fs::path& dir, std::map<size_t, fs::path>& files) {
  std::map<size_t, std::set<size_t>> splits;  // N -> the shards I found
  const std::regex name("results-([0-9]+)-of-([0-9]+)\\.jsonl");
  for (const auto& entry : fs::directory_iterator(dir)) {
    std::smatch m;
    const std::string file = entry.path().filename().string();
    if (!std::regex_match(file, m, name)) continue;
    splits[std::stoul(m[2].str())].insert(std::stoul(m[1].str()));
    files[std::stoul(m[1].str())] = entry.path();
  }
  if (splits.empty()) throw Error(dir.string() + " has no results-I-of-N.jsonl (run partedit-cli batch --out " + dir.string() + " first)");
  if (splits.size() > 1) {
    std::string counts;
    for (const auto& [count, found] : splits) counts += (counts.empty() ? "" : ", ") + std::to_string(count);
    throw Error(dir.string() + " holds the results of different splits (N = " + counts + "); keep one run per folder");
  }
  const size_t count = splits.begin()->first;
  std::string missing;
  for (size_t i = 0; i < count; ++i)
    if (!splits.begin()->second.count(i)) missing += (missing.empty() ? "" : ", ") + std::to_string(i) + "/" + std::to_string(count);
  if (!missing.empty()) throw Error("shard " + missing + " has no results in " + dir.string() + " (run it, then merge)");
  return count;
}

// Every edit of the manifest exactly once, by manifest index, without the shard's own fields.
std::map<size_t, ordered_json> read_edit_records(const std::map<size_t, fs::path>& files, size_t count) {
  std::map<size_t, ordered_json> by_index;
  size_t edits = 0;
  for (const auto& [shard, file] : files) {
    ShardLog log = read_shard_log(file);
    if (log.cut_short)
      throw Error(file.string() + " ends in a record cut short (the shard was killed while writing it): run shard " +
                  std::to_string(shard) + "/" + std::to_string(count) + " again with --resume, then merge");
    for (auto& record : log.records) {
      const size_t index = record.at("index").get<size_t>();
      if (!record.contains("edits") || !record.at("edits").is_number_unsigned())
        throw Error(file.string() + " holds a record of edit " + std::to_string(index) + " without the manifest's edit count; it was not written by batch");
      const size_t total = record.at("edits").get<size_t>();
      if (edits != 0 && total != edits) throw Error(file.string() + " comes from another manifest (" + std::to_string(total) + " edits, not " + std::to_string(edits) + ")");
      edits = total;
      if (index >= total)
        throw Error(file.string() + " holds a record of edit " + std::to_string(index) + ", but its manifest has " +
                    std::to_string(total) + " edits: run shard " + std::to_string(shard) + "/" + std::to_string(count) +
                    " again with --resume (which refuses records that are not the manifest's), then merge");
      if (index % count != shard) throw Error(file.string() + " holds edit " + std::to_string(index) + ", which is not shard " + std::to_string(shard) + "'s");
      record.erase("shard");
      record.erase("seconds");
      if (!by_index.emplace(index, std::move(record)).second)
        throw Error(file.string() + " holds edit " + std::to_string(index) + " twice");
    }
  }
  std::string absent;
  size_t absent_count = 0;
  for (size_t i = 0; i < edits; ++i)
    if (!by_index.count(i) && ++absent_count <= 10) absent += (absent.empty() ? "" : ", ") + std::to_string(i);
  if (absent_count > 0)
    throw Error(std::to_string(absent_count) + " edit(s) have no record (index " + absent + (absent_count > 10 ? ", …" : "") +
                "): rerun their shards with --resume, then merge");
  return by_index;
}

}  // namespace

MergeSummary merge_batch_results(const fs::path& dir) {
  if (!fs::is_directory(dir)) throw Error("--merge " + dir.string() + ": no such folder");
  std::map<size_t, fs::path> files;
  const size_t count = find_shard_files(dir, files);
  const std::map<size_t, ordered_json> by_index = read_edit_records(files, count);

  // The tables.
  std::string jsonl, csv;
  std::vector<ordered_json> header;
  for (const auto& key : kRowKeys) header.emplace_back(key);
  header.emplace_back("out");
  for (const auto& key : score_keys()) header.emplace_back(key);
  header.emplace_back("error");
  csv += csv_row(header);
  std::vector<const ordered_json*> all;
  std::map<std::string, std::vector<const ordered_json*>> by_part, by_edit;
  MergeSummary summary;
  summary.shards = count;
  for (const auto& [index, record] : by_index) {
    jsonl += record_line(record);
    std::vector<ordered_json> row;
    for (const auto& key : kRowKeys) row.push_back(field(record, key));
    row.push_back(field(field(record, "outputs"), "out"));
    for (const auto& key : score_keys()) row.push_back(field(field(record, "scores"), key));
    row.push_back(field(record, "error"));
    csv += csv_row(row);
    all.push_back(&record);
    if (field(record, "part").is_string()) by_part[record["part"].get<std::string>()].push_back(&record);
    if (field(record, "edit").is_string()) by_edit[record["edit"].get<std::string>()].push_back(&record);
    ++summary.edits;
    if (field(record, "status") != "ok") ++summary.failed;
    if (field(record, "scores").is_object()) ++summary.scored;
  }
  std::vector<ordered_json> means = {means_of("all", "", all)};
  for (const auto& [part, rows] : by_part) means.push_back(means_of("part", part, rows));
  for (const auto& [edit, rows] : by_edit) means.push_back(means_of("edit", edit, rows));
  std::string means_jsonl, means_csv;
  std::vector<ordered_json> means_header;
  for (const auto& [key, value] : means.front().items()) means_header.emplace_back(key);
  means_csv += csv_row(means_header);
  for (const auto& m : means) {
    means_jsonl += m.dump() + "\n";
    std::vector<ordered_json> row;
    for (const auto& [key, value] : m.items()) row.push_back(value);
    means_csv += csv_row(row);
  }
  write_file_atomically(dir / "results.jsonl", jsonl);
  write_file_atomically(dir / "results.csv", csv);
  write_file_atomically(dir / "means.jsonl", means_jsonl);
  write_file_atomically(dir / "means.csv", means_csv);
  summary.means_table = means_text(means);
  return summary;
}

}  // namespace partedit::cli
