#pragma once
// The real-photo options of `partedit-cli edit` (algorithm.md §4), turned into the engine's
// photo source (the workflow itself — caption, inversion cache, inversion, compositing —
// lives in core/engine), and the photo's output files.
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "engine/edit_job.h"
#include "pipeline/inversion.h"
#include "pipeline/inversion_cache.h"

namespace partedit {
class Engine;
}

namespace partedit::cli {

struct PhotoOptions {
  std::string image, inversion, caption_model;
  InvertRequest invert;  // source-guidance, skip and zero-noise-steps bound here
  std::string cache_dir, cache_limit;
  bool no_cache = false, no_composite = false;
};

// The options `edit` takes for photos; --feather is bound to `job`.
void add_photo_options(CLI::App& command, PhotoOptions& photo, EditJob& job);
bool is_photo_edit(const CLI::App& command);  // --image or --inversion
// Checks that need no model: files exist, the photo's header, option combinations, a source prompt.
void check_photo_options(const CLI::App& command, const PhotoOptions& photo);
// --cache-dir / --cache-limit / --no-cache (throws Error on a malformed size).
std::optional<InversionCache> inversion_cache_from(const PhotoOptions& photo);
// The photo source of the edit, once the model is loaded (an --inversion file is read and
// checked against it); `generation` gives the prompt, steps, scheduler and seed.
EditJobSource photo_source(const CLI::App& command, const PhotoOptions& photo, const GenerateRequest& generation,
                           Engine& engine);

// The files an edit writes, as given (empty when not asked for).
struct EditOutputs {
  std::string out, source_out, mask_out, save_masks, save_latents;
};

// Writes the edited photo: composited into the original (unless --no-composite) at its
// original size, the compositing mask to --mask-out, and --source-out (the source decode
// composited the same way, with the source's own parameters).
void write_photo_outputs(const EditOutputs& outputs, const EditJobResult& result);

}  // namespace partedit::cli
