#include "cli_app.h"

#include <algorithm>
#include <map>
#include <memory>
#include <regex>
#include <sstream>

#include "runtime/error.h"
#include "runtime/text.h"

namespace partedit::cli {

namespace {

constexpr size_t kHelpWidth = 100;     // the help's line width
constexpr size_t kMaxColumn = 32;      // descriptions start at most here (longer names get a line of their own)

// `--name` or `--name=value`; a lone "--" and negative numbers are values.
bool is_long_option(const std::string& word) { return word.size() >= 3 && word.rfind("--", 0) == 0; }

std::string join(const std::vector<std::string>& items, const std::string& separator) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : separator) + item;
  return out;
}

// "partedit-cli tokens import": the names from the root down to `command`.
std::string command_path(const CLI::App& command) {
  const CLI::App* parent = command.get_parent();
  return parent ? command_path(*parent) + " " + command.get_name() : command.get_name();
}

std::vector<const CLI::App*> subcommands_of(const CLI::App& command) {
  const auto all = const_cast<CLI::App&>(command).get_subcommands([](const CLI::App*) { return true; });
  return {all.begin(), all.end()};
}

// The value name of an option ("DIR", "HIGH:LOW") and the descriptions of its
// checks ("1 to 1000", "ddim | euler"), which CLI11 joins as "DIR:1 to 1000".
std::pair<std::string, std::vector<std::string>> split_type_name(const CLI::Option& option) {
  auto& checked = const_cast<CLI::Option&>(option);  // CLI11 2.1 reads validators only through a mutable option
  std::vector<std::string> checks;
  for (int i = 0;; ++i) {
    std::string description;
    try {
      description = checked.get_validator(i)->get_description();
    } catch (const CLI::OptionNotFound&) {
      break;  // no further validator
    }
    if (!description.empty()) checks.push_back(description);
  }
  std::string value_name = option.get_type_name();
  std::string suffix;
  for (const auto& check : checks) suffix += ":" + check;
  if (value_name.size() >= suffix.size() && value_name.compare(value_name.size() - suffix.size(), suffix.size(), suffix) == 0)
    value_name.erase(value_name.size() - suffix.size());
  for (auto& check : checks)  // IsMember's "{ddim,euler}" reads "ddim | euler"
    if (check.size() >= 2 && check.front() == '{' && check.back() == '}') {
      std::string choices = check.substr(1, check.size() - 2);
      check.clear();
      for (char c : choices) check += c == ',' ? std::string(" | ") : std::string(1, c);
    }
  return {value_name.empty() ? "VALUE" : value_name, checks};
}

bool takes_value(const CLI::Option& option) { return option.get_expected_max() > 0; }

bool repeatable(const CLI::Option& option) {
  return takes_value(option) && option.get_items_expected_max() > 1 && option.nonpositional();
}

