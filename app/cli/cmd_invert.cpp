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

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include "cli_common.h"
#include "commands.h"
#include "engine/engine.h"
#include "io/image_header.h"
#include "io/image_io.h"
#include "io/image_photo.h"
#include "io/safetensors.h"
#include "pipeline/diffusion_model.h"
#include "pipeline/generation_common.h"
#include "pipeline/inversion.h"
#include "runtime/error.h"
#include "runtime/progress_clock.h"

namespace partedit::cli {
namespace fs = std::filesystem;

namespace {

std::vector<OptionSpec> invert_options() {
  std::vector<OptionSpec> specs = {
      {"model", true, false, "PATH  diffusers model folder (model_index.json, unet/, vae/, ...) or single-file .safetensors checkpoint"},
      {"image", true, false, "FILE  photo to invert: PNG, JPEG, WebP or TIFF, at most 100 MP; inverted at a size\n"
                             + std::string(34, ' ') + "within the model's native size squared (SDXL: 1024x1024), sides\n"
                             + std::string(34, ' ') + "multiples of 8; small photos are scaled up (SDXL: shorter side 256)"},
      {"prompt", true, false, "TEXT  source prompt describing the photo (default: none = unconditional)"},
      {"source-guidance", true, false, "G  guidance of the source prompt during inversion (default 3.5)"},
      {"steps", true, false, "N  inversion steps kept (default 50)"},
      {"skip", true, false, "F  fraction of the noisiest steps skipped, in [0, 1) (default 0.15)"},
      {"scheduler", true, false, "KIND  dpmpp-sde | ddim (default dpmpp-sde)"},
      {"seed", true, false, "N  seed of the noising draws (default: random, reported)"},
      {"noise", true, false, "FILE  safetensors with `noise` [steps, 1, C, h, w] draws (instead of --seed)"},
      {"zero-noise-steps", true, false, "N  last noise maps set to zero, in [0, steps] (default 3, at most steps)"},
      {"replay", true, false, "FILE  denoise this inversion file back into --out IMAGE instead of inverting"},
  };
  const auto loading = model_load_option_specs();
  specs.insert(specs.end(), loading.begin(), loading.end());
  const auto compute = compute_option_specs();
  specs.insert(specs.end(), compute.begin(), compute.end());
  specs.insert(specs.end(), {
      {"out", true, false, "FILE  the inversion (.safetensors); with --replay the image (.png, .jpg, .webp)"},
      {"timings", false, false, "print stage timings as one JSON object, the last line of stdout"},
      {"help", false, false, "show this help"},
  });
  return specs;
}

at::Tensor read_noise(const fs::path& path) {
  if (!fs::is_regular_file(path)) throw Error("--noise " + path.string() + ": no such file");
  SafetensorsFile file(path);
  if (!file.contains("noise")) throw Error("--noise " + path.string() + " has no tensor named 'noise'");
  return file.tensor("noise");
}

// Everything checkable before loading the model.
InvertRequest request_from_args(const Args& args) {
  const InvertRequest defaults;
  InvertRequest r;
  r.prompt = args.get_or("prompt", "");
  r.guidance = args.get_double("source-guidance", defaults.guidance);
  r.steps = args.get_int("steps", defaults.steps);
  r.skip = args.get_double("skip", defaults.skip);
  r.scheduler = args.get_or("scheduler", defaults.scheduler);
  // The reference zeroes at most all steps.
  r.zero_noise_steps = args.get_int("zero-noise-steps", std::min(defaults.zero_noise_steps, r.steps));
  if (r.steps < 1) throw Error("--steps must be at least 1, got " + std::to_string(r.steps));
  if (r.steps > RequestLimits::max_steps)
    throw Error("--steps must be at most " + std::to_string(RequestLimits::max_steps) + ", got " + std::to_string(r.steps));
  if (!(r.skip >= 0.0 && r.skip < 1.0)) throw Error("--skip must be in [0, 1), got " + args.get("skip"));
  if (!std::isfinite(r.guidance) || r.guidance < 0) throw Error("--source-guidance must be a finite number >= 0");
  if (r.zero_noise_steps < 0 || r.zero_noise_steps > r.steps)
    throw Error("--zero-noise-steps must be in [0, --steps], got " + std::to_string(r.zero_noise_steps));
  if (r.scheduler != "dpmpp-sde" && r.scheduler != "ddim")
    throw Error("--scheduler '" + r.scheduler + "' cannot invert (use dpmpp-sde or ddim)");
  r.seed = seed_from_args(args, "noise");
  if (args.has("noise")) r.noise = read_noise(args.get("noise"));
  return r;
}

int run_replay(const Args& args, Engine& engine, const ComputeOptions& compute, const fs::path& out_path) {
  const auto start = std::chrono::steady_clock::now();
  const auto inv = engine.load_inversion(args.get("replay"));
  CancelToken cancel;
  Reconstruction rec;
  {
    InterruptScope interrupt(cancel);
    rec = engine.replay(*inv, stderr_listener(), cancel);
  }
  write_image(out_path, rec.image);
  std::cout << "wrote " << out_path.string() << " (" << inv->width << "x" << inv->height << ")\n";
  if (args.has("timings"))
    print_timings(nlohmann::ordered_json{{"load", engine.model().load_seconds()}, {"denoise", seconds_since(start)}},
                  compute);
  return 0;
}

}  // namespace

int run_invert(const CommandArgs& argv) {
  const auto specs = invert_options();
  Args args(argv, specs);
  if (args.has("help")) {
    std::cout << format_help("partedit-cli invert --model DIR --image FILE --out INVERSION.safetensors [options]\n"
                             "       partedit-cli invert --model DIR --replay INVERSION.safetensors --out IMAGE",
                             specs);
    return 0;
  }
  reject_positional(args);

  // 1. Everything that can be checked without the model.
  args.get("model");  // required: fail before the photo is read
  const fs::path out_path = args.get("out");
  const bool replay = args.has("replay");
  check_distinct_outputs(args, {"out"}, {"model", "image", "noise", "replay"});
  InvertRequest request;
  if (replay) {
    if (args.has("image")) throw Error("give either --image (invert) or --replay (denoise an inversion), not both");
    check_output_path(out_path, {".png", ".jpg", ".jpeg", ".webp"}, "out");
    if (!fs::is_regular_file(args.get("replay"))) throw Error("--replay " + args.get("replay") + ": no such file");
  } else {
    const fs::path image = args.get("image");
    check_photo_file(image.string());  // an unreadable photo fails before minutes of model loading
    check_output_path(out_path, {".safetensors"}, "out");
    request = request_from_args(args);
    request.source_image = image.filename().string();
    if (blank(request.prompt))
      std::cerr << "note: no source prompt was given (--prompt): the photo is inverted unconditionally, and edits "
                   "of this inversion will have an empty source prompt; give --prompt TEXT (partedit-cli caption "
                   "--model BLIP2_DIR --image FILE suggests one, or edit with --image and --caption-model)\n";
  }
  const ComputeOptions compute = compute_options_from_args(args);
  reset_peak_cuda_memory(compute.device);

  // 2. The model, then the photo at the model's working size (SDXL: a 1024² pixel budget).
  Engine engine;
  const EngineListener listener = stderr_listener(false);
  DiffusionModel& model = engine.load_model(args.get("model"), compute, listener, model_load_options_from_args(args));
  if (replay) return run_replay(args, engine, compute, out_path);
  const auto after_load = std::chrono::steady_clock::now();

  // 3. Invert, interruptible; 4. write atomically.
  CancelToken cancel;
  InvertResult inverted;
  {
    InterruptScope interrupt(cancel);
    inverted = engine.invert(args.get("image"), request, listener, cancel);
  }
  const Inversion& inv = inverted.inversion;
  const std::vector<double>& step_seconds = inverted.step_seconds;
  save_inversion(out_path, inv);
  std::cout << "wrote " << out_path.string() << " (" << inv.width << "x" << inv.height << ", " << inv.steps
            << " steps of " << inv.total_steps << ", " << inv.scheduler;
  if (inv.noise_from_seed) std::cout << ", seed " << inv.seed;
  std::cout << ")\n";
  if (args.has("timings")) {
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

}  // namespace partedit::cli
