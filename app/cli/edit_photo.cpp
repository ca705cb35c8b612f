#include "edit_photo.h"

#include <algorithm>
#include <iostream>

#include "cli_common.h"
#include "editing/compositing.h"
#include "engine/engine.h"
#include "io/image_io.h"
#include "io/image_photo.h"
#include "options.h"
#include "runtime/byte_size.h"
#include "runtime/error.h"

namespace partedit::cli {
namespace fs = std::filesystem;

namespace {
bool given(const CLI::App& command, const char* option) { return command.count(option) > 0; }
}  // namespace

void add_photo_options(CLI::App& command, PhotoOptions& photo, EditJob& job) {
  command.add_option("--image", photo.image,
                     "edit this photo (PNG, JPEG, WebP, TIFF; at most 100 MP): inverted, then edited at a working size "
                     "within the model's native size squared (SDXL: 1024x1024), sides multiples of 8; small photos "
                     "are scaled up (SDXL: shorter side 256); the result comes back at the photo's size")
      ->type_name("FILE");
  command.add_option("--inversion", photo.inversion,
                     "edit from this inversion file (partedit-cli invert); with --image also composites")
      ->type_name("FILE");
  command.add_option("--caption-model", photo.caption_model, "BLIP-2 folder that captions the photo when no --prompt is given")
      ->type_name("DIR");
  command.add_option("--source-guidance", photo.invert.guidance, "guidance of the photo's inversion")
      ->type_name("G")
      ->check(number_at_least(0))
      ->capture_default_str();
  command.add_option("--skip", photo.invert.skip, "fraction of the noisiest inversion steps skipped")
      ->type_name("F")
      ->check(fraction_below_one())
      ->capture_default_str();
  command.add_option("--zero-noise-steps", photo.invert.zero_noise_steps,
                     "last noise maps zeroed in the inversion (at most --steps)")
      ->type_name("N")
      ->check(whole_at_least(0))
      ->capture_default_str();
  command.add_option("--cache-dir", photo.cache_dir, "where inversions are kept for later edits (default ~/.cache/partedit/inversions)")
      ->type_name("DIR");
  command.add_option("--cache-limit", photo.cache_limit,
                     "keep the cache under SIZE, e.g. 500M or 4G (default $PARTEDIT_CACHE_LIMIT or 4G; least "
                     "recently used inversions go first)")
      ->type_name("SIZE");
  command.add_flag("--no-cache", photo.no_cache, "neither reuse nor keep the photo's inversion");
  command.add_option("--feather", job.feather, "feather radius of the compositing mask in original pixels")
      ->type_name("PX")
      ->check(number_at_least(0))
      ->capture_default_str();
  command.add_flag("--no-composite", photo.no_composite, "write the decoded edit as is, without restoring the photo's pixels");
}

bool is_photo_edit(const CLI::App& command) { return given(command, "--image") || given(command, "--inversion"); }

void check_photo_options(const CLI::App& command, const PhotoOptions& photo) {
  if (given(command, "--image")) {
    check_photo_file(photo.image);  // throws on a missing, damaged, unsupported or too large file
  }
  if (given(command, "--inversion") && !fs::is_regular_file(photo.inversion))
    throw Error("--inversion " + photo.inversion + ": no such file");
  if (given(command, "--inversion") && given(command, "--caption-model"))
    throw Error("--caption-model is not used with --inversion (the inversion holds its source prompt)");
  for (const char* option : {"--init-latents", "--width", "--height"})
    if (given(command, option)) throw Error(std::string(option) + " does not apply to photo edits (the photo fixes them)");
  if (given(command, "--scheduler")) {
    const std::string scheduler = command.get_option("--scheduler")->as<std::string>();
    const auto& kinds = inversion_scheduler_kinds();
    if (std::find(kinds.begin(), kinds.end(), scheduler) == kinds.end())
      throw Error("photos are inverted with --scheduler " + kinds[0] + " or " + kinds[1] + ", not '" + scheduler + "'");
  }
  inversion_cache_from(photo);  // a malformed --cache-limit or PARTEDIT_CACHE_LIMIT fails before the model loads
  if (given(command, "--image") && !given(command, "--inversion") && !given(command, "--prompt") &&
      !given(command, "--caption-model"))
    throw Error("a photo edit needs its source prompt: give --prompt TEXT, or --caption-model DIR (a BLIP-2 folder) "
                "to caption the photo");
}

std::optional<InversionCache> inversion_cache_from(const PhotoOptions& photo) {
  if (photo.no_cache) return std::nullopt;
  return open_inversion_cache(photo.cache_dir, photo.cache_limit.empty() ? 0 : parse_byte_size(photo.cache_limit, "--cache-limit"));
}

EditJobSource photo_source(const CLI::App& command, const PhotoOptions& photo, const GenerateRequest& generation,
                           Engine& engine) {
  if (given(command, "--inversion")) {
    EditFromInversion from;
    from.inversion = engine.load_inversion(photo.inversion);
    from.name = photo.inversion;
    if (given(command, "--image")) from.image = photo.image;
    if (given(command, "--prompt") && generation.prompt != from.inversion->prompt)
      throw Error("--prompt differs from the prompt the inversion was made with (\"" + from.inversion->prompt +
                  "\"); leave it out or invert again");
    return from;
  }
  EditFromPhoto from;
  from.image = photo.image;
  if (given(command, "--prompt")) {
    if (given(command, "--caption-model")) std::cerr << "warning: --caption-model is not used: --prompt gives the source prompt\n";
    from.prompt = generation.prompt;
  }
  InvertRequest& r = from.inversion;
  r = photo.invert;
  r.steps = generation.steps;
  if (!generation.scheduler.empty()) r.scheduler = generation.scheduler;
  if (!given(command, "--zero-noise-steps")) r.zero_noise_steps = default_zero_noise_steps(r.steps);
  r.seed = generation.seed;
  return from;
}

void write_photo_outputs(const EditOutputs& outputs, const EditJobResult& result) {
  const EditResult& edit = result.edit;
  const bool composited = result.composited.defined();
  const auto size = [](const at::Tensor& image) { return std::to_string(image.size(-1)) + "x" + std::to_string(image.size(-2)); };
  const std::string seed = edit.noise_from_seed ? ", seed " + std::to_string(edit.seed) : "";
  write_image(outputs.out, result.image(), result.parameters());
  std::cout << "wrote " << outputs.out << " (" << size(result.image())
            << (composited ? ", the photo's pixels outside the edited part" : ", not composited") << seed << ")\n";
  if (!outputs.source_out.empty()) {
    write_image(outputs.source_out, result.source_image(), result.source_parameters());
    std::cout << "wrote " << outputs.source_out << " (" << size(result.source_image()) << ")\n";
  }
  if (!outputs.mask_out.empty()) {
    write_image(outputs.mask_out, result.mask().unsqueeze(0).expand({3, -1, -1}), edit.parameters);
    std::cout << "wrote " << outputs.mask_out << (composited ? " (compositing mask)" : "") << "\n";
  }
}

}  // namespace partedit::cli
