// partedit-cli train-token: learn a part token from images and painted masks
// (algorithm.md §5, core/training). A progress line per step and every validation go to
// stderr; checkpoints are written as it runs, so Ctrl-C stops cleanly (the last checkpoint
// kept, no token file written) and --resume continues exactly where it stopped.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli_common.h"
#include "commands.h"
#include "engine/engine.h"
#include "pipeline/diffusion_model.h"
#include "runtime/error.h"
#include "runtime/progress_clock.h"

namespace partedit::cli {
namespace fs = std::filesystem;

namespace {

std::vector<OptionSpec> train_options() {
  const TokenTrainingOptions d;
  const std::string pad(34, ' ');
  std::vector<OptionSpec> specs = {
      {"model", true, false, "PATH  diffusers model folder or single-file .safetensors checkpoint the token is for"},
      {"images", true, false, "DIR  training images (PNG, JPEG, WebP, TIFF), fitted to the model's working size"},
      {"masks", true, false, "DIR  one mask per image, same file name (any of those formats), same size as its\n" + pad +
                                 "image: the part white (or any bright colour, or opaque alpha), the rest black"},
      {"part", true, false, "NAME  the part's name, kebab-case (e.g. cat-ear)"},
      {"out", true, false, "FILE  the token (.safetensors), written only when training completes"},
      {"steps", true, false, "N  optimisation steps (default " + std::to_string(d.steps) + "; the paper uses 1000-2000)"},
      {"mode", true, false, "cached|exact  cached: the UNet runs once per image and timestep (default);\n" + pad +
                                "exact: back-propagate through the UNet every step (the paper's training)"},
      {"optimizer", true, false, "sgd|adam  (default sgd, as the paper's learning rate implies)"},
      {"lr", true, false, "F  learning rate (default 30 for sgd, 0.3 for adam); it decays x" +
                             nlohmann::json(d.lr_gamma).dump() + " every " + std::to_string(d.lr_step) + " steps"},
      {"timesteps", true, false, "HIGH:LOW  model timesteps, 0-999, inclusive (default " +
                                     std::to_string(d.timestep_high) + ":" + std::to_string(d.timestep_low) + ")"},
      {"timestep-stride", true, false, "N  distance between the timesteps used (default " +
                                           std::to_string(d.timestep_stride) + ")"},
      {"val-split", true, false, "F  share of the images held out for validation (default " +
                                     nlohmann::json(d.validation_split).dump() + "; at least one of 3 or more)"},
      {"validate-every", true, false, "N  steps between validations (default " + std::to_string(d.validate_every) + ")"},
      {"prompt", true, false, "TEXT  what conditions the UNet's pass (default: the empty prompt)"},
      {"seed", true, false, "N  seed of the initial token, the noise and the split (default 0)"},
      {"checkpoint", true, false, "FILE  where checkpoints go (default: next to --out, <name>.checkpoint.safetensors)"},
      {"resume", true, false, "CHECKPOINT  continue that run where it stopped (the same images and settings)"},
  };
  const auto loading = model_load_option_specs();
  specs.insert(specs.end(), loading.begin(), loading.end());
  append_run_option_specs(specs);
  return specs;
}

TokenTrainingOptions options_from_args(const Args& args) {
  TokenTrainingOptions o;
  o.part_name = args.get("part");
  o.steps = args.get_int64("steps", o.steps);
  o.mode = parse_training_mode(args.get_or("mode", training_mode_name(o.mode)));
  o.optimizer = parse_token_optimizer(args.get_or("optimizer", token_optimizer_name(o.optimizer)));
  o.learning_rate = args.get_double("lr", default_learning_rate(o.optimizer));
  if (args.has("timesteps")) parse_timestep_range(args.get("timesteps"), o.timestep_high, o.timestep_low);
  o.timestep_stride = args.get_int64("timestep-stride", o.timestep_stride);
  o.validation_split = args.get_double("val-split", o.validation_split);
  o.validate_every = args.get_int64("validate-every", o.validate_every);
  o.prompt = args.get_or("prompt", "");
  const int64_t seed = args.get_int64("seed", 0);
  if (seed < 0) throw Error("--seed must be >= 0, got " + std::to_string(seed));
  o.seed = static_cast<uint64_t>(seed);
  o.validate();
  return o;
}

char* fixed(double value, int digits) {
  static char text[64];
  std::snprintf(text, sizeof text, "%.*f", digits, value);
  return text;
}

}  // namespace

int run_train_token(const CommandArgs& argv) {
  const auto specs = train_options();
  Args args(argv, specs);
  if (args.has("help")) {
    std::cout << format_help("partedit-cli train-token --model DIR --images DIR --masks DIR --part NAME --out FILE "
                             "[options]",
                             specs);
    return 0;
  }
  reject_positional(args);

  // 1. Everything checkable without the model: options, outputs, every image and mask pair.
  for (const char* required : {"model", "images", "masks", "part", "out"})
    if (!args.has(required)) throw Error(std::string("--") + required + " is required (see --help)");
  const TokenTrainingOptions options = options_from_args(args);
  const fs::path out = args.get("out");
  check_output_path(out, {".safetensors"}, "out");
  fs::path checkpoint = args.has("resume") ? fs::path(args.get("resume"))
                        : args.has("checkpoint") ? fs::path(args.get("checkpoint"))
                                                 : out.parent_path() / (out.stem().string() + ".checkpoint.safetensors");
  if (args.has("resume") && args.has("checkpoint") && fs::path(args.get("checkpoint")) != checkpoint)
    throw Error("--resume continues writing to its own checkpoint; leave out --checkpoint");
  if (args.has("resume") && !fs::is_regular_file(checkpoint))
    throw Error("--resume " + checkpoint.string() + ": no such checkpoint");
  if (!args.has("resume") && fs::exists(checkpoint))
    throw Error("a checkpoint of an earlier run exists at " + checkpoint.string() + "; continue it with --resume " +
                checkpoint.string() + ", or delete it to start again");
  check_output_path(checkpoint, {".safetensors"}, "checkpoint");
  check_distinct_outputs(args, {"out", "checkpoint"}, {"model", "images", "masks"});
  TrainTokenJob job;
  job.pairs = pair_training_files(args.get("images"), args.get("masks"));
  check_training_pairs(job.pairs);
  job.options = options;
  job.checkpoint = checkpoint;
  job.resume = args.has("resume");
  const ComputeOptions compute = compute_options_from_args(args);

  // 2. The model, 3. training (interruptible).
  Engine engine;
  TrainingListener listener;
  listener.engine = stderr_listener();
  listener.engine.progress = {};  // the step lines below say more
  ProgressClock clock;
  double step_seconds = 0;
  int64_t steps_run = 0;
  listener.observer.step = [&](const TrainingStepReport& r) {
    step_seconds += r.seconds;
    ++steps_run;
    const auto e = clock.tick(static_cast<int>(r.step), static_cast<int>(r.steps));
    std::cerr << "step " << r.step << "/" << r.steps << ", loss " << fixed(r.loss, 5) << ", lr " << r.learning_rate
              << ", t " << r.timestep << ", " << fixed(e.seconds_per_step, 3) << " s/step, "
              << format_duration(e.remaining) << " left\n";
  };
  listener.observer.validation = [&](const ValidationReport& v) {
    std::cerr << "validation at step " << v.step << ": loss " << fixed(v.loss, 5) << ", mIoU " << fixed(v.miou, 3)
              << (v.on_training_images ? std::string(" (on the training images: fewer than 3 images, none held out)")
                                       : " (" + std::to_string(v.ious.size()) +
                                             (v.ious.size() == 1 ? " held-out image)" : " held-out images)"))
              << "\n";
  };
  listener.observer.checkpoint = [&](const fs::path& path, int64_t step) {
    std::cerr << "checkpoint " << path.string() << " (step " << step << ")\n";
  };
  DiffusionModel& model = engine.load_model(args.get("model"), compute, listener.engine, model_load_options_from_args(args));
  const auto after_load = std::chrono::steady_clock::now();
  CancelToken cancel;
  TrainTokenResult result;
  try {
    InterruptScope interrupt(cancel);
    result = engine.train_token(job, listener, cancel);
  } catch (const CancelledError&) {
    if (fs::exists(checkpoint))
      std::cerr << "stopped; " << checkpoint.string() << " keeps the last checkpoint: continue with --resume "
                << checkpoint.string() << "\n";
    throw;
  }

  // 4. The token (atomic).
  write_part_token(out, result.token);
  const auto& t = result.token.training;
  std::cout << "wrote " << out.string() << " (part '" << result.token.part_name << "', " << t.images << " images, "
            << t.steps << " steps, " << t.mode;
  if (t.validation_miou >= 0) std::cout << ", validation mIoU " << fixed(t.validation_miou, 3);
  std::cout << ")\n";
  if (args.has("timings")) {
    nlohmann::ordered_json fields;
    fields["load_s"] = model.load_seconds();
    fields["total_after_load_s"] =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - after_load).count();
    fields["steps"] = steps_run;
    fields["step_s"] = steps_run ? step_seconds / static_cast<double>(steps_run) : 0.0;
    print_timings(fields, compute);
  }
  return 0;
}

}  // namespace partedit::cli
