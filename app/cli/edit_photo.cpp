#include "edit_photo.h"

#include <chrono>
#include <cmath>
#include <fstream>
#include <iostream>
#include <limits>
#include <random>

#include <ATen/ATen.h>

#include "cli_common.h"
#include "editing/compositing.h"
#include "editing/part_edit_pipeline.h"
#include "io/image_header.h"
#include "io/image_io.h"
#include "io/safetensors.h"
#include "pipeline/captioner.h"
#include "pipeline/diffusion_model.h"
#include "pipeline/generation_common.h"
#include "pipeline/infotext.h"
#include "pipeline/inversion.h"
#include "pipeline/inversion_cache.h"
#include "runtime/byte_size.h"
#include "runtime/error.h"
#include "runtime/progress_clock.h"

namespace partedit::cli {
namespace fs = std::filesystem;

namespace {

double seconds_from(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

Photo load_working_photo(const fs::path& path, const DiffusionModel& model) {
  PhotoOptions options;
  options.fit = FitOptions::for_model(model.default_image_size(), model.vae_scale_factor());
  Photo photo = load_photo(path.string(), options);
  for (const auto& w : photo.warnings) std::cerr << "warning: " << w << "\n";
  for (const auto& n : photo.notes) std::cerr << "note: " << n << "\n";
  if (photo.alpha.defined())
    std::cerr << "warning: " << path.filename().string()
              << " has transparency; it is edited over white and written without alpha\n";
  return photo;
}

// The source prompt: --prompt, else a caption from --caption-model (fitted by the hook).
std::string source_prompt(const Args& args, const Photo& photo, const DiffusionModel& model, PhotoSource& out,
                          const CancelToken& cancel, const SourcePromptHooks& hooks) {
  if (args.has("prompt")) {
    if (args.has("caption-model")) std::cerr << "warning: --caption-model is not used: --prompt gives the source prompt\n";
    out.prompt_origin = "--prompt";
    return args.get("prompt");
  }
  if (!args.has("caption-model"))
    throw Error("a photo edit needs its source prompt: give --prompt TEXT, or --caption-model DIR (a BLIP-2 folder) "
                "to caption the photo");
  const auto start = std::chrono::steady_clock::now();
  std::cerr << "captioning with " << args.get("caption-model") << "\n";
  Blip2Captioner captioner(args.get("caption-model"), model.compute());
  const std::string caption = captioner.caption(photo.working, cancel);
  out.caption_seconds = seconds_from(start);
  out.prompt_origin = "BLIP-2 caption";
  return hooks.fit_caption ? hooks.fit_caption(caption) : caption;
}

InvertRequest invert_request(const Args& args, const Photo& photo, const std::string& prompt) {
  InvertRequest r;
  r.image = photo.working;
  r.prompt = prompt;
  r.guidance = args.get_double("source-guidance", 3.5);
  r.steps = args.get_int("steps", 50);
  r.skip = args.get_double("skip", 0.15);
  r.scheduler = args.get_or("scheduler", "dpmpp-sde");
  r.zero_noise_steps = args.get_int("zero-noise-steps", std::min(3, r.steps));
  // The noising draws always come from a seed (--seed, else a random one), so the inversion
  // can be cached and the seed reported.
  r.seed = seed_from_args(args, "init-latents").value_or(std::random_device{}());
  r.crop = {photo.fit.original_width, photo.fit.original_height, photo.fit.crop_x, photo.fit.crop_y,
            photo.fit.crop_width, photo.fit.crop_height};
  r.source_image = fs::path(args.get("image")).filename().string();
  return r;
}

std::optional<InversionCache> cache_of(const Args& args) {
  if (args.has("no-cache")) return std::nullopt;
  return InversionCache(args.has("cache-dir") ? fs::path(args.get("cache-dir")) : default_inversion_cache_dir(),
                        args.has("cache-limit") ? parse_byte_size(args.get("cache-limit"), "--cache-limit")
                                                : default_inversion_cache_limit());
}

// --seed cannot give this value (it takes int64): without --seed, the cache keys the
// inversion under it, so that a later edit without --seed finds it whatever seed it drew.
constexpr uint64_t kAnySeed = std::numeric_limits<uint64_t>::max();

InvertRequest cache_request(const InvertRequest& request, bool seed_given) {
  InvertRequest r = request;
  if (!seed_given) r.seed = kAnySeed;
  return r;
}

// A cached inversion; else, without a negative prompt, the edit inverts the photo in its own
// pass; with one, the photo is inverted first (the inversion's uncond is the empty prompt's).
void find_or_plan_inversion(const Args& args, DiffusionModel& model, const InvertRequest& request, PhotoSource& out,
                            const CancelToken& cancel) {
  const InvertRequest keyed = cache_request(request, out.seed_given);
  if (auto cache = cache_of(args)) {
    if (auto found = cache->find(model, keyed)) {
      out.inversion_reused = true;
      std::cerr << "reusing the inversion " << cache->path_for(InversionCache::key(model, keyed)).string();
      if (found->noise_from_seed) std::cerr << " (seed " << found->seed << ")";
      std::cerr << "\n";
      out.inversion = std::make_shared<const Inversion>(std::move(*found));
      return;
    }
  }
  if (args.get_or("negative", "").find_first_not_of(" \t\n") == std::string::npos) {
    std::cerr << "inverting " << request.source_image << " within the edit (" << request.steps << " steps, "
              << request.scheduler << ", seed " << *request.seed << ")\n";
    out.photo_request = std::make_shared<const InvertRequest>(request);
    return;
  }
  const auto start = std::chrono::steady_clock::now();
  std::cerr << "inverting " << request.source_image << " (" << request.steps << " steps, " << request.scheduler
            << ", seed " << *request.seed << ")\n";
  ProgressClock clock;
  Inversion inversion = invert(model, request, [&clock](const InvertProgress& p) {
    std::cerr << "inversion " << clock.line(p.step, p.total) << " (t=" << p.timestep << ")\n";
  }, cancel);
  out.invert_seconds = seconds_from(start);
  out.inversion = std::make_shared<const Inversion>(std::move(inversion));
  if (auto cache = cache_of(args)) {
    try {
      std::cerr << "cached the inversion as " << cache->store(model, keyed, *out.inversion).string() << "\n";
    } catch (const Error& e) {
      std::cerr << "warning: the inversion was not cached: " << e.what() << "\n";
    }
  }
}

}  // namespace

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
  const double skip = args.get_double("skip", 0.15);
  if (!(skip >= 0.0 && skip < 1.0)) throw Error("--skip must be in [0, 1), got " + args.get("skip"));
  if (args.get_double("feather", 4.0) < 0) throw Error("--feather must be >= 0");
  cache_of(args);  // a malformed --cache-limit or PARTEDIT_CACHE_LIMIT fails before the model loads
}

PhotoSource prepare_photo_source(const Args& args, DiffusionModel& model, const CancelToken& cancel,
                                 const SourcePromptHooks& hooks) {
  PhotoSource out;
  out.seed_given = args.has("seed");
  if (args.has("image")) out.photo = load_working_photo(args.get("image"), model);
  if (args.has("inversion")) {
    auto inversion = std::make_shared<Inversion>(load_inversion(args.get("inversion"), model));
    if (out.photo && (out.photo->fit.width != inversion->width || out.photo->fit.height != inversion->height))
      throw Error("--image " + args.get("image") + " works at " + std::to_string(out.photo->fit.width) + "x" +
                  std::to_string(out.photo->fit.height) + " but --inversion " + args.get("inversion") + " is " +
                  std::to_string(inversion->width) + "x" + std::to_string(inversion->height) + ": not the same photo");
    if (args.has("prompt") && args.get("prompt") != inversion->prompt)
      throw Error("--prompt differs from the prompt the inversion was made with (\"" + inversion->prompt +
                  "\"); leave it out or invert again");
    if (inversion->prompt.find_first_not_of(" \t\r\n") == std::string::npos)
      std::cerr << "warning: " << args.get("inversion")
                << " was inverted without a source prompt: the edit's source prompt is empty, so the edit "
                   "prompt's words all count as edit words; invert with --prompt TEXT for better edits\n";
    out.prompt = inversion->prompt;
    out.prompt_origin = "the inversion file";
    if (hooks.check_prompt) hooks.check_prompt(out.prompt);
    out.inversion = std::move(inversion);
    return out;
  }
  out.prompt = source_prompt(args, *out.photo, model, out, cancel, hooks);
  if (hooks.check_prompt) hooks.check_prompt(out.prompt);
  find_or_plan_inversion(args, model, invert_request(args, *out.photo, out.prompt), out, cancel);
  return out;
}

void keep_inversion(const Args& args, const DiffusionModel& model, const PhotoSource& source, const EditResult& result) {
  if (!source.photo_request || !result.inversion) return;
  auto cache = cache_of(args);
  if (!cache) return;
  try {
    std::cerr << "cached the inversion as "
              << cache->store(model, cache_request(*source.photo_request, source.seed_given), *result.inversion).string()
              << "\n";
  } catch (const Error& e) {
    std::cerr << "warning: the inversion was not cached: " << e.what() << "\n";
  }
}

void write_photo_outputs(const Args& args, const PhotoSource& source, const EditResult& result) {
  const fs::path out = args.get("out");
  const std::string seed = result.noise_from_seed ? ", seed " + std::to_string(result.seed) : "";
  if (!source.photo || args.has("no-composite")) {
    write_image(out, result.edited, result.parameters);
    std::cout << "wrote " << out.string() << " (" << result.width << "x" << result.height << ", not composited" << seed
              << ")\n";
    if (args.has("source-out")) {
      write_image(args.get("source-out"), result.source, result.source_parameters);
      std::cout << "wrote " << args.get("source-out") << " (" << result.width << "x" << result.height << ")\n";
    }
    if (args.has("mask-out")) {
      write_image(args.get("mask-out"), result.final_mask.unsqueeze(0).expand({3, -1, -1}), result.parameters);
      std::cout << "wrote " << args.get("mask-out") << "\n";
    }
    return;
  }
  const Photo& photo = *source.photo;
  const double feather = args.get_double("feather", kDefaultFeatherRadius);
  const std::vector<InfotextSetting> composited = {{"Composited", "feather " + number_text(feather)}};
  const CompositeResult composite = composite_photo(photo.original, result.edited, result.final_mask, photo.fit, feather);
  write_image(out, composite.image, append_infotext_settings(result.parameters, composited));
  std::cout << "wrote " << out.string() << " (" << composite.image.size(2) << "x" << composite.image.size(1)
            << ", the photo's pixels outside the edited part" << seed << ")\n";
  if (args.has("source-out")) {
    // The source path replays the inversion: composited like the edit, so that both files
    // have the photo's size and differ only inside the edited part.
    const CompositeResult source_composite =
        composite_photo(photo.original, result.source, result.final_mask, photo.fit, feather);
    write_image(args.get("source-out"), source_composite.image,
                append_infotext_settings(result.source_parameters, composited));
    std::cout << "wrote " << args.get("source-out") << " (" << source_composite.image.size(2) << "x"
              << source_composite.image.size(1) << ")\n";
  }
  if (args.has("mask-out")) {
    write_image(args.get("mask-out"), composite.mask.unsqueeze(0).expand({3, -1, -1}), result.parameters);
    std::cout << "wrote " << args.get("mask-out") << " (compositing mask)\n";
  }
}

}  // namespace partedit::cli
