#pragma once
// The one CLI11 application of partedit-cli: its help layout (usage line, aligned options
// with their ranges, choices and defaults, the command list), and command-line mistakes
// turned into one clear sentence each.
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace partedit::cli {

// The root application: -h/--help, --version and the help layout every command inherits.
// Call before the commands are added.
void configure_root(CLI::App& root, const std::string& version_text);

// The usage line(s) `command --help` shows instead of the generated one ("partedit-cli edit
// --model DIR ..."): for commands whose forms one generated line cannot tell.
void set_usage(CLI::App& command, const std::string& usage);

// The help of `command` as --help prints it.
std::string help_text(const CLI::App& command);

// The innermost command the parse reached (the root when none).
CLI::App& innermost_command(CLI::App& root);

// CLI11 takes the word after an option as its value even when that word is another option
// ("--steps --out o.png" would read "--out" as the steps): such a word, a missing value at
// the end, and a value given to a flag are refused here, before parsing. Throws Error.
void check_option_values(CLI::App& root, const std::vector<std::string>& words);

// The sentence for a parse error of CLI11 (an unknown option, a missing required option,
// a value out of range, ...) in partedit-cli's words.
std::string usage_error_text(const CLI::ParseError& error, CLI::App& root);

}  // namespace partedit::cli
