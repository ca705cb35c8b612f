// partedit-cli: the command line of the PartEdit engine.
#include <cstring>
#include <iostream>

#include <torch/version.h>

#include "commands.h"
#include "runtime/error_text.h"
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
      {"train-token", "learn a new part token from images and their part masks", run_train_token},
      {"locate", "find a part token's part in an image and write it as a mask", run_locate},
  };
  return commands;
}

namespace {

// One line on stderr for any failure, in our words (runtime/error_text.h): never LibTorch's
// stack trace, which PARTEDIT_DEBUG=1 prints first. Returns the exit code.
int report_failure(const std::string& command, const std::exception_ptr& error) {
  const ErrorText e = describe_exception(error);
  const std::string prefix = "partedit-cli " + command + ": ";
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

}  // namespace

}  // namespace partedit::cli

int main(int argc, char** argv) {
  using namespace partedit;
  configure_runtime(argc, argv);  // BLAS kernels and thread count before any work
  const auto& commands = cli::all_commands();
  auto usage = [&](std::ostream& out) {
    out << "usage: partedit-cli <command> [options]   (partedit-cli <command> --help; partedit-cli --version)\n\n"
           "commands:\n";
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
  if (name == "--version") {
    std::cout << "partedit-cli " << PARTEDIT_VERSION << " (LibTorch " << TORCH_VERSION << ")\n";
    return 0;
  }
  for (const auto& c : commands) {
    if (name != c.name) continue;
    try {
      return c.run(cli::CommandArgs(argv + 2, argv + argc));
    } catch (...) {
      return cli::report_failure(name, std::current_exception());
    }
  }
  std::cerr << "partedit-cli: unknown command '" << name << "'\n";
  usage(std::cerr);
  return 2;
}
