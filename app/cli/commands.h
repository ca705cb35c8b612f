#pragma once
// The subcommands of partedit-cli. Each lives in its own cmd_<name>.cpp and returns the
// process exit code; errors are thrown as partedit::Error and reported by main().
#include <string>
#include <vector>

namespace partedit::cli {

using CommandArgs = std::vector<std::string>;  // the words after the command name

struct Command {
  const char* name;
  const char* summary;
  int (*run)(const CommandArgs& args);
};

int run_inspect(const CommandArgs& args);
int run_generate(const CommandArgs& args);
int run_edit(const CommandArgs& args);
int run_invert(const CommandArgs& args);
int run_make_tiny_model(const CommandArgs& args);
int run_tokens(const CommandArgs& args);
int run_caption(const CommandArgs& args);
int run_cache(const CommandArgs& args);
int run_train_token(const CommandArgs& args);
int run_locate(const CommandArgs& args);

// All commands in the order `partedit-cli --help` lists them.
const std::vector<Command>& all_commands();

}  // namespace partedit::cli
