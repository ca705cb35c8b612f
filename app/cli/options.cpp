#include "options.h"

#include <cmath>
#include <cstdio>
#include <iostream>
#include <limits>

#include "cli_common.h"
#include "engine/precision_choice.h"
#include "pipeline/inversion.h"
#include "runtime/error.h"
#include "runtime/text.h"
#include "schedulers/scheduler.h"

namespace partedit::cli {

namespace {

bool read_number(const std::string& text, double& value) {
  try {
    size_t used = 0;
    value = std::stod(text, &used);
    return used == text.size() && std::isfinite(value);
  } catch (const std::exception&) {
    return false;
  }
}

// "" when `text` is a whole number in [min, max], else what is wrong with it.
std::string whole_number_problem(const std::string& text, int64_t min, int64_t max, const std::string& range) {
  double number = 0;
  if (!read_number(text, number)) return "expects a number, got '" + text + "'";
  int64_t value = 0;
  try {
    size_t used = 0;
    value = std::stoll(text, &used);
    if (used != text.size()) return "expects a whole number, got '" + text + "'";
  } catch (const std::exception&) {
    return "expects a whole number, got '" + text + "'";
  }
  if (value < min || value > max) return "must be " + range + ", got " + text;
  return {};
}

}  // namespace

std::string number_text(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", value);
  return text;
}

CLI::Validator whole_in(int64_t min, int64_t max) {
  const std::string range = "at least " + std::to_string(min) + " and at most " + std::to_string(max);
  return CLI::Validator([min, max, range](std::string& text) { return whole_number_problem(text, min, max, range); },
                        std::to_string(min) + " to " + std::to_string(max));
}

CLI::Validator whole_at_least(int64_t min) {
  const std::string range = "at least " + std::to_string(min);
  return CLI::Validator(
      [min, range](std::string& text) {
        return whole_number_problem(text, min, std::numeric_limits<int64_t>::max(), range);
      },
      ">= " + std::to_string(min));
}

CLI::Validator number_at_least(double min) {
  return CLI::Validator(
      [min](std::string& text) -> std::string {
        double value = 0;
        if (!read_number(text, value)) return "expects a number, got '" + text + "'";
        if (value < min) return "must be at least " + number_text(min) + ", got " + text;
        return {};
      },
      ">= " + number_text(min));
}

CLI::Validator fraction_below_one() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        double value = 0;
        if (!read_number(text, value)) return "expects a number, got '" + text + "'";
        if (value < 0 || value >= 1) return "must be in [0, 1), got " + text;
        return {};
      },
      "0 <= F < 1");
}

CLI::Option* add_model_options(CLI::App& command, ModelOptions& model) {
  CLI::Option* path =
      command
          .add_option("--model", model.folder,
                      "diffusers model folder (model_index.json, unet/, vae/, ...) or single-file .safetensors checkpoint")
          ->type_name("PATH")
          ->required();
  command
      .add_option("--config", model.load.config_dir,
                  "for a single-file --model: a diffusers folder whose configs and tokenizers describe it "
                  "(default: the shipped ones of the file's shape)")
      ->type_name("DIR");
  command
      .add_option("--prediction-type", model.load.prediction_type,
                  "replaces the scheduler config's (SD 2.x files default to v_prediction at 768 px; epsilon "
                  "selects the 512 base)")
      ->type_name("TYPE")
      ->check(CLI::IsMember({"epsilon", "v_prediction", "sample"}));
  return path;
}

ComputeOptions RunOptions::compute() const {
  const ComputeOptions chosen = choose_compute(device, dtype);
  if (!chosen.choice_reason.empty())
    std::cerr << (chosen.choice_warns ? "warning: " : "note: ") << "precision " << dtype_name(chosen.dtype) << " ("
              << chosen.choice_reason << ")\n";
  return chosen;
}

void add_run_options(CLI::App& command, RunOptions& options) {
  command.add_option("--device", options.device, "cpu | cuda | cuda:N")->type_name("DEV")->capture_default_str();
  // The names core gives its dtypes; core's aliases (float16, ...) are accepted as those names.
  const std::vector<std::string> dtypes = {"auto", dtype_name(c10::kFloat), dtype_name(c10::kHalf),
                                           dtype_name(c10::kBFloat16)};
  const auto canonical = [](std::string text) {
    if (lower_ascii(text) == "auto") return std::string("auto");
    try {
      return dtype_name(parse_dtype(text));
    } catch (const Error&) {
      return text;
    }
  };
  command.add_option("--dtype", options.dtype,
                     "number type of the weights and the computation; auto: fp16 on a GPU, on a CPU bf16 where "
                     "it has native bf16 and a short measurement finds it faster, else fp32")
      ->type_name("TYPE")
      ->check(CLI::IsMember(dtypes, canonical))
      ->capture_default_str();
  command.add_flag("--timings", options.timings, "print stage timings as one JSON object, the last line of stdout");
}

CLI::Option* add_seed_option(CLI::App& command, int64_t& seed, const std::string& help) {
  return command.add_option("--seed", seed, help)->type_name("N")->check(whole_at_least(0));
}

void add_generation_options(CLI::App& command, ImageGenerationOptions& o) {
  GenerateRequest& r = o.request;
  o.prompt = command.add_option("--prompt", r.prompt, "the prompt (for edit: the source prompt)")->type_name("TEXT");
  command.add_option("--negative", r.negative, "negative prompt (default: none)")->type_name("TEXT");
  command.add_option("--steps", r.steps, "denoising steps")
      ->type_name("N")
      ->check(whole_in(1, RequestLimits::max_steps))
      ->capture_default_str();
  command.add_option("--guidance", r.guidance, "classifier-free guidance scale (<= 1: none)")
      ->type_name("G")
      ->capture_default_str();
  o.scheduler = command.add_option("--scheduler", r.scheduler, "sampler (default: the model's scheduler)")
                    ->type_name("KIND")
                    ->check(CLI::IsMember(supported_scheduler_kinds()));
  o.seed_option = add_seed_option(command, o.seed, "seed of the initial noise (default: random, reported)");
  o.init_latents_option =
      command.add_option("--init-latents", o.init_latents, "safetensors with `latents` [1, C, h, w] unit noise")
          ->type_name("FILE");
  o.seed_option->excludes(o.init_latents_option);
  using L = RequestLimits;
  const std::string side = "a multiple of " + std::to_string(L::side_multiple) + ", " + std::to_string(L::min_side) +
                           " to " + std::to_string(L::max_side);
  command.add_option("--width", r.width,
                     "image width: " + side + ", at most " + std::to_string(L::max_aspect) +
                         ":1 to the height (default: the model's size)")
      ->type_name("W")
      ->check(whole_at_least(1));
  command.add_option("--height", r.height, "image height: " + side + " (default: the model's size)")
      ->type_name("H")
      ->check(whole_at_least(1));
}

GenerateRequest ImageGenerationOptions::checked_request() const {
  GenerateRequest r = request;
  validate(r);  // the size and step limits, before any model is loaded
  if (seed_option->count() > 0) r.seed = static_cast<uint64_t>(seed);
  if (init_latents_option->count() > 0) r.initial_latents = read_initial_latents(init_latents);
  r.preview = false;  // nothing shows previews here: skip the per-step host copies
  return r;
}

std::vector<std::pair<std::string, std::string>> given_paths(const CLI::App& command,
                                                             std::initializer_list<const char*> options) {
  std::vector<std::pair<std::string, std::string>> paths;
  for (const char* name : options)
    for (const auto& value : command.get_option(std::string("--") + name)->results()) paths.emplace_back(name, value);
  return paths;
}

}  // namespace partedit::cli
