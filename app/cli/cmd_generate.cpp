// partedit-cli generate: text-to-image with a diffusers model folder (architecture.md,
// "The command line"). Progress goes to stderr; stdout gets the written files and, with
// --timings, one JSON line of stage timings last. Ctrl-C cancels between steps.
#include <chrono>
#include <iostream>

#include "cli_common.h"
#include "commands.h"
#include "engine/engine.h"
#include "io/image_io.h"
#include "io/safetensors.h"
#include "pipeline/diffusion_model.h"
#include "runtime/error.h"

namespace partedit::cli {
namespace fs = std::filesystem;

namespace {

std::vector<OptionSpec> generate_options() {
  auto specs = generation_option_specs();
  specs.insert(specs.end(), {
      {"out", true, false, "IMAGE  output image: .png, .jpg, .jpeg or .webp"},
      {"save-latents", true, false, "FILE  write the final latents as safetensors (`latents`)"},
      {"timings", false, false, "print stage timings as one JSON object, the last line of stdout"},
      {"help", false, false, "show this help"},
  });
  return specs;
}

}  // namespace

int run_generate(const CommandArgs& argv) {
  const auto specs = generate_options();
  Args args(argv, specs);
  if (args.has("help")) {
    std::cout << format_help("partedit-cli generate --model DIR --prompt TEXT --out IMAGE [options]", specs);
    return 0;
  }
  reject_positional(args);

  // 1. Everything that can be checked without the model.
  if (!args.has("prompt")) throw Error("--prompt TEXT is required (an empty text generates unconditionally)");
  GenerateRequest request = generation_request_from_args(args);
  const fs::path out_path = args.get("out");
  check_output_path(out_path, {".png", ".jpg", ".jpeg", ".webp"}, "out");
  const std::string save_latents = args.get_or("save-latents", "");
  if (!save_latents.empty()) check_output_path(save_latents, {".safetensors"}, "save-latents");
  check_distinct_outputs(args, {"out", "save-latents"}, {"model", "init-latents"});
  const ComputeOptions compute = compute_options_from_args(args);
  reset_peak_cuda_memory(compute.device);

  // 2. The model, 3. generation (interruptible).
  Engine engine;
  const EngineListener listener = stderr_listener();
  DiffusionModel& model = engine.load_model(args.get("model"), compute, listener, model_load_options_from_args(args));
  fill_size_from_latents(model, request);
  const auto after_load = std::chrono::steady_clock::now();
  CancelToken cancel;
  GenerateResult result;
  {
    InterruptScope interrupt(cancel);
    result = engine.generate(request, listener, cancel);
  }

  // 4. Outputs (all written atomically).
  write_image(out_path, result.image, result.parameters);
  std::cout << "wrote " << out_path.string() << " (" << result.width << "x" << result.height;
  if (result.noise_from_seed) std::cout << ", seed " << result.seed;
  std::cout << ")\n";
  if (!save_latents.empty()) {
    write_safetensors(save_latents, {{"latents", result.latents}}, {{"parameters", result.parameters}});
    std::cout << "wrote " << save_latents << "\n";
  }
  if (args.has("timings")) print_timings(stage_times(model, result.timings, after_load), compute);
  return 0;
}

}  // namespace partedit::cli
