// partedit-cli: the command line of the PartEdit engine.
#include <iostream>

#include <torch/version.h>

#include "partedit_build_info.h"
#include "cli_app.h"
#include "commands.h"
#include "runtime/error.h"
#include "runtime/error_text.h"
#include "runtime/threads.h"

namespace partedit::cli {

namespace {

// One line on stderr for any failure, in our words (runtime/error_text.h): never LibTorch's
// stack trace, which PARTEDIT_DEBUG=1 prints first. Returns the exit code.
int report_failure(const std::string& command, const std::exception_ptr& error) {
  const ErrorText e = describe_exception(error);
  const std::string prefix = "partedit-cli" + (command.empty() ? "" : " " + command) + ": ";
  if (debug_enabled() && e.kind != ErrorKind::Cancelled) std::cerr << prefix << "debug: " << debug_text(error) << "\n";
  switch (e.kind) {
    case ErrorKind::Cancelled: std::cerr << prefix << "cancelled\n"; return 130;
    case ErrorKind::Error: std::cerr << prefix << "error: " << e.message << "\n"; return 1;
    case ErrorKind::OutOfMemory:
      std::cerr << prefix << "error: " << e.message
                << "; use a smaller --width/--height (or --mask-size), fewer --steps, --dtype bf16 (CPU) or fp16 "
                   "(GPU), or a --device with more memory\n";
      return 1;
    case ErrorKind::Internal: break;
  }
  std::cerr << prefix << "internal error: " << e.message << (debug_enabled() ? "" : " (PARTEDIT_DEBUG=1 shows details)")
            << "\n";
  return 1;
}

// The command a word of the command line names ("" for none): errors are reported under it.
std::string command_named(CLI::App& root, const std::vector<std::string>& words) {
  if (words.empty()) return "";
  for (const CLI::App* command : root.get_subcommands([](const CLI::App*) { return true; }))
    if (command->get_name() == words.front()) return words.front();
  return "";
}

// A command line CLI11 could not parse. A missing command or subcommand shows the usage
// (exit code 2), and so does an unknown command; any other mistake is one error line.
int report_usage_error(CLI::App& root, const CLI::ParseError& error, const std::string& command_name) {
  CLI::App& command = innermost_command(root);
  if (error.get_name() == "RequiredError" && command.get_require_subcommand_min() > 0 &&
      command.get_subcommands().empty()) {
    if (command.remaining().empty()) {
      std::cerr << help_text(command);
      return 2;
    }
    if (&command == &root) {
      std::cerr << "partedit-cli: unknown command '" << command.remaining().front() << "'\n\n" << help_text(root);
      return 2;
    }
  }
  return report_failure(command_name, std::make_exception_ptr(Error(usage_error_text(error, root))));
}

}  // namespace

}  // namespace partedit::cli

int main(int argc, char** argv) {
  using namespace partedit;
  configure_runtime(argc, argv);  // BLAS kernels and thread count before any work
  CLI::App root("", "partedit-cli");
  cli::configure_root(root, std::string("partedit-cli ") + PARTEDIT_VERSION + " (LibTorch " + TORCH_VERSION + ")");
  cli::set_usage(root, "partedit-cli <command> [options]   (partedit-cli <command> --help; partedit-cli --version)");
  // In the order `partedit-cli --help` lists them.
  const std::vector<cli::Command> commands = {
      cli::add_inspect(root),   cli::add_generate(root), cli::add_edit(root),  cli::add_invert(root),
      cli::add_make_tiny_model(root), cli::add_tokens(root), cli::add_caption(root), cli::add_cache(root),
      cli::add_train_token(root), cli::add_locate(root), cli::add_eval(root), cli::add_batch(root),
  };

  std::vector<std::string> words(argv + 1, argv + argc);
  if (words.size() == 1 && words[0] == "help") words[0] = "--help";
  const std::string command_name = cli::command_named(root, words);
  try {
    cli::check_option_values(root, words);
    std::vector<std::string> reversed(words.rbegin(), words.rend());  // CLI11 takes them last first
    root.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    std::cout << cli::help_text(cli::innermost_command(root));
    return 0;
  } catch (const CLI::CallForVersion& version) {
    std::cout << version.what() << "\n";
    return 0;
  } catch (const CLI::ParseError& error) {
    return cli::report_usage_error(root, error, command_name);
  } catch (...) {
    return cli::report_failure(command_name, std::current_exception());
  }
  for (const auto& command : commands) {
    if (!command.app->parsed()) continue;
    try {
      return command.run();
    } catch (...) {
      return cli::report_failure(command_name, std::current_exception());
    }
  }
  return 2;  // require_subcommand(1) makes this unreachable
}
