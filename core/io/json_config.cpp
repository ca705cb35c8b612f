#include "io/json_config.h"

#include <fstream>

namespace partedit {

nlohmann::json read_json_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw Error("cannot open " + path.string());
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw Error("invalid JSON in " + path.string() + ": " + e.what());
  }
}

JsonConfig::JsonConfig(nlohmann::json json, std::filesystem::path source)
    : json_(std::move(json)), source_(std::move(source)) {
  if (!json_.is_object()) throw Error("expected a JSON object in " + source_.string());
}

JsonConfig JsonConfig::load(const std::filesystem::path& path) {
  return JsonConfig(read_json_file(path), path);
}

bool JsonConfig::has(const std::string& key) const {
  auto it = json_.find(key);
  return it != json_.end() && !it->is_null();
}

std::vector<int64_t> JsonConfig::get_int_list(const std::string& key, size_t count) const {
  if (!has(key)) throw Error("missing config key '" + key + "' in " + source_.string());
  const auto& value = json_.at(key);
  if (value.is_number_integer()) return std::vector<int64_t>(count, value.get<int64_t>());
  auto list = convert<std::vector<int64_t>>(key);
  if (list.size() != count)
    throw Error("config key '" + key + "' in " + source_.string() + " has " +
                std::to_string(list.size()) + " entries, expected " + std::to_string(count));
  return list;
}

std::vector<int64_t> JsonConfig::get_int_list_or(const std::string& key, size_t count,
                                                 int64_t fallback) const {
  return has(key) ? get_int_list(key, count) : std::vector<int64_t>(count, fallback);
}

}  // namespace partedit
