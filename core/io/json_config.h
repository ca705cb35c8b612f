#pragma once
// Typed access to a JSON config file (config.json, scheduler_config.json, ...) with errors
// that name the file and the key.
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include <nlohmann/json.hpp>

#include "runtime/error.h"
#include "runtime/message_text.h"

namespace partedit {

// Parses a JSON file; errors are ours ("<file> is not valid JSON (near byte N: '...')"),
// printable and bounded.
nlohmann::json read_json_file(const std::filesystem::path& path);

namespace json_config_detail {

template <typename T>
constexpr bool is_integer = std::is_integral_v<T> && !std::is_same_v<T, bool>;
template <typename T>
struct integer_items : std::false_type {};
template <typename U>
struct integer_items<std::vector<U>> : std::bool_constant<is_integer<U>> {
  using type = U;
};

// Whether `value` (a number, or an array of them) converts to the integer type T exactly.
// nlohmann's get<T> casts: 0.5 would become 0, true 1, 2^40 would wrap in an int, and 1e300
// is undefined behaviour.
template <typename T>
bool holds_exactly(const nlohmann::json& value) {
  using Limits = std::numeric_limits<T>;
  if (value.is_array()) {
    for (const auto& item : value)
      if (!holds_exactly<T>(item)) return false;
    return true;
  }
  if (value.is_boolean()) return false;
  if (value.is_number_unsigned()) return value.get<uint64_t>() <= static_cast<uint64_t>(Limits::max());
  if (value.is_number_integer()) {
    const int64_t v = value.get<int64_t>();
    return v >= 0 ? static_cast<uint64_t>(v) <= static_cast<uint64_t>(Limits::max())
                  : Limits::is_signed && v >= static_cast<int64_t>(Limits::min());
  }
  if (value.is_number_float()) {
    const double v = value.get<double>(), limit = std::ldexp(1.0, Limits::digits);  // 2^63 for int64_t
    return v == std::floor(v) && v < limit && v >= (Limits::is_signed ? -limit : 0.0);
  }
  return true;  // not a number: get<T> refuses it itself
}

}  // namespace json_config_detail

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
    namespace detail = json_config_detail;
    bool exact = true;
    if constexpr (detail::is_integer<T>) exact = detail::holds_exactly<T>(json_.at(key));
    if constexpr (detail::integer_items<T>::value)
      exact = detail::holds_exactly<typename detail::integer_items<T>::type>(json_.at(key));
    if (!exact)
      throw Error("config key '" + key + "' in " + source_.string() + " must be a whole number in range, not " +
                  printable_excerpt(json_.at(key).dump(), 80));
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
