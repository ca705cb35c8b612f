#pragma once
// The real-photo side of `partedit-cli edit` (algorithm.md §4): the photo at the model's
// working size, its source prompt (--prompt, else a BLIP-2 caption), its inversion (from
// --inversion, the cache, or computed and cached) and the compositing of the result back
// into the original pixels.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "args.h"
#include "io/image_photo.h"
#include "runtime/cancel.h"

namespace partedit {
class DiffusionModel;
struct Inversion;
struct InvertRequest;
struct EditResult;
}  // namespace partedit

namespace partedit::cli {

// The options `edit` takes for photos.
std::vector<OptionSpec> photo_option_specs();
bool is_photo_edit(const Args& args);  // --image or --inversion
// Checks that need no model: files exist, the photo's header, option ranges.
void check_photo_args(const Args& args);

struct PhotoSource {
  std::optional<Photo> photo;                  // with --image
  std::shared_ptr<const Inversion> inversion;  // reused or loaded; else the edit inverts `photo_request`
  std::shared_ptr<const InvertRequest> photo_request;
  std::string prompt;                          // the source prompt the inversion used
  std::string prompt_origin;                   // "--prompt", "BLIP-2 caption", "the inversion file"
  double caption_seconds = 0, invert_seconds = 0;
  bool inversion_reused = false;
  bool seed_given = false;                     // --seed; else a random seed (or the cached inversion's)
};

// What the edit needs to see of the source prompt before anything is inverted.
struct SourcePromptHooks {
  // A caption turned into the source prompt (e.g. shortened so that the edit fits).
  std::function<std::string(const std::string& caption)> fit_caption;
  // Called with the source prompt once known, before the inversion (throws to stop).
  std::function<void(const std::string& prompt)> check_prompt;
};

PhotoSource prepare_photo_source(const Args& args, DiffusionModel& model, const CancelToken& cancel,
                                 const SourcePromptHooks& hooks = {});

// Keeps the inversion an edit computed in the cache (unless --no-cache).
void keep_inversion(const Args& args, const DiffusionModel& model, const PhotoSource& source, const EditResult& result);

// Writes the edited photo: composited into the original (unless --no-composite) at its
// original size, the compositing mask to --mask-out, and --source-out (the source decode
// composited the same way, with the source's own parameters).
void write_photo_outputs(const Args& args, const PhotoSource& source, const EditResult& result);

}  // namespace partedit::cli
