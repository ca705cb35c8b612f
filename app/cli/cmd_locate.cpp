// partedit-cli locate: where is the part in this image? The token's maps over the timestep
// range (the situation at edit time: the prompt's pass), aggregated and binarised at Otsu's
// threshold as training validates (core/training/part_locator.h), written as a 0/255 grey
// PNG at the image's size. Artists use it to check a token before editing with it.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include "cli_common.h"
#include "commands.h"
#include "editing/edit_instruction.h"
#include "editing/part_token.h"
#include "editing/token_library.h"
#include "engine/engine.h"
#include "io/image_io.h"
#include "io/image_photo.h"
#include "pipeline/diffusion_model.h"
#include "runtime/error.h"

namespace partedit::cli {
namespace fs = std::filesystem;

namespace {

std::vector<OptionSpec> locate_options() {
  const LocateRequest d;
  std::vector<OptionSpec> specs = {
      {"model", true, false, "PATH  diffusers model folder or single-file .safetensors checkpoint"},
      {"image", true, false, "FILE  the image (PNG, JPEG, WebP, TIFF), fitted to the model's working size as photos are"},
      {"token", true, false, "FILE  the part token (.safetensors, or the authors' .pt)"},
      {"part", true, false, "NAME  a part token of the library (instead of --token)"},
      {"library", true, true, "DIR  token library folder used instead of the user folder (repeatable)"},
      {"out", true, false, "MASK.png  where the part is: 255 part, 0 the rest, at the image's size"},
      {"map-out", true, false, "FILE.png  also the normalised map before thresholding (grey)"},
      {"prompt", true, false, "TEXT  what conditions the UNet's pass (default: the empty prompt)"},
      {"timesteps", true, false, "HIGH:LOW  model timesteps, inclusive, as training (default " +
                                     std::to_string(d.timestep_high) + ":" + std::to_string(d.timestep_low) + ")"},
      {"timestep-stride", true, false, "N  distance between the timesteps used (default " +
                                           std::to_string(d.timestep_stride) + ")"},
      {"seed", true, false, "N  seed of the noise (default 0)"},
  };
  const auto loading = model_load_option_specs();
  specs.insert(specs.end(), loading.begin(), loading.end());
  append_run_option_specs(specs);
  return specs;
}

PartToken token_from_args(const Args& args, const TokenLibrary& library) {
  if (args.has("token") == args.has("part")) throw Error("name the part to locate: --token FILE or --part NAME (one)");
  if (args.has("part")) return resolve_part(library, args.get("part"));
  const fs::path path = args.get("token");
  if (!fs::is_regular_file(path)) throw Error("--token " + path.string() + ": no such file");
  const std::string ext = path.extension().string();
  return ext == ".pt" || ext == ".pth" ? import_torch_token(path) : read_part_token(path);
}

}  // namespace

int run_locate(const CommandArgs& argv) {
  const auto specs = locate_options();
  Args args(argv, specs);
  if (args.has("help")) {
    std::cout << format_help("partedit-cli locate --model DIR --image IMAGE (--token FILE | --part NAME) --out MASK.png "
                             "[options]",
                             specs);
    return 0;
  }
  reject_positional(args);

  // 1. Everything checkable without the model.
  for (const char* required : {"model", "image", "out"})
    if (!args.has(required)) throw Error(std::string("--") + required + " is required (see --help)");
  check_output_path(args.get("out"), {".png"}, "out");
  if (args.has("map-out")) check_output_path(args.get("map-out"), {".png"}, "map-out");
  check_distinct_outputs(args, {"out", "map-out"}, {"model", "image", "token"});
  check_photo_file(args.get("image"));
  LocateRequest request;
  if (args.has("timesteps")) parse_timestep_range(args.get("timesteps"), request.timestep_high, request.timestep_low);
  request.timestep_stride = args.get_int64("timestep-stride", request.timestep_stride);
  request.prompt = args.get_or("prompt", "");
  const int64_t seed = args.get_int64("seed", 0);
  if (seed < 0) throw Error("--seed must be >= 0, got " + std::to_string(seed));
  request.seed = static_cast<uint64_t>(seed);
  EngineOptions engine_options;
  engine_options.shipped_token_dir = find_shipped_token_dir(current_executable_dir());
  for (const auto& dir : args.get_all("library")) engine_options.token_dirs.emplace_back(dir);
  Engine engine(engine_options);
  const PartToken token = token_from_args(args, engine.tokens());
  const ComputeOptions compute = compute_options_from_args(args);

  // 2. The model (the token must fit it), 3. the maps (interruptible).
  const EngineListener listener = stderr_listener();
  DiffusionModel& model = engine.load_model(args.get("model"), compute, listener, model_load_options_from_args(args));
  const auto after_load = std::chrono::steady_clock::now();
  CancelToken cancel;
  LocateResult result;
  {
    InterruptScope interrupt(cancel);
    result = engine.locate(args.get("image"), token, request, listener, cancel);
  }

  // 4. Outputs (atomic).
  write_image(args.get("out"), result.mask.unsqueeze(0).expand({3, -1, -1}));
  const double share = result.mask.mean().item<double>();
  char text[96];
  std::snprintf(text, sizeof text, "%.1f %% of the image, Otsu threshold %.3f", share * 100, result.working.otsu);
  std::cout << "wrote " << args.get("out") << " (" << result.mask.size(1) << "x" << result.mask.size(0) << "; part '"
            << token.part_name << "': " << text << ")\n";
  if (args.has("map-out")) {
    write_image(args.get("map-out"), result.map.unsqueeze(0).expand({3, -1, -1}));
    std::cout << "wrote " << args.get("map-out") << "\n";
  }
  if (args.has("timings")) {
    nlohmann::ordered_json fields;
    fields["load_s"] = model.load_seconds();
    fields["locate_s"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - after_load).count();
    print_timings(fields, compute);
  }
  return 0;
}

}  // namespace partedit::cli
