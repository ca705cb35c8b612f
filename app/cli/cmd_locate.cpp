// partedit-cli locate: where is the part in this image? The token's maps over the timestep
// range (the situation at edit time: the prompt's pass), aggregated and binarised at Otsu's
// threshold as training validates (core/training/part_locator.h), written as a 0/255 grey
// PNG at the image's size. Artists use it to check a token before editing with it.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include "cli_app.h"
#include "cli_common.h"
#include "commands.h"
#include "editing/edit_instruction.h"
#include "editing/part_token.h"
#include "editing/token_library.h"
#include "engine/engine.h"
#include "io/image_io.h"
#include "io/image_photo.h"
#include "options.h"
#include "pipeline/diffusion_model.h"
#include "runtime/error.h"

namespace partedit::cli {
namespace fs = std::filesystem;

namespace {

struct LocateOptions {
  ModelOptions model;
  std::string image, token, part, out, map_out;
  std::vector<std::string> libraries;
  LocateRequest request;  // prompt and timestep-stride bound here
  std::string timesteps = std::to_string(request.timestep_high) + ":" + std::to_string(request.timestep_low);
  int64_t seed = static_cast<int64_t>(request.seed);
  RunOptions run;
};

PartToken token_from(const CLI::App& command, const LocateOptions& o, const TokenLibrary& library) {
  if (command.count("--token") + command.count("--part") == 0)
    throw Error("name the part to locate: --token FILE or --part NAME (one)");
  if (command.count("--part") > 0) return resolve_part(library, o.part);
  const fs::path path = o.token;
  if (!fs::is_regular_file(path)) throw Error("--token " + path.string() + ": no such file");
  return read_token_file(path);
}


int locate(const CLI::App& command, const LocateOptions& o) {
  // 1. Everything checkable without the model.
  check_output_path(o.out, {".png"}, "out");
  if (!o.map_out.empty()) check_output_path(o.map_out, {".png"}, "map-out");
  check_distinct_outputs(given_paths(command, {"out", "map-out"}), given_paths(command, {"model", "image", "token"}));
  check_photo_file(o.image);
  LocateRequest request = o.request;
  parse_timestep_range(o.timesteps, request.timestep_high, request.timestep_low);
  request.seed = static_cast<uint64_t>(o.seed);
  EngineOptions engine_options;
  engine_options.shipped_token_dir = program_token_dir();
  for (const auto& dir : o.libraries) engine_options.token_dirs.emplace_back(dir);
  Engine engine(engine_options);
  const PartToken token = token_from(command, o, engine.tokens());
  const ComputeOptions compute = o.run.compute();

  // 2. The model (the token must fit it), 3. the maps (interruptible).
  const EngineListener listener = stderr_listener();
  DiffusionModel& model = engine.load_model(o.model.folder, compute, listener, o.model.load);
  const auto after_load = std::chrono::steady_clock::now();
  CancelToken cancel;
  LocateResult result;
  {
    InterruptScope interrupt(cancel);
    result = engine.locate(o.image, token, request, listener, cancel);
  }

  // 4. Outputs (atomic).
  write_image(o.out, result.mask.unsqueeze(0).expand({3, -1, -1}));
  const double share = result.mask.mean().item<double>();
  char text[96];
  std::snprintf(text, sizeof text, "%.1f %% of the image, Otsu threshold %.3f", share * 100, result.working.otsu);
  std::cout << "wrote " << o.out << " (" << result.mask.size(1) << "x" << result.mask.size(0) << "; part '"
            << token.part_name << "': " << text << ")\n";
  if (!o.map_out.empty()) {
    write_image(o.map_out, result.map.unsqueeze(0).expand({3, -1, -1}));
    std::cout << "wrote " << o.map_out << "\n";
  }
  if (o.run.timings) {
    nlohmann::ordered_json fields;
    fields["load_s"] = model.load_seconds();
    fields["locate_s"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - after_load).count();
    print_timings(fields, compute);
  }
  return 0;
}

}  // namespace

Command add_locate(CLI::App& root) {
  CLI::App* command = root.add_subcommand("locate", "find a part token's part in an image and write it as a mask");
  auto o = std::make_shared<LocateOptions>();
  LocateRequest& r = o->request;
  add_model_options(*command, o->model);
  command->add_option("--image", o->image,
                      "the image (PNG, JPEG, WebP, TIFF), fitted to the model's working size as photos are")
      ->type_name("FILE")
      ->required();
  CLI::Option* token =
      command->add_option("--token", o->token, "the part token (.safetensors, or the authors' .pt)")->type_name("FILE");
  CLI::Option* part =
      command->add_option("--part", o->part, "a part token of the library (instead of --token)")->type_name("NAME");
  token->excludes(part);
  command->add_option("--library", o->libraries, "token library folder used instead of the user folder")
      ->type_name("DIR")
      ->allow_extra_args(false);
  command->add_option("--out", o->out, "where the part is: 255 part, 0 the rest, at the image's size")
      ->type_name("MASK.png")
      ->required();
  command->add_option("--map-out", o->map_out, "also the normalised map before thresholding (grey)")
      ->type_name("FILE.png");
  command->add_option("--prompt", r.prompt, "what conditions the UNet's pass (default: the empty prompt)")
      ->type_name("TEXT");
  command->add_option("--timesteps", o->timesteps, "model timesteps, inclusive, as training")
      ->type_name("HIGH:LOW")
      ->capture_default_str();
  command->add_option("--timestep-stride", r.timestep_stride, "distance between the timesteps used")
      ->type_name("N")
      ->check(whole_at_least(1))
      ->capture_default_str();
  add_seed_option(*command, o->seed, "seed of the noise")->capture_default_str();
  add_run_options(*command, o->run);
  set_usage(*command,
            "partedit-cli locate --model DIR --image IMAGE (--token FILE | --part NAME) --out MASK.png [options]");
  return {command, [command, o] { return locate(*command, *o); }};
}

}  // namespace partedit::cli
