#pragma once
// The options several commands take, each declared once (CLI11) and bound to the field that
// owns its default, so that --help shows that field's value; and the value checks, whose
// help text ("1 to 1000") and messages ("must be 1 to 1000, got 5000") read like the rest
// of partedit-cli.
#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

#include "pipeline/model_load_options.h"
#include "pipeline/text_to_image.h"
#include "runtime/compute.h"

namespace partedit::cli {

// "30", "0.3": a number as help and messages write it.
std::string number_text(double value);

// ---- Value checks ----------------------------------------------------------------------
CLI::Validator whole_in(int64_t min, int64_t max);  // a whole number in [min, max]
CLI::Validator whole_at_least(int64_t min);         // a whole number >= min
CLI::Validator number_at_least(double min);         // a finite number >= min
CLI::Validator fraction_below_one();                // a number in [0, 1)

// ---- Shared option groups --------------------------------------------------------------

// The model options of every command that runs a diffusion model, declared in one place so
// that an option about how the model is read is added once for all of them.
struct ModelOptions {
  std::string folder;  // --model PATH (required): a diffusers folder or a single-file checkpoint
  ModelLoadOptions load;  // --config DIR, --prediction-type TYPE
};
// Declares --model, --config and --prediction-type; returns the --model option (a command
// may describe it further).
CLI::Option* add_model_options(CLI::App& command, ModelOptions& model);

// --device, --dtype and --timings: how a model-running command computes and reports.
struct RunOptions {
  std::string device = ComputeOptions{}.device.str();
  std::string dtype = "auto";
  bool timings = false;
  // Parsed and checked against this machine (CUDA present, fp16 not on the CPU); "auto" chosen
  // for it (engine/precision_choice.h), the choice said on stderr. Throws Error.
  ComputeOptions compute() const;
};
void add_run_options(CLI::App& command, RunOptions& options);

// The generation options of `generate`, which `edit` shares: prompt, negative, steps,
// guidance, scheduler, seed or initial latents (one of them), width, height.
struct ImageGenerationOptions {
  GenerateRequest request;  // prompt, negative, steps, guidance, scheduler, width and height bound here
  int64_t seed = 0;         // with --seed
  std::string init_latents;
  CLI::Option* prompt = nullptr;  // the declared options, for commands that check or describe them further
  CLI::Option* scheduler = nullptr;
  CLI::Option* seed_option = nullptr;
  CLI::Option* init_latents_option = nullptr;

  // The request checked against the size and step limits (validate()), with the seed and
  // the initial latents read. Throws Error.
  GenerateRequest checked_request() const;
};
void add_generation_options(CLI::App& command, ImageGenerationOptions& options);

// A seed option bound to `seed` (0 to 2^63 - 1).
CLI::Option* add_seed_option(CLI::App& command, int64_t& seed, const std::string& help);

// The values given on the command line for each named option ("out", not "--out"), in the
// order given: what check_distinct_outputs compares.
std::vector<std::pair<std::string, std::string>> given_paths(const CLI::App& command,
                                                             std::initializer_list<const char*> options);

}  // namespace partedit::cli
