#pragma once
// The real-photo options of `partedit-cli edit` (algorithm.md §4), turned into the engine's
// photo source (the workflow itself — caption, inversion cache, inversion, compositing —
// lives in core/engine), and the photo's output files.
#include <optional>
#include <string>
#include <vector>

#include "args.h"
#include "engine/edit_job.h"
#include "pipeline/inversion_cache.h"

namespace partedit {
class Engine;
}

namespace partedit::cli {

// The options `edit` takes for photos.
std::vector<OptionSpec> photo_option_specs();
bool is_photo_edit(const Args& args);  // --image or --inversion
// Checks that need no model: files exist, the photo's header, option ranges, a source prompt.
void check_photo_args(const Args& args);
// --cache-dir / --cache-limit / --no-cache (throws Error on a malformed size).
std::optional<InversionCache> inversion_cache_from_args(const Args& args);
// The photo source of the edit, once the model is loaded (an --inversion file is read and
// checked against it).
EditJobSource photo_source_from_args(const Args& args, Engine& engine);

// Writes the edited photo: composited into the original (unless --no-composite) at its
// original size, the compositing mask to --mask-out, and --source-out (the source decode
// composited the same way, with the source's own parameters).
void write_photo_outputs(const Args& args, const EditJobResult& result);

}  // namespace partedit::cli
