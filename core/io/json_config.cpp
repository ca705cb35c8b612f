#include "io/json_config.h"

#include <fstream>
#include <iterator>
#include <string_view>

#include "runtime/message_text.h"

namespace partedit {

nlohmann::json read_json_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot open " + path.string());
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw Error("cannot read " + path.string());
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    // e.byte counts the bytes read, the offending one included; nlohmann's own text would
    // quote raw bytes, so the message is ours.
    const size_t at = e.byte > 0 ? e.byte - 1 : 0;
    if (text.find_first_not_of(" \t\r\n") == std::string::npos)
      throw Error(path.string() + " is not valid JSON: the file is empty");
    if (at >= text.size()) throw Error(path.string() + " is not valid JSON: it ends before its JSON text does");
    throw Error(path.string() + " is not valid JSON (near byte " + std::to_string(at) + ": '" +
                printable_excerpt(std::string_view(text).substr(at, 24), 24) + "')");
  } catch (const nlohmann::json::exception&) {
    throw Error(path.string() + " is not valid JSON");
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

JsonConfig JsonConfig::section(const std::string& key, bool required) const {
  const auto label = std::filesystem::path(source_.string() + " (" + key + ")");
  if (!has(key)) {
    if (required) throw Error("missing config key '" + key + "' in " + source_.string());
    return JsonConfig(nlohmann::json::object(), label);
  }
  if (!json_.at(key).is_object()) throw Error("config key '" + key + "' in " + source_.string() + " must be an object");
  return JsonConfig(json_.at(key), label);
}

}  // namespace partedit
