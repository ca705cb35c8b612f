// partedit-cli caption: describe a photo with a BLIP-2 (Flan-T5 or OPT) model folder
// (algorithm.md §6). Progress goes to stderr; the caption is the last line of stdout, followed
// only by the --timings JSON line when asked for.
#include <chrono>
#include <iostream>
#include <memory>

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include "cli_common.h"
#include "commands.h"
#include "io/image_io.h"
#include "options.h"
#include "pipeline/captioner.h"
#include "pipeline/generation_common.h"
#include "pipeline/model_folder.h"
#include "runtime/error.h"
#include "runtime/elapsed.h"

namespace partedit::cli {
namespace fs = std::filesystem;

namespace {

struct CaptionOptions {
  std::string model, image;
  CaptionRequest request;  // prompt and the generation settings bound here
  RunOptions run;
};

// The generation settings checked, naming the command-line option rather than the field.
void check_generation(const GenerationOptions& g) {
  try {
    g.validate();
  } catch (const Error& e) {
    std::string msg = e.what();
    for (const auto& [field, option] : std::vector<std::pair<std::string, std::string>>{
             {"num_beams", "--beams"}, {"max_new_tokens", "--max-new-tokens"}, {"min_new_tokens", "--min-new-tokens"},
             {"no_repeat_ngram_size", "--no-repeat-ngram"}})
      if (msg.rfind(field, 0) == 0) msg = option + msg.substr(field.size());
    throw Error(msg);
  }
}

int caption(const CaptionOptions& o) {
  // 1. everything that can be checked without the model
  const fs::path model_dir = o.model;
  require_model_folder(model_dir, "BLIP-2 model folder", "config.json");
  const CaptionRequest& request = o.request;
  check_generation(request.generation);
  const ComputeOptions compute = o.run.compute();
  const auto t0 = SteadyClock::now();
  std::vector<std::string> image_warnings;
  const at::Tensor image = read_image(o.image, &image_warnings);  // [3, H, W] in [0, 1]
  for (const auto& w : image_warnings) std::cerr << "warning: " << w << "\n";
  const double read_seconds = seconds_since(t0);
  reset_peak_cuda_memory(compute.device);

  // 2. the model
  std::cerr << "loading " << model_dir.string() << " (" << compute.describe() << ")\n";
  auto model = Blip2CaptionModel::load(model_dir, compute);
  std::cerr << "loaded in " << model.load_seconds() << " s\n";

  // 3. caption
  const auto after_load = SteadyClock::now();
  CaptionTimings timings;
  const auto caption = model.caption(image, request, nullptr, &timings).at(0);
  std::cout.flush();
  std::cerr.flush();
  std::cout << caption << std::endl;
  if (o.run.timings) {
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

}  // namespace

Command add_caption(CLI::App& root) {
  CLI::App* command =
      root.add_subcommand("caption", "describe a photo with a BLIP-2 model (the source prompt of a real-photo edit)");
  auto o = std::make_shared<CaptionOptions>();
  GenerationOptions& g = o->request.generation;
  command->add_option("--model", o->model,
                      "BLIP-2 folder (config.json, model*.safetensors, preprocessor_config.json; Flan-T5: spiece.model, OPT: "
                      "vocab.json + merges.txt)")
      ->type_name("DIR")
      ->required();
  command->add_option("--image", o->image, "the photo (PNG, JPEG, WebP, TIFF)")->type_name("FILE")->required();
  command->add_option("--prompt", o->request.prompt, "text the caption continues, e.g. \"a photo of\" (default: none)")
      ->type_name("TEXT");
  command->add_option("--beams", g.num_beams, "beam search with N beams (1: greedy)")
      ->type_name("N")
      ->check(whole_at_least(1))
      ->capture_default_str();
  command->add_option("--max-new-tokens", g.max_new_tokens, "longest caption in tokens")
      ->type_name("N")
      ->check(whole_at_least(1))
      ->capture_default_str();
  command->add_option("--min-new-tokens", g.min_new_tokens, "shortest caption in tokens")
      ->type_name("N")
      ->check(whole_at_least(0))
      ->capture_default_str();
  command->add_option("--no-repeat-ngram", g.no_repeat_ngram_size, "never repeat an N-gram (0: off)")
      ->type_name("N")
      ->check(whole_at_least(0))
      ->capture_default_str();
  command->add_option("--length-penalty", g.length_penalty, "beam score = log-probability / length^F")
      ->type_name("F")
      ->capture_default_str();
  add_run_options(*command, o->run);
  return {command, [o] { return caption(*o); }};
}

}  // namespace partedit::cli
