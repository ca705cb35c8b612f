#include "args.h"

#include <sstream>

#include "runtime/error.h"

namespace partedit::cli {

Args::Args(const std::vector<std::string>& argv, const std::vector<OptionSpec>& specs) {
  std::map<std::string, const OptionSpec*> by_name;
  for (const auto& s : specs) by_name[s.name] = &s;
  // A word that starts an option: "--name" or "--name=value" (a lone "--" is a value).
  const auto is_option = [](const std::string& word) { return word.size() >= 3 && word.rfind("--", 0) == 0; };
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& arg = argv[i] == "-h" && by_name.count("help") ? std::string("--help") : argv[i];
    if (!is_option(arg)) {
      positional_.push_back(arg);
      continue;
    }
    std::string name = arg.substr(2);
    std::optional<std::string> inline_value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      inline_value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    auto it = by_name.find(name);
    if (it == by_name.end()) throw Error("unknown option --" + name + " (see --help)");
    const OptionSpec& spec = *it->second;
    auto& slot = values_[name];
    if (!slot.empty() && !spec.repeatable && spec.takes_value)
      throw Error("option --" + name + " given more than once");
    if (!spec.takes_value) {
      if (inline_value) throw Error("option --" + name + " takes no value");
      slot.push_back("1");
      continue;
    }
    if (inline_value) {
      slot.push_back(*inline_value);
      continue;
    }
    // "--steps --out o.png": the next option is not --steps' value.
    if (i + 1 >= argv.size() || is_option(argv[i + 1]))
      throw Error("option --" + name + " needs a value" +
                  (i + 1 < argv.size() ? " (a value that starts with -- is written --" + name + "=VALUE)" : ""));
    slot.push_back(argv[++i]);
    // A list option (--widths 64 128 256) takes the following non-option words too.
    if (spec.repeatable && spec.help.rfind("LIST", 0) == 0)
      while (i + 1 < argv.size() && argv[i + 1].rfind("--", 0) != 0) slot.push_back(argv[++i]);
  }
}

bool Args::has(const std::string& name) const { return values_.count(name) > 0; }

std::string Args::get(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end() || it->second.empty()) throw Error("missing required option --" + name);
  return it->second.back();
}

std::string Args::get_or(const std::string& name, const std::string& fallback) const {
  return has(name) ? get(name) : fallback;
}

std::vector<std::string> Args::get_all(const std::string& name) const {
  auto it = values_.find(name);
  return it == values_.end() ? std::vector<std::string>{} : it->second;
}

std::vector<std::string> Args::get_list(const std::string& name) const { return get_all(name); }

namespace {
template <typename T, typename Parse>
T parse_number(const std::string& name, const std::string& text, Parse parse) {
  try {
    size_t used = 0;
    T value = parse(text, &used);
    if (used != text.size()) throw std::invalid_argument(text);
    return value;
  } catch (const std::exception&) {
    throw Error("option --" + name + " expects a number, got '" + text + "'");
  }
}
}  // namespace

int Args::get_int(const std::string& name, int fallback) const {
  if (!has(name)) return fallback;
  return parse_number<int>(name, get(name), [](const std::string& s, size_t* n) { return std::stoi(s, n); });
}

int64_t Args::get_int64(const std::string& name, int64_t fallback) const {
  if (!has(name)) return fallback;
  return parse_number<int64_t>(name, get(name), [](const std::string& s, size_t* n) { return std::stoll(s, n); });
}

double Args::get_double(const std::string& name, double fallback) const {
  if (!has(name)) return fallback;
  return parse_number<double>(name, get(name), [](const std::string& s, size_t* n) { return std::stod(s, n); });
}

std::string format_help(const std::string& usage, const std::vector<OptionSpec>& specs) {
  std::ostringstream out;
  out << "usage: " << usage << "\n\noptions:\n";
  for (const auto& s : specs) {
    std::string left = "  --" + s.name;
    std::string help = s.help;
    if (s.takes_value) {
      auto space = help.find("  ");
      if (space != std::string::npos) {
        left += " " + help.substr(0, space);
        help = help.substr(space + 2);
      }
    }
    out << left;
    out << std::string(left.size() < 34 ? 34 - left.size() : 1, ' ') << help << "\n";
  }
  return out.str();
}

}  // namespace partedit::cli
