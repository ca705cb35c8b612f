// partedit-cli make-tiny-model: writes a small random-weight diffusers folder (SDXL, SD 1.5
// or SD 2.1 structure) that every loader and pipeline accepts; for tests and benchmarks.
#include <filesystem>
#include <iostream>

#include "args.h"
#include "commands.h"
#include "models/tiny_model.h"
#include "runtime/error.h"

namespace partedit::cli {
namespace fs = std::filesystem;

int run_make_tiny_model(const CommandArgs& argv) {
  const std::vector<OptionSpec> specs = {
      {"family", true, false, "NAME  model structure: sdxl | sd15 | sd21"},
      {"out", true, false, "DIR  output folder (must be missing or empty)"},
      {"seed", true, false, "N  weight seed (default 0)"},
      {"widths", true, true, "LIST  UNet block_out_channels, e.g. --widths 64 128 256 (default 8 16 32, sd15/sd21 8 16 32 32)"},
      {"groups", true, false, "G  UNet norm_num_groups (default 8)"},
      {"size", true, false, "PX  image size in pixels, a multiple of 8 (default 128)"},
      {"help", false, false, "show this help"},
  };
  Args args(argv, specs);
  if (args.has("help")) {
    std::cout << format_help("partedit-cli make-tiny-model --family sdxl|sd15|sd21 --out DIR [--seed N] "
                             "[--widths A B C ...] [--groups G] [--size PX]",
                             specs);
    return 0;
  }
  if (!args.positional().empty()) throw Error("unexpected argument '" + args.positional()[0] + "' (see --help)");

  TinyModelOptions options;
  options.family = args.get("family");
  const int64_t seed = args.get_int64("seed", 0);
  if (seed < 0) throw Error("option --seed must be non-negative, got " + std::to_string(seed));
  options.seed = static_cast<uint64_t>(seed);
  for (const auto& w : args.get_list("widths")) {
    try {
      size_t used = 0;
      options.widths.push_back(std::stoll(w, &used));
      if (used != w.size()) throw std::invalid_argument(w);
    } catch (const std::exception&) {
      throw Error("option --widths expects whole numbers, got '" + w + "'");
    }
  }
  options.norm_num_groups = args.get_int64("groups", 8);
  const int64_t size = args.get_int64("size", 128);
  if (size < 8 || size % 8 != 0) throw Error("option --size must be a positive multiple of 8, got " + std::to_string(size));
  options.sample_size = size / 8;
  options = resolve_tiny_model_options(options);  // reject bad options before touching the disk

  const fs::path out = args.get("out");
  if (fs::exists(out)) {
    if (!fs::is_directory(out)) throw Error("--out " + out.string() + " exists and is not a folder");
    if (!fs::is_empty(out)) throw Error("--out " + out.string() + " is not empty; refusing to overwrite it");
  }
  const auto summary = write_tiny_model(options, out);

  std::cout << "wrote a tiny " << options.family << " model to " << out.string() << " (seed " << options.seed
            << ", " << size << "x" << size << " images, vocabulary " << summary.vocab_size << ")\n";
  int64_t total = 0;
  for (const auto& [component, count] : summary.parameters) {
    std::cout << "  " << component << std::string(component.size() < 16 ? 16 - component.size() : 1, ' ') << count
              << " parameters\n";
    total += count;
  }
  std::cout << "  total" << std::string(11, ' ') << total << " parameters\n";
  return 0;
}

}  // namespace partedit::cli
