// partedit-cli caption: describe a photo with a BLIP-2 (Flan-T5 or OPT) model folder
// (algorithm.md §6), through the engine, so the caption is the one `edit --image` starts
// from. Progress goes to stderr; the caption is the last line of stdout, followed only by the
// --timings JSON line when asked for.
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "cli_common.h"
#include "commands.h"
#include "engine/engine.h"
#include "io/image_photo.h"
#include "options.h"
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
  check_generation(o.request.generation);
  check_photo_file(o.image);
  const ComputeOptions compute = o.run.compute();
  reset_peak_cuda_memory(compute.device);

  // 2. the caption, as an edit of this photo without a prompt would get it
  EngineOptions options;
  options.caption_model = model_dir;
  options.caption_compute = compute;
  Engine engine(options);
  const auto start = SteadyClock::now();
  const CaptionResult result = engine.caption_photo(o.image, o.request, stderr_listener());
  std::cout.flush();
  std::cerr.flush();
  std::cout << result.caption << std::endl;
  if (o.run.timings) {
    nlohmann::ordered_json t;
    t["load"] = result.load_seconds;
    t["read"] = result.read_seconds;
    t["preprocess"] = result.timings.preprocess;
    t["generate"] = result.timings.generate;
    t["total_after_load"] = seconds_since(start) - result.load_seconds - result.read_seconds;
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
