// partedit-cli inspect FILE|DIR: tensors (name, dtype, shape) of a safetensors file, or of
// every component of a model folder, with its configs; and the tensors holding NaN/Inf
// values (damaged weights make black images or a failed step: this names them).
#include <filesystem>
#include <iostream>
#include <vector>

#include <ATen/ATen.h>

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

// Counts the NaN and Inf values of every floating-point tensor, one tensor at a time (its
// pages dropped afterwards, so that a large checkpoint is read once, not held).
void report_non_finite(const SafetensorsFile& file) {
  constexpr size_t kListed = 20;
  size_t checked = 0;
  std::vector<std::string> damaged;
  for (const auto& e : file.entries()) {
    const c10::ScalarType type = scalar_type_from_safetensors(e.dtype);
    if (!at::isFloatingType(type)) continue;
    ++checked;
    at::Tensor values = file.view(e.name);
    if (type != at::kFloat && type != at::kDouble) values = values.to(at::kFloat);  // half types: no CPU kernels to rely on
    const bool finite = at::isfinite(values).all().item<bool>();
    if (!finite) {
      const int64_t nan = at::isnan(values).sum().item<int64_t>();
      const int64_t inf = at::isinf(values).sum().item<int64_t>();
      damaged.push_back(e.name + ": " + std::to_string(nan) + " NaN, " + std::to_string(inf) + " Inf of " +
                        std::to_string(values.numel()) + " values");
    }
    values = at::Tensor();
    file.release(e.name);
  }
  if (checked == 0) return;
  if (damaged.empty()) {
    std::cout << "  values: all finite (" << checked << " floating-point tensors)\n";
    return;
  }
  std::cout << "  non-finite values (NaN/Inf) in " << damaged.size() << " of " << checked
            << " floating-point tensors: the file is damaged (as weights, generation and edits stop at their first step)\n";
  for (size_t i = 0; i < damaged.size() && i < kListed; ++i) std::cout << "    " << damaged[i] << "\n";
  if (damaged.size() > kListed) std::cout << "    ... and " << damaged.size() - kListed << " more\n";
}

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
  report_non_finite(file);
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
      root.add_subcommand("inspect", "list the tensors and configs of a safetensors file or model folder, and tensors holding NaN/Inf");
  auto targets = std::make_shared<std::vector<std::string>>();
  command->add_option("target", *targets, "a safetensors file, a config (.json) or a model folder")
      ->type_name("FILE|DIR");
  return {command, [targets] { return inspect(*targets); }};
}

}  // namespace partedit::cli
