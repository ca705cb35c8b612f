#pragma once
// A small command-line parser for `partedit-cli <command> [options]`: options are
// `--name value`, `--flag`, repeatable options, and positional arguments. Unknown options
// are an error (a typo must not be silently ignored), and so is an option whose value is
// missing because another option follows it. `-h` means `--help` where there is one.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace partedit::cli {

struct OptionSpec {
  std::string name;  // without the leading "--"
  bool takes_value = true;
  bool repeatable = false;
  std::string help;  // "VALUE  what it does"
};

class Args {
 public:
  // Throws partedit::Error with a message on an unknown option or a missing value.
  Args(const std::vector<std::string>& argv, const std::vector<OptionSpec>& specs);

  bool has(const std::string& name) const;
  std::string get(const std::string& name) const;  // throws if absent
  std::string get_or(const std::string& name, const std::string& fallback) const;
  std::vector<std::string> get_all(const std::string& name) const;
  int get_int(const std::string& name, int fallback) const;
  int64_t get_int64(const std::string& name, int64_t fallback) const;
  double get_double(const std::string& name, double fallback) const;
  std::vector<std::string> get_list(const std::string& name) const;  // values after the option until the next option
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  std::map<std::string, std::vector<std::string>> values_;
  std::vector<std::string> positional_;
};

std::string format_help(const std::string& usage, const std::vector<OptionSpec>& specs);

}  // namespace partedit::cli
