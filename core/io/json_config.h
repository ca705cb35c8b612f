#pragma once
// Typed access to a JSON config file (config.json, scheduler_config.json, ...) with errors
// that name the file and the key.
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "runtime/error.h"
#include "runtime/message_text.h"

namespace partedit {

// Parses a JSON file; errors are ours ("<file> is not valid JSON (near byte N: '...')"),
// printable and bounded.
nlohmann::json read_json_file(const std::filesystem::path& path);

class JsonConfig {
 public:
  JsonConfig(nlohmann::json json, std::filesystem::path source);
  static JsonConfig load(const std::filesystem::path& path);

  bool has(const std::string& key) const;  // present and not null
  const nlohmann::json& json() const { return json_; }
  const std::filesystem::path& source() const { return source_; }

  template <typename T>
  T get(const std::string& key) const {
    if (!has(key)) throw Error("missing config key '" + key + "' in " + source_.string());
    return convert<T>(key);
  }
  template <typename T>
  T get_or(const std::string& key, T fallback) const {
    return has(key) ? convert<T>(key) : fallback;
  }
  // A key that may be a scalar or a per-block list (e.g. attention_head_dim): always a list
  // of `count` entries.
  std::vector<int64_t> get_int_list(const std::string& key, size_t count) const;
  std::vector<int64_t> get_int_list_or(const std::string& key, size_t count, int64_t fallback) const;
  // A nested object (vision_config, ...) as a config whose errors name the file and the
  // section ("config.json (vision_config)"); an absent optional section is an empty object.
  JsonConfig section(const std::string& key, bool required) const;

 private:
  template <typename T>
  T convert(const std::string& key) const {
    try {
      return json_.at(key).get<T>();
    } catch (const nlohmann::json::exception&) {
      throw Error("config key '" + key + "' in " + source_.string() + " has the wrong type: " +
                  printable_excerpt(json_.at(key).dump(), 80));
    }
  }
  nlohmann::json json_;
  std::filesystem::path source_;
};

}  // namespace partedit
