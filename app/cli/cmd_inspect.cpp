// partedit-cli inspect FILE|DIR: tensors (name, dtype, shape) of a safetensors file, or of
// every component of a model folder, with its configs.
#include <filesystem>
#include <iostream>

#include "commands.h"
#include "io/json_config.h"
#include "io/safetensors.h"
#include "models/checkpoint_layout.h"
#include "pipeline/single_file_checkpoint.h"
#include "options.h"
#include "runtime/error.h"

namespace partedit::cli {
namespace fs = std::filesystem;

namespace {

void print_file(const fs::path& path) {
  SafetensorsFile file(path);
  std::cout << "# " << path.string() << "  (" << file.entries().size() << " tensors)\n";
  for (const auto& [key, value] : file.metadata()) std::cout << "  metadata " << key << " = " << value << "\n";
  uint64_t total = 0;
  for (const auto& e : file.entries()) {
    std::cout << "  " << e.name << "  " << e.dtype << "  [";
    for (size_t i = 0; i < e.shape.size(); ++i) std::cout << (i ? ", " : "") << e.shape[i];
    std::cout << "]\n";
    total += e.end - e.begin;
  }
  std::cout << "  total " << total << " bytes\n";
  // A single-file checkpoint: the family its keys say, and the shipped configs it would use.
  if (const auto family = detect_checkpoint_family(file))
    std::cout << "  single-file checkpoint: " << checkpoint_family_name(*family) << ", shipped configs "
              << shipped_shape_name(*family, "")
              << (*family == CheckpointFamily::SD2 ? " (sd-2.x-512-base with --prediction-type epsilon)" : "") << "\n";
}

void print_config(const fs::path& path) {
  std::cout << "# " << path.string() << "\n" << read_json_file(path).dump(2) << "\n";
}

int inspect(const std::vector<std::string>& targets) {
  if (targets.size() != 1) throw Error("inspect takes exactly one file or folder (see --help)");
  const fs::path target = targets[0];
  if (!fs::exists(target)) throw Error("no such file or folder: " + target.string());
  if (fs::is_regular_file(target)) {
    if (target.extension() == ".json")
      print_config(target);
    else
      print_file(target);
    return 0;
  }
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(target))
    if (entry.is_regular_file()) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  bool any = false;
  for (const auto& f : files) {
    const auto name = f.filename().string();
    if (f.extension() == ".safetensors") {
      print_file(f);
      any = true;
    } else if (name == "config.json" || name == "scheduler_config.json" || name == "model_index.json" ||
               name.size() > 11 && name.substr(name.size() - 11) == ".index.json") {
      print_config(f);
      any = true;
    }
  }
  if (!any) throw Error("no safetensors files or configs in " + target.string());
  return 0;
}

}  // namespace

Command add_inspect(CLI::App& root) {
  CLI::App* command =
      root.add_subcommand("inspect", "list the tensors and configs of a safetensors file or model folder");
  auto targets = std::make_shared<std::vector<std::string>>();
  command->add_option("target", *targets, "a safetensors file, a config (.json) or a model folder")
      ->type_name("FILE|DIR");
  return {command, [targets] { return inspect(*targets); }};
}

}  // namespace partedit::cli