// `text` broken into lines of at most `width` characters at spaces.
std::vector<std::string> wrap(const std::string& text, size_t width) {
  std::vector<std::string> lines;
  std::string line;
  for (const std::string& word : split_words(text)) {
    if (!line.empty() && line.size() + 1 + word.size() > width) {
      lines.push_back(line);
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
  }
  if (!line.empty()) lines.push_back(line);
  return lines;
}

// Rows of a name column and a description column, aligned and wrapped to the help's width.
std::string aligned_rows(const std::vector<std::pair<std::string, std::string>>& rows) {
  size_t column = 0;
  for (const auto& [left, description] : rows) column = std::max(column, left.size() + 3);
  column = std::min(column, kMaxColumn);
  std::string out;
  for (const auto& [left, description] : rows) {
    const auto lines = wrap(description, kHelpWidth - column);
    out += left;
    if (left.size() + 2 > column && !lines.empty()) out += "\n" + std::string(column, ' ');
    else out += std::string(column - left.size(), ' ');
    for (size_t i = 0; i < lines.size(); ++i) out += (i ? "\n" + std::string(column, ' ') : "") + lines[i];
    out += "\n";
  }
  return out;
}

class HelpFormatter : public CLI::Formatter {
 public:
  void set_usage(const CLI::App* command, const std::string& usage) { usages_[command] = usage; }

  std::string make_help(const CLI::App* app, std::string, CLI::AppFormatMode) const override {
    std::ostringstream out;
    out << "usage: " << usage(*app) << "\n";
    if (!app->get_description().empty() && app->get_parent()) out << "\n" << app->get_description() << "\n";
    std::vector<const CLI::Option*> options = app->get_options([](const CLI::Option* o) { return o->nonpositional(); });
    // -h/--help last, after the command's own options.
    std::stable_partition(options.begin(), options.end(), [app](const CLI::Option* o) { return o != app->get_help_ptr(); });
    if (!options.empty()) {
      std::vector<std::pair<std::string, std::string>> rows;
      for (const CLI::Option* option : options) rows.push_back(option_row(*option));
      out << "\noptions:\n" << aligned_rows(rows);
    }
    const auto subcommands = subcommands_of(*app);
    if (!subcommands.empty()) {
      std::vector<std::pair<std::string, std::string>> rows;
      for (const CLI::App* sub : subcommands) {
        std::string left = "  " + sub->get_name();
        for (const CLI::Option* p : positionals(*sub)) left += " " + split_type_name(*p).first;
        rows.emplace_back(left, sub->get_description());
      }
      out << "\n" << (app->get_parent() ? "subcommands" : "commands") << ":\n" << aligned_rows(rows);
    }
    if (!app->get_footer().empty()) out << "\n" << app->get_footer() << "\n";
    return out.str();
  }

 private:
  std::map<const CLI::App*, std::string> usages_;

  static std::vector<const CLI::Option*> positionals(const CLI::App& app) {
    return app.get_options([](const CLI::Option* o) { return o->get_positional(); });
  }

  // The set usage, or: the command, its required options, its positionals, "[options]".
  std::string usage(const CLI::App& app) const {
    if (auto it = usages_.find(&app); it != usages_.end()) return it->second;
    std::string text = command_path(app);
    bool optional_options = false;
    for (const CLI::Option* o : app.get_options([](const CLI::Option* o) { return o->nonpositional(); })) {
      if (o->get_required()) text += " " + o->get_name() + " " + split_type_name(*o).first;
      else optional_options = true;
    }
    for (const CLI::Option* p : positionals(app)) text += " " + split_type_name(*p).first;
    if (!subcommands_of(app).empty()) text += " <" + std::string(app.get_parent() ? "subcommand" : "command") + ">";
    return text + (optional_options ? " [options]" : "");
  }

  // The option's names and value name, and its description with its checks and default.
  static std::pair<std::string, std::string> option_row(const CLI::Option& option) {
    std::string left = "  " + option.get_name(false, true);
    for (size_t comma = left.find(','); comma != std::string::npos; comma = left.find(',', comma + 2))
      left.replace(comma, 1, ", ");
    auto [value_name, notes] = split_type_name(option);
    if (takes_value(option)) {
      left += " " + value_name;
      if (option.get_allow_extra_args() && repeatable(option)) left += " ...";
    }
    if (!option.get_default_str().empty()) {
      std::string value = option.get_default_str();
      if (value.size() >= 2 && value.front() == '[' && value.back() == ']') {  // a list: "[8,16]" reads "8 16"
        value = value.substr(1, value.size() - 2);
        std::replace(value.begin(), value.end(), ',', ' ');
      }
      notes.push_back("default " + (value.empty() ? std::string("none") : value));
    }
    if (repeatable(option) && !option.get_allow_extra_args()) notes.push_back("repeatable");
    std::string description = option.get_description();
    if (!notes.empty()) description += " [" + join(notes, "; ") + "]";
    return {left, description};
  }
};

std::shared_ptr<HelpFormatter> formatter_of(const CLI::App& command) {
  return std::dynamic_pointer_cast<HelpFormatter>(command.get_formatter());
}

// The option `name` as `command` or, for a subcommand that passes unknown options up (cache
// clear), a parent knows it.
const CLI::Option* find_option(const CLI::App& command, const std::string& name) {
  for (const CLI::App* app = &command; app; app = app->get_parent()) {
    if (const CLI::Option* option = app->get_option_no_throw(name)) return option;
    if (!app->get_fallthrough()) break;
  }
  return nullptr;
}

// "unknown tokens subcommand 'remove' (tokens takes 'list', 'import' or 'inspect'; see --help)".
std::string unknown_subcommand_text(const CLI::App& command, const std::string& word) {
  std::vector<std::string> names;
  for (const CLI::App* sub : subcommands_of(command)) names.push_back("'" + sub->get_name() + "'");
  std::string choices = names.size() == 1 ? "only " + names[0] : names.front();
  for (size_t i = 1; i < names.size(); ++i) choices += (i + 1 == names.size() ? " or " : ", ") + names[i];
  return "unknown " + command.get_name() + " subcommand '" + word.substr(0, 40) + "' (" + command.get_name() +
         " takes " + choices + "; see --help)";
}

template <typename Kind>
bool is(const CLI::ParseError& error) {
  return dynamic_cast<const Kind*>(&error) != nullptr;
}

}  // namespace

