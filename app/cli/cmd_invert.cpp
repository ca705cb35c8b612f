// partedit-cli invert: LEdits++ inversion of a real photo (algorithm.md §4) into an inversion
// file, and --replay, which denoises an inversion file back into an image (what the edit's
// source path reproduces). Progress goes to stderr; stdout gets the written file and, with
// --timings, one JSON line last. Ctrl-C cancels between steps; nothing is written then.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <iterator>
#include <iostream>
#include <memory>

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include "cli_app.h"
#include "cli_common.h"
#include "commands.h"
#include "engine/engine.h"
#include "io/image_header.h"
#include "io/image_io.h"
#include "io/image_photo.h"
#include "io/safetensors.h"
#include "options.h"
#include "pipeline/diffusion_model.h"
#include "pipeline/generation_common.h"
#include "pipeline/inversion.h"
#include "runtime/error.h"
#include "runtime/progress_clock.h"
#include "runtime/elapsed.h"
#include "runtime/text.h"

namespace partedit::cli {
namespace fs = std::filesystem;

namespace {

struct InvertOptions {
  ModelOptions model;
  std::string image, replay, noise, out;
  InvertRequest request;  // prompt, source-guidance, steps, skip, scheduler and zero-noise-steps bound here
  int64_t seed = 0;
  RunOptions run;
};

at::Tensor read_noise(const fs::path& path) {
  if (!fs::is_regular_file(path)) throw Error("--noise " + path.string() + ": no such file");
  SafetensorsFile file(path);
  if (!file.contains("noise")) throw Error("--noise " + path.string() + " has no tensor named 'noise'");
  return file.tensor("noise");
}

// Everything checkable before loading the model.
InvertRequest request_from(const CLI::App& command, const InvertOptions& o) {
  InvertRequest r = o.request;
  // The reference zeroes at most all steps.
  if (command.count("--zero-noise-steps") == 0) r.zero_noise_steps = default_zero_noise_steps(r.steps);
  if (r.zero_noise_steps > r.steps)
    throw Error("--zero-noise-steps must be in [0, --steps], got " + std::to_string(r.zero_noise_steps));
  if (command.count("--seed") > 0) r.seed = static_cast<uint64_t>(o.seed);
  if (command.count("--noise") > 0) r.noise = read_noise(o.noise);
  return r;
}

int run_replay(const InvertOptions& o, Engine& engine, const ComputeOptions& compute, const fs::path& out_path) {
  const auto start = std::chrono::steady_clock::now();
  const auto inv = engine.load_inversion(o.replay);
  CancelToken cancel;
  Reconstruction rec;
  {
    InterruptScope interrupt(cancel);
    rec = engine.replay(*inv, stderr_listener(), cancel);
  }
  write_image(out_path, rec.image);
  std::cout << "wrote " << out_path.string() << " (" << inv->width << "x" << inv->height << ")\n";
  if (o.run.timings)
    print_timings(nlohmann::ordered_json{{"load", engine.model().load_seconds()}, {"denoise", seconds_since(start)}},
                  compute);
  return 0;
}

int invert(const CLI::App& command, const InvertOptions& o) {
  // 1. Everything that can be checked without the model.
  const fs::path out_path = o.out;
  const bool replay = command.count("--replay") > 0;
  check_distinct_outputs(given_paths(command, {"out"}), given_paths(command, {"model", "image", "noise", "replay"}));
  InvertRequest request;
  if (replay) {
    check_output_path(out_path, {".png", ".jpg", ".jpeg", ".webp"}, "out");
    if (!fs::is_regular_file(o.replay)) throw Error("--replay " + o.replay + ": no such file");
  } else {
    if (command.count("--image") == 0) throw Error("missing required option --image (or --replay FILE; see --help)");
    const fs::path image = o.image;
    check_photo_file(image.string());  // an unreadable photo fails before minutes of model loading
    check_output_path(out_path, {".safetensors"}, "out");
    request = request_from(command, o);
    request.source_image = image.filename().string();
    if (is_blank(request.prompt))
      std::cerr << "note: no source prompt was given (--prompt): the photo is inverted unconditionally, and edits "
                   "of this inversion will have an empty source prompt; give --prompt TEXT (partedit-cli caption "
                   "--model BLIP2_DIR --image FILE suggests one, or edit with --image and --caption-model)\n";
  }
  const ComputeOptions compute = o.run.compute();
  reset_peak_cuda_memory(compute.device);

  // 2. The model, then the photo at the model's working size (SDXL: a 1024² pixel budget).
  Engine engine;
  const EngineListener listener = stderr_listener(false);
  DiffusionModel& model = engine.load_model(o.model.folder, compute, listener, o.model.load);
  if (replay) return run_replay(o, engine, compute, out_path);
  const auto after_load = std::chrono::steady_clock::now();

  // 3. Invert, interruptible; 4. write atomically.
  CancelToken cancel;
  InvertResult inverted;
  {
    InterruptScope interrupt(cancel);
    inverted = engine.invert(o.image, request, listener, cancel);
  }
  const Inversion& inv = inverted.inversion;
  const std::vector<double>& step_seconds = inverted.step_seconds;
  save_inversion(out_path, inv);
  std::cout << "wrote " << out_path.string() << " (" << inv.width << "x" << inv.height << ", " << inv.steps
            << " steps of " << inv.total_steps << ", " << inv.scheduler;
  if (inv.noise_from_seed) std::cout << ", seed " << inv.seed;
  std::cout << ")\n";
  if (o.run.timings) {
    nlohmann::ordered_json t;
    t["load"] = model.load_seconds();
    t["encode"] = inv.timings.encode;
    t["invert"] = inv.timings.invert;
    t["invert_step_s"] = inv.timings.invert / inv.steps;
    t["invert_steps_s"] = step_seconds;
    t["total_after_load"] = seconds_since(after_load);
    print_timings(t, compute);
  }
  return 0;
}

}  // namespace

Command add_invert(CLI::App& root) {
  CLI::App* command =
      root.add_subcommand("invert", "invert a real photo (LEdits++) into an inversion file, or replay one");
  set_usage(*command,
            "partedit-cli invert --model DIR --image FILE --out INVERSION.safetensors [options]\n"
            "       partedit-cli invert --model DIR --replay INVERSION.safetensors --out IMAGE");
  auto o = std::make_shared<InvertOptions>();
  InvertRequest& r = o->request;
  add_model_options(*command, o->model);
  CLI::Option* image =
      command->add_option("--image", o->image,
                          "photo to invert: PNG, JPEG, WebP or TIFF, at most 100 MP; inverted at a size within the "
                          "model's native size squared (SDXL: 1024x1024), sides multiples of 8; small photos are "
                          "scaled up (SDXL: shorter side 256)")
          ->type_name("FILE");
  command->add_option("--prompt", r.prompt, "source prompt describing the photo (default: none = unconditional)")
      ->type_name("TEXT");
  command->add_option("--source-guidance", r.guidance, "guidance of the source prompt during inversion")
      ->type_name("G")
      ->check(number_at_least(0))
      ->capture_default_str();
  command->add_option("--steps", r.steps, "inversion steps kept")
      ->type_name("N")
      ->check(whole_in(1, RequestLimits::max_steps))
      ->capture_default_str();
  command->add_option("--skip", r.skip, "fraction of the noisiest steps skipped")
      ->type_name("F")
      ->check(fraction_below_one())
      ->capture_default_str();
  command->add_option("--scheduler", r.scheduler, "the inversion's scheduler")
      ->type_name("KIND")
      ->check(CLI::IsMember(inversion_scheduler_kinds()))
      ->capture_default_str();
  CLI::Option* seed = add_seed_option(*command, o->seed, "seed of the noising draws (default: random, reported)");
  CLI::Option* noise =
      command->add_option("--noise", o->noise, "safetensors with `noise` [steps, 1, C, h, w] draws")->type_name("FILE");
  seed->excludes(noise);
  command->add_option("--zero-noise-steps", r.zero_noise_steps, "last noise maps set to zero, at most --steps")
      ->type_name("N")
      ->check(whole_at_least(0))
      ->capture_default_str();
  command->add_option("--replay", o->replay, "denoise this inversion file back into --out IMAGE instead of inverting")
      ->type_name("FILE")
      ->excludes(image);
  command->add_option("--out", o->out, "the inversion (.safetensors); with --replay the image (.png, .jpg, .webp)")
      ->type_name("FILE")
      ->required();
  add_run_options(*command, o->run);
  return {command, [command, o] { return invert(*command, *o); }};
}

}  // namespace partedit::cli
