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
#include "options.h"
#include "pipeline/diffusion_model.h"
#include "runtime/error.h"

namespace partedit::cli {
namespace fs = std::filesystem;

namespace {

struct GenerateOptions {
  ModelOptions model;
  ImageGenerationOptions generation;
  std::string out, save_latents;
  RunOptions run;
};

int generate(const CLI::App& command, const GenerateOptions& o) {
  // 1. Everything that can be checked without the model.
  GenerateRequest request = o.generation.checked_request();
  const fs::path out_path = o.out;
  check_output_path(out_path, {".png", ".jpg", ".jpeg", ".webp"}, "out");
  const std::string& save_latents = o.save_latents;
  if (!save_latents.empty()) check_output_path(save_latents, {".safetensors"}, "save-latents");
  check_distinct_outputs(given_paths(command, {"out", "save-latents"}), given_paths(command, {"model", "init-latents"}));
  const ComputeOptions compute = o.run.compute();
  reset_peak_cuda_memory(compute.device);

  // 2. The model, 3. generation (interruptible).
  Engine engine;
  const EngineListener listener = stderr_listener();
  DiffusionModel& model = engine.load_model(o.model.folder, compute, listener, o.model.load);
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
  if (o.run.timings) print_timings(stage_times(model, result.timings, after_load), compute);
  return 0;
}

}  // namespace

Command add_generate(CLI::App& root) {
  CLI::App* command = root.add_subcommand("generate", "text-to-image: generate an image from a prompt");
  auto o = std::make_shared<GenerateOptions>();
  add_model_options(*command, o->model);
  add_generation_options(*command, o->generation);
  o->generation.prompt->required()->description("the prompt (an empty text generates unconditionally)");
  command->add_option("--out", o->out, "output image: .png, .jpg, .jpeg or .webp")->type_name("IMAGE")->required();
  command->add_option("--save-latents", o->save_latents, "write the final latents as safetensors (`latents`)")
      ->type_name("FILE");
  add_run_options(*command, o->run);
  return {command, [command, o] { return generate(*command, *o); }};
}

}  // namespace partedit::cli
