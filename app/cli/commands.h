#pragma once
// The commands of partedit-cli. Each lives in its own cmd_<name>.cpp, where add_<name>
// declares it (a subcommand of the root with its options, bound to the request it fills)
// and returns what runs it once the command line is parsed; errors are thrown as
// partedit::Error and reported by main().
#include <functional>
#include <vector>

namespace CLI {
class App;
}

namespace partedit::cli {

struct Command {
  CLI::App* app = nullptr;   // the declared subcommand
  std::function<int()> run;  // returns the process exit code
};

Command add_inspect(CLI::App& root);
Command add_generate(CLI::App& root);
Command add_edit(CLI::App& root);
Command add_invert(CLI::App& root);
Command add_make_tiny_model(CLI::App& root);
Command add_tokens(CLI::App& root);
Command add_caption(CLI::App& root);
Command add_cache(CLI::App& root);
Command add_train_token(CLI::App& root);
Command add_locate(CLI::App& root);
Command add_eval(CLI::App& root);
Command add_batch(CLI::App& root);

}  // namespace partedit::cli
