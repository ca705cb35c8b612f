// partedit-cli train-token: learn a part token from images and painted masks
// (algorithm.md §5, core/training). A progress line per step and every validation go to
// stderr; checkpoints are written as it runs, so Ctrl-C stops cleanly (the last checkpoint
// kept, no token file written) and --resume continues exactly where it stopped.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "cli_common.h"
#include "commands.h"
#include "engine/engine.h"
#include "options.h"
#include "pipeline/diffusion_model.h"
#include "runtime/error.h"
#include "runtime/progress_clock.h"

namespace partedit::cli {
namespace fs = std::filesystem;

namespace {

struct TrainOptions {
  ModelOptions model;
  std::string images, masks, out, checkpoint, resume;
  TokenTrainingOptions training;  // part, steps, timestep-stride, val-split, validate-every and prompt bound here
  std::string mode = training_mode_name(training.mode);
  std::string optimizer = token_optimizer_name(training.optimizer);
  std::string timesteps = std::to_string(training.timestep_high) + ":" + std::to_string(training.timestep_low);
  int64_t seed = static_cast<int64_t>(training.seed);
  RunOptions run;
};

// The training options checked (TokenTrainingOptions::validate names the option at fault).
TokenTrainingOptions training_options(const CLI::App& command, const TrainOptions& o) {
  TokenTrainingOptions t = o.training;
  t.mode = parse_training_mode(o.mode);
  t.optimizer = parse_token_optimizer(o.optimizer);
  if (command.count("--lr") == 0) t.learning_rate = default_learning_rate(t.optimizer);
  parse_timestep_range(o.timesteps, t.timestep_high, t.timestep_low);
  t.seed = static_cast<uint64_t>(o.seed);
  t.validate();
  return t;
}

char* fixed(double value, int digits) {
  static char text[64];
  std::snprintf(text, sizeof text, "%.*f", digits, value);
  return text;
}


int train_token(const CLI::App& command, const TrainOptions& o) {
  // 1. Everything checkable without the model: options, outputs, every image and mask pair.
  const TokenTrainingOptions options = training_options(command, o);
  const fs::path out = o.out;
  check_output_path(out, {".safetensors"}, "out");
  const bool resume = command.count("--resume") > 0;
  fs::path checkpoint = resume ? fs::path(o.resume)
                        : command.count("--checkpoint") > 0 ? fs::path(o.checkpoint)
                                                             : out.parent_path() / (out.stem().string() + ".checkpoint.safetensors");
  if (resume && command.count("--checkpoint") > 0 && fs::path(o.checkpoint) != checkpoint)
    throw Error("--resume continues writing to its own checkpoint; leave out --checkpoint");
  if (resume && !fs::is_regular_file(checkpoint))
    throw Error("--resume " + checkpoint.string() + ": no such checkpoint");
  if (!resume && fs::exists(checkpoint))
    throw Error("a checkpoint of an earlier run exists at " + checkpoint.string() + "; continue it with --resume " +
                checkpoint.string() + ", or delete it to start again");
  check_output_path(checkpoint, {".safetensors"}, "checkpoint");
  check_distinct_outputs(given_paths(command, {"out", "checkpoint"}), given_paths(command, {"model", "images", "masks"}));
  TrainTokenJob job;
  job.pairs = pair_training_files(o.images, o.masks);
  check_training_pairs(job.pairs);
  job.options = options;
  job.checkpoint = checkpoint;
  job.resume = resume;
  const ComputeOptions compute = o.run.compute();

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
  DiffusionModel& model = engine.load_model(o.model.folder, compute, listener.engine, o.model.load);
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
  if (o.run.timings) {
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

}  // namespace

Command add_train_token(CLI::App& root) {
  CLI::App* command = root.add_subcommand("train-token", "learn a new part token from images and their part masks");
  auto o = std::make_shared<TrainOptions>();
  TokenTrainingOptions& t = o->training;
  add_model_options(*command, o->model)->description("diffusers model folder or single-file .safetensors checkpoint the token is for");
  command->add_option("--images", o->images,
                      "training images (PNG, JPEG, WebP, TIFF), fitted to the model's working size")
      ->type_name("DIR")
      ->required();
  command->add_option("--masks", o->masks,
                      "one mask per image, same file name (any of those formats), same size as its image: the part "
                      "white (or any bright colour, or opaque alpha), the rest black")
      ->type_name("DIR")
      ->required();
  command->add_option("--part", t.part_name, "the part's name, kebab-case (e.g. cat-ear)")->type_name("NAME")->required();
  command->add_option("--out", o->out, "the token (.safetensors), written only when training completes")
      ->type_name("FILE")
      ->required();
  command->add_option("--steps", t.steps, "optimisation steps (the paper uses 1000-2000)")
      ->type_name("N")
      ->check(whole_at_least(1))
      ->capture_default_str();
  command->add_option("--mode", o->mode,
                      "cached: the UNet runs once per image and timestep; exact: back-propagate through the UNet "
                      "every step (the paper's training)")
      ->type_name("MODE")
      ->check(CLI::IsMember({training_mode_name(TrainingMode::Cached), training_mode_name(TrainingMode::Exact)}))
      ->capture_default_str();
  command->add_option("--optimizer", o->optimizer, "sgd, as the paper's learning rate implies, or adam")
      ->type_name("NAME")
      ->check(CLI::IsMember({token_optimizer_name(TokenOptimizer::Sgd), token_optimizer_name(TokenOptimizer::Adam)}))
      ->capture_default_str();
  command->add_option("--lr", t.learning_rate,
                      "learning rate (default " + number_text(default_learning_rate(TokenOptimizer::Sgd)) +
                          " for sgd, " + number_text(default_learning_rate(TokenOptimizer::Adam)) +
                          " for adam); it decays x" + number_text(t.lr_gamma) + " every " +
                          std::to_string(t.lr_step) + " steps")
      ->type_name("F")
      ->check(number_at_least(0));
  command->add_option("--timesteps", o->timesteps, "model timesteps, 0-999, inclusive")
      ->type_name("HIGH:LOW")
      ->capture_default_str();
  command->add_option("--timestep-stride", t.timestep_stride, "distance between the timesteps used")
      ->type_name("N")
      ->check(whole_at_least(1))
      ->capture_default_str();
  command->add_option("--val-split", t.validation_split,
                      "share of the images held out for validation (at least one of 3 or more)")
      ->type_name("F")
      ->capture_default_str();
  command->add_option("--validate-every", t.validate_every, "steps between validations")
      ->type_name("N")
      ->check(whole_at_least(1))
      ->capture_default_str();
  command->add_option("--prompt", t.prompt, "what conditions the UNet's pass (default: the empty prompt)")
      ->type_name("TEXT");
  add_seed_option(*command, o->seed, "seed of the initial token, the noise and the split")->capture_default_str();
  command->add_option("--checkpoint", o->checkpoint,
                      "where checkpoints go (default: next to --out, <name>.checkpoint.safetensors)")
      ->type_name("FILE");
  command->add_option("--resume", o->resume, "continue that run where it stopped (the same images and settings)")
      ->type_name("CHECKPOINT");
  add_run_options(*command, o->run);
  return {command, [command, o] { return train_token(*command, *o); }};
}

}  // namespace partedit::cli
