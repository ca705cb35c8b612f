#include "batch_results.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <regex>
#include <sstream>

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

std::string record_line(const ordered_json& record) {
  return record.dump(-1, ' ', false, ordered_json::error_handler_t::replace) + "\n";
}

ShardLog read_shard_log(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error("cannot read " + file.string());
  std::ostringstream bytes;
  bytes << in.rdbuf();
  const std::string text = bytes.str();

  std::vector<ordered_json> written;  // every record, in file order
  ShardLog log;
  size_t number = 0;
  for (size_t at = 0; at < text.size();) {
    const size_t end = std::min(text.find('\n', at), text.size());
    const std::string_view line(text.data() + at, end - at);
    const bool terminated = end < text.size();
    at = end + 1;
    ++number;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    ordered_json record;
    try {
      record = ordered_json::parse(line);
    } catch (const nlohmann::json::parse_error&) {
      // An append is one write of a whole line: only the last one can be torn, and it then
      // lacks its newline.
      if (!terminated) {
        log.cut_short = true;
        break;
      }
      throw Error(file.string() + ":" + std::to_string(number) + " is not a JSON record");
    }
    if (!record.is_object()) throw Error(file.string() + ":" + std::to_string(number) + " is not a JSON object");
    if (!record.contains("index") || !record.at("index").is_number_unsigned())
      throw Error(file.string() + ":" + std::to_string(number) +
                  " is a record without its manifest index; it was not written by batch");
    written.push_back(std::move(record));
  }
  // The latest record of each edit, where it was last written.
  std::map<size_t, size_t> latest;  // index -> position in `written`
  for (size_t i = 0; i < written.size(); ++i) latest[written[i].at("index").get<size_t>()] = i;
  std::vector<size_t> kept;
  for (const auto& [index, position] : latest) kept.push_back(position);
  std::sort(kept.begin(), kept.end());
  for (const size_t position : kept) log.records.push_back(std::move(written[position]));
  return log;
}

ShardResults::ShardResults(fs::path file, bool resume) : file_(std::move(file)) {
  if (!fs::exists(file_)) return;
  if (!resume)
    throw Error(file_.string() + " exists: give --resume to continue that run, or another --out");
  for (auto& record : read_shard_log(file_).records) {
    const size_t index = record.at("index").get<size_t>();
    records_[index] = {next_order_++, std::move(record)};
  }
}

ShardResults::~ShardResults() { close_log(); }

const ordered_json* ShardResults::find(size_t index) const {
  const auto it = records_.find(index);
  return it == records_.end() ? nullptr : &it->second.second;
}

std::vector<size_t> ShardResults::indices() const {
  std::vector<size_t> indices;
  for (const auto& [index, record] : records_) indices.push_back(index);
  return indices;
}

void ShardResults::drop(size_t index) { records_.erase(index); }

void ShardResults::put(ordered_json record, bool durable) {
  const size_t index = record.at("index").get<size_t>();
  const std::string line = record_line(record);
  records_[index] = {next_order_++, std::move(record)};
  if (log_ < 0) open_log();
  const off_t before = ::lseek(log_, 0, SEEK_END);
  for (size_t at = 0; at < line.size();) {
    const ssize_t n = ::write(log_, line.data() + at, line.size() - at);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int error = n == 0 ? EIO : errno;
      // A part of a line would glue the next record onto it: take it back.
      if (before >= 0 && ::ftruncate(log_, before) != 0) {}
      throw Error("cannot write " + file_.string() + " (" + std::strerror(error) + ")");
    }
    at += size_t(n);
  }
  unsynced_ = true;
  if (durable) sync();
}

void ShardResults::open_log() {
  const bool created = !fs::exists(file_);
  log_ = ::open(file_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_ < 0) throw Error("cannot write " + file_.string() + " (" + std::strerror(errno) + ")");
  if (!created) return;
  // The new file's name in its folder survives a power cut too.
  const int folder = ::open(file_.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (folder < 0) return;
  ::fsync(folder);
  ::close(folder);
}

void ShardResults::sync() {
  if (log_ < 0 || !unsynced_) return;
  if (::fsync(log_) != 0) throw Error("cannot write " + file_.string() + ": fsync failed (" + std::strerror(errno) + ")");
  unsynced_ = false;
}

void ShardResults::compact() {
  std::vector<const std::pair<uint64_t, ordered_json>*> in_order;
  for (const auto& [index, entry] : records_) in_order.push_back(&entry);
  std::sort(in_order.begin(), in_order.end(), [](const auto* a, const auto* b) { return a->first < b->first; });
  std::string text;
  for (const auto* entry : in_order) text += record_line(entry->second);
  close_log();  // the next put appends to the new file
  write_file_atomically(file_, text);
}

void ShardResults::close_log() {
  if (log_ < 0) return;
  ::close(log_);
  log_ = -1;
}

}  // namespace partedit::cli
