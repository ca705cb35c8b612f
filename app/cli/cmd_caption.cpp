// partedit-cli caption: describe a photo with a BLIP-2 (Flan-T5) model folder
// (algorithm.md §6). Progress goes to stderr; the caption is the last line of stdout, followed
// only by the --timings JSON line when asked for.
#include <chrono>
#include <iostream>

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include "cli_common.h"
#include "commands.h"
#include "io/image_io.h"
#include "pipeline/captioner.h"
#include "pipeline/generation_common.h"
#include "pipeline/model_folder.h"
#include "runtime/error.h"

namespace partedit::cli {
namespace fs = std::filesystem;

namespace {

std::vector<OptionSpec> caption_options() {
  std::vector<OptionSpec> specs = {
      {"model", true, false, "DIR  BLIP-2 folder (config.json, model*.safetensors, spiece.model, preprocessor_config.json)"},
      {"image", true, false, "FILE  the photo (PNG, JPEG, WebP, TIFF)"},
      {"prompt", true, false, "TEXT  text the caption continues, e.g. \"a photo of\" (default: none)"},
      {"beams", true, false, "N  beam search with N beams (default 1: greedy)"},
      {"max-new-tokens", true, false, "N  longest caption in tokens (default 30)"},
      {"min-new-tokens", true, false, "N  shortest caption in tokens (default 0)"},
      {"no-repeat-ngram", true, false, "N  never repeat an N-gram (default 0: off)"},
      {"length-penalty", true, false, "F  beam score = log-probability / length^F (default 1)"},
  };
  append_run_option_specs(specs);
  return specs;
}

CaptionRequest request_from_args(const Args& args) {
  CaptionRequest request;
  request.prompt = args.get_or("prompt", "");
  auto& g = request.generation;
  g.num_beams = args.get_int64("beams", 1);
  g.max_new_tokens = args.get_int64("max-new-tokens", g.max_new_tokens);
  g.min_new_tokens = args.get_int64("min-new-tokens", 0);
  g.no_repeat_ngram_size = args.get_int64("no-repeat-ngram", 0);
  g.length_penalty = args.get_double("length-penalty", 1.0);
  try {
    g.validate();
  } catch (const Error& e) {  // name the command-line option, not the field
    std::string msg = e.what();
    for (const auto& [field, option] : std::vector<std::pair<std::string, std::string>>{
             {"num_beams", "--beams"}, {"max_new_tokens", "--max-new-tokens"}, {"min_new_tokens", "--min-new-tokens"},
             {"no_repeat_ngram_size", "--no-repeat-ngram"}})
      if (msg.rfind(field, 0) == 0) msg = option + msg.substr(field.size());
    throw Error(msg);
  }
  return request;
}

}  // namespace

int run_caption(const CommandArgs& argv) {
  const auto specs = caption_options();
  Args args(argv, specs);
  if (args.has("help")) {
    std::cout << format_help("partedit-cli caption --model DIR --image FILE [options]", specs);
    return 0;
  }
  reject_positional(args);

  // 1. everything that can be checked without the model
  const fs::path model_dir = args.get("model");
  require_model_folder(model_dir, "BLIP-2 model folder", "config.json");
  const CaptionRequest request = request_from_args(args);
  const ComputeOptions compute = compute_options_from_args(args);
  const auto t0 = Clock::now();
  std::vector<std::string> image_warnings;
  const at::Tensor image = read_image(args.get("image"), &image_warnings);  // [3, H, W] in [0, 1]
  for (const auto& w : image_warnings) std::cerr << "warning: " << w << "\n";
  const double read_seconds = seconds_since(t0);
  reset_peak_cuda_memory(compute.device);

  // 2. the model
  std::cerr << "loading " << model_dir.string() << " (" << compute.describe() << ")\n";
  auto model = Blip2CaptionModel::load(model_dir, compute);
  std::cerr << "loaded in " << model.load_seconds() << " s\n";

  // 3. caption
  const auto after_load = Clock::now();
  CaptionTimings timings;
  const auto caption = model.caption(image, request, nullptr, &timings).at(0);
  std::cout.flush();
  std::cerr.flush();
  std::cout << caption << std::endl;
  if (args.has("timings")) {
    nlohmann::ordered_json t;
    t["load"] = model.load_seconds();
    t["read"] = read_seconds;
    t["preprocess"] = timings.preprocess;
    t["generate"] = timings.generate;
    t["total_after_load"] = seconds_since(after_load);
    print_timings(t, compute);
  }
  return 0;
}

}  // namespace partedit::cli
