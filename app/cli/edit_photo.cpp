#include "edit_photo.h"

#include <iostream>

#include "cli_common.h"
#include "editing/compositing.h"
#include "engine/engine.h"
#include "io/image_io.h"
#include "io/image_photo.h"
#include "runtime/byte_size.h"
#include "runtime/error.h"

namespace partedit::cli {
namespace fs = std::filesystem;

std::vector<OptionSpec> photo_option_specs() {
  return {
      {"image", true, false, "FILE  edit this photo (PNG, JPEG, WebP, TIFF; at most 100 MP): inverted, then edited\n"
                             + std::string(34, ' ') + "at a working size within the model's native size squared (SDXL:\n"
                             + std::string(34, ' ') + "1024x1024), sides multiples of 8; small photos are scaled up\n"
                             + std::string(34, ' ') + "(SDXL: shorter side 256); the result comes back at the photo's size"},
      {"inversion", true, false, "FILE  edit from this inversion file (partedit-cli invert); with --image also composites"},
      {"caption-model", true, false, "DIR  BLIP-2 folder that captions the photo when no --prompt is given"},
      {"source-guidance", true, false, "G  guidance of the photo's inversion (default 3.5)"},
      {"skip", true, false, "F  fraction of the noisiest inversion steps skipped (default 0.15)"},
      {"zero-noise-steps", true, false, "N  last noise maps zeroed in the inversion (default 3)"},
      {"cache-dir", true, false, "DIR  where inversions are kept for later edits (default ~/.cache/partedit/inversions)"},
      {"cache-limit", true, false, "SIZE  keep the cache under SIZE, e.g. 500M or 4G (default $PARTEDIT_CACHE_LIMIT or 4G; "
                                   "least recently used inversions go first)"},
      {"no-cache", false, false, "neither reuse nor keep the photo's inversion"},
      {"feather", true, false, "PX  feather radius of the compositing mask in original pixels (default 4)"},
      {"no-composite", false, false, "write the decoded edit as is, without restoring the photo's pixels"},
  };
}

bool is_photo_edit(const Args& args) { return args.has("image") || args.has("inversion"); }

void check_photo_args(const Args& args) {
  if (args.has("image")) {
    check_photo_file(args.get("image"));  // throws on a missing, damaged, unsupported or too large file
  }
  if (args.has("inversion") && !fs::is_regular_file(args.get("inversion")))
    throw Error("--inversion " + args.get("inversion") + ": no such file");
  if (args.has("inversion") && args.has("caption-model"))
    throw Error("--caption-model is not used with --inversion (the inversion holds its source prompt)");
  for (const char* option : {"init-latents", "width", "height"})
    if (args.has(option)) throw Error(std::string("--") + option + " does not apply to photo edits (the photo fixes them)");
  if (args.has("scheduler") && args.get("scheduler") != "dpmpp-sde" && args.get("scheduler") != "ddim")
    throw Error("photos are inverted with --scheduler dpmpp-sde or ddim, not '" + args.get("scheduler") + "'");
  const double skip = args.get_double("skip", InvertRequest{}.skip);
  if (!(skip >= 0.0 && skip < 1.0)) throw Error("--skip must be in [0, 1), got " + args.get("skip"));
  if (args.get_double("feather", kDefaultFeatherRadius) < 0) throw Error("--feather must be >= 0");
  inversion_cache_from_args(args);  // a malformed --cache-limit or PARTEDIT_CACHE_LIMIT fails before the model loads
  if (args.has("image") && !args.has("inversion") && !args.has("prompt") && !args.has("caption-model"))
    throw Error("a photo edit needs its source prompt: give --prompt TEXT, or --caption-model DIR (a BLIP-2 folder) "
                "to caption the photo");
}

std::optional<InversionCache> inversion_cache_from_args(const Args& args) {
  if (args.has("no-cache")) return std::nullopt;
  return InversionCache(args.has("cache-dir") ? fs::path(args.get("cache-dir")) : default_inversion_cache_dir(),
                        args.has("cache-limit") ? parse_byte_size(args.get("cache-limit"), "--cache-limit")
                                                : default_inversion_cache_limit());
}

EditJobSource photo_source_from_args(const Args& args, Engine& engine) {
  if (args.has("inversion")) {
    EditFromInversion from;
    from.inversion = engine.load_inversion(args.get("inversion"));
    from.name = args.get("inversion");
    if (args.has("image")) from.image = args.get("image");
    if (args.has("prompt") && args.get("prompt") != from.inversion->prompt)
      throw Error("--prompt differs from the prompt the inversion was made with (\"" + from.inversion->prompt +
                  "\"); leave it out or invert again");
    return from;
  }
  const InvertRequest defaults;
  EditFromPhoto from;
  from.image = args.get("image");
  if (args.has("prompt")) {
    if (args.has("caption-model")) std::cerr << "warning: --caption-model is not used: --prompt gives the source prompt\n";
    from.prompt = args.get("prompt");
  }
  InvertRequest& r = from.inversion;
  r.guidance = args.get_double("source-guidance", defaults.guidance);
  r.steps = args.get_int("steps", defaults.steps);
  r.skip = args.get_double("skip", defaults.skip);
  r.scheduler = args.get_or("scheduler", defaults.scheduler);
  r.zero_noise_steps = args.get_int("zero-noise-steps", std::min(defaults.zero_noise_steps, r.steps));
  r.seed = seed_from_args(args, "init-latents");
  from.seed_given = r.seed.has_value();
  return from;
}

void write_photo_outputs(const Args& args, const EditJobResult& result) {
  const fs::path out = args.get("out");
  const EditResult& edit = result.edit;
  const std::string seed = edit.noise_from_seed ? ", seed " + std::to_string(edit.seed) : "";
  if (!result.composited.defined()) {
    write_image(out, edit.edited, edit.parameters);
    std::cout << "wrote " << out.string() << " (" << edit.width << "x" << edit.height << ", not composited" << seed
              << ")\n";
    if (args.has("source-out")) {
      write_image(args.get("source-out"), edit.source, edit.source_parameters);
      std::cout << "wrote " << args.get("source-out") << " (" << edit.width << "x" << edit.height << ")\n";
    }
    if (args.has("mask-out")) {
      write_image(args.get("mask-out"), edit.final_mask.unsqueeze(0).expand({3, -1, -1}), edit.parameters);
      std::cout << "wrote " << args.get("mask-out") << "\n";
    }
    return;
  }
  write_image(out, result.composited, result.composited_parameters);
  std::cout << "wrote " << out.string() << " (" << result.composited.size(2) << "x" << result.composited.size(1)
            << ", the photo's pixels outside the edited part" << seed << ")\n";
  if (args.has("source-out")) {
    write_image(args.get("source-out"), result.composited_source, result.composited_source_parameters);
    std::cout << "wrote " << args.get("source-out") << " (" << result.composited_source.size(2) << "x"
              << result.composited_source.size(1) << ")\n";
  }
  if (args.has("mask-out")) {
    write_image(args.get("mask-out"), result.composite_mask.unsqueeze(0).expand({3, -1, -1}), edit.parameters);
    std::cout << "wrote " << args.get("mask-out") << " (compositing mask)\n";
  }
}

}  // namespace partedit::cli