void configure_root(CLI::App& root, const std::string& version_text) {
  root.formatter(std::make_shared<HelpFormatter>());
  root.set_help_flag("-h,--help", "show this help");
  root.set_version_flag("--version", version_text, "show the version");
  root.require_subcommand(1);
}

void set_usage(CLI::App& command, const std::string& usage) { formatter_of(command)->set_usage(&command, usage); }

std::string help_text(const CLI::App& command) { return formatter_of(command)->make_help(&command, "", {}); }

CLI::App& innermost_command(CLI::App& root) {
  CLI::App* command = &root;
  for (bool deeper = true; deeper;) {
    deeper = false;
    for (CLI::App* sub : command->get_subcommands())
      if (sub->parsed()) {
        command = sub;
        deeper = true;
        break;
      }
  }
  return *command;
}

void check_option_values(CLI::App& root, const std::vector<std::string>& words) {
  const CLI::App* command = &root;
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& word = words[i];
    if (word == "--") return;  // the rest are positional words
    if (!is_long_option(word)) {
      for (const CLI::App* sub : subcommands_of(*command))
        if (sub->get_name() == word) command = sub;
      continue;
    }
    const size_t equals = word.find('=');
    const std::string name = word.substr(0, equals);
    const CLI::Option* option = find_option(*command, name);
    if (!option) continue;  // CLI11 reports it as unknown
    if (!takes_value(*option)) {
      if (equals != std::string::npos) throw Error("option " + name + " takes no value");
      continue;
    }
    if (equals != std::string::npos) continue;
    if (i + 1 >= words.size()) throw Error("option " + name + " needs a value");
    if (is_long_option(words[i + 1]))
      throw Error("option " + name + " needs a value (a value that starts with -- is written " + name + "=VALUE)");
    ++i;
  }
}

std::string usage_error_text(const CLI::ParseError& error, CLI::App& root) {
  const CLI::App& command = innermost_command(root);
  const std::string text = error.what();
  std::smatch m;
  // The words no command took: the innermost command's, or a parent's it passed them to (cache clear).
  const CLI::App* holder = &command;
  while (holder->remaining().empty() && holder->get_parent()) holder = holder->get_parent();
  const std::vector<std::string> extra = holder->remaining();
  if (!extra.empty() && (is<CLI::ExtrasError>(error) || is<CLI::RequiredError>(error))) {
    const std::string& word = extra.front();
    if (word.size() >= 2 && word[0] == '-') return "unknown option " + word.substr(0, word.find('=')) + " (see --help)";
    if (holder == &command && !subcommands_of(command).empty()) return unknown_subcommand_text(command, word);
    return "unexpected argument '" + word.substr(0, 40) + "' (see --help)";
  }
  if (is<CLI::RequiredError>(error) && std::regex_match(text, m, std::regex("(-\\S+) is required")))
    return "missing required option " + m[1].str() + " (see --help)";
  if (is<CLI::ExcludesError>(error) && std::regex_match(text, m, std::regex("(\\S+) excludes (\\S+)")))
    return "give either " + m[1].str() + " or " + m[2].str() + ", not both";
  if (is<CLI::ArgumentMismatch>(error) && std::regex_search(text, m, std::regex("^(\\S+): At Most 1 ")))
    return "option " + m[1].str() + " given more than once";
  if (is<CLI::ConversionError>(error) &&
      std::regex_match(text, m, std::regex("Could not convert: (\\S+) = (.*)")))
    return "option " + m[1].str() + " expects a number, got '" + m[2].str() + "'";
  if (is<CLI::ValidationError>(error)) {
    if (std::regex_match(text, m, std::regex("(\\S+): (.*) not in \\{(.*)\\}"))) {  // CLI::IsMember
      std::vector<std::string> choices;
      std::stringstream list(m[3].str());
      for (std::string choice; std::getline(list, choice, ',');) choices.push_back(choice);
      return m[1].str() + " must be one of " + join(choices, ", ") + ", got '" + m[2].str() + "'";
    }
    if (std::regex_match(text, m, std::regex("(\\S+): ((must|expects) .*)"))) return m[1].str() + " " + m[2].str();
  }
  return text;
}

}  // namespace partedit::cli
