// partedit-cli: the command line of the PartEdit engine.
#include <cstring>
#include <iostream>

#include "commands.h"
#include "runtime/error.h"
#include "runtime/threads.h"

namespace partedit::cli {

const std::vector<Command>& all_commands() {
  static const std::vector<Command> commands = {
      {"inspect", "list the tensors and configs of a safetensors file or model folder", run_inspect},
      {"generate", "text-to-image: generate an image from a prompt", run_generate},
      {"edit", "PartEdit: change one part of a generated image, keep the rest", run_edit},
      {"invert", "invert a real photo (LEdits++) into an inversion file, or replay one", run_invert},
      {"make-tiny-model", "write a small random-weight SDXL / SD 1.5 / SD 2.1 model folder", run_make_tiny_model},
      {"tokens", "list, import (from the authors' .pt files) and inspect part tokens", run_tokens},
      {"caption", "describe a photo with a BLIP-2 model (the source prompt of a real-photo edit)", run_caption},
      {"cache", "show or clear the inversion cache of photo edits (its size, entries and limit)", run_cache},
  };
  return commands;
}

}  // namespace partedit::cli

int main(int argc, char** argv) {
  using namespace partedit;
  configure_runtime(argc, argv);  // BLAS kernels and thread count before any work
  const auto& commands = cli::all_commands();
  auto usage = [&](std::ostream& out) {
    out << "usage: partedit-cli <command> [options]   (partedit-cli <command> --help)\n\ncommands:\n";
    for (const auto& c : commands) out << "  " << c.name << std::string(18 - std::strlen(c.name), ' ') << c.summary << "\n";
  };
  if (argc < 2) {
    usage(std::cerr);
    return 2;
  }
  const std::string name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    usage(std::cout);
    return 0;
  }
  for (const auto& c : commands) {
    if (name != c.name) continue;
    try {
      return c.run(cli::CommandArgs(argv + 2, argv + argc));
    } catch (const CancelledError&) {
      std::cerr << "partedit-cli " << name << ": cancelled\n";
      return 130;
    } catch (const Error& e) {
      std::cerr << "partedit-cli " << name << ": error: " << e.what() << "\n";
      return 1;
    } catch (const std::exception& e) {
      std::cerr << "partedit-cli " << name << ": internal error: " << e.what() << "\n";
      return 1;
    }
  }
  std::cerr << "partedit-cli: unknown command '" << name << "'\n";
  usage(std::cerr);
  return 2;
}
