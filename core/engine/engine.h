#pragma once
// The engine: the one object a running application keeps (architecture.md, "One engine, two
// front ends"). It owns what stays loaded — the diffusion model (loaded once, swapped on
// request), the caption model (loaded lazily, released after each caption), the part-token
// library and the inversion cache — and serves every request with one progress type
// (EngineListener) and one cancellation convention (a CancelToken checked between steps;
// CancelledError is thrown and nothing is kept). `partedit-cli` and the app's worker thread
// both drive it. Not thread-safe: every call comes from the thread that owns it.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "editing/token_library.h"
#include "engine/edit_job.h"
#include "engine/engine_events.h"
#include "pipeline/captioner.h"
#include "pipeline/inversion.h"
#include "pipeline/inversion_cache.h"
#include "pipeline/model_load_options.h"
#include "pipeline/text_to_image.h"
#include "runtime/cancel.h"
#include "runtime/compute.h"
#include "runtime/threads.h"  // configure_runtime: what a program calls before its first engine
#include "training/part_locator.h"
#include "training/token_trainer.h"
#include "training/training_set.h"

namespace partedit {

class DiffusionModel;

struct EngineOptions {
  std::filesystem::path shipped_token_dir;        // the tokens installed with the program ("" = none)
  std::vector<std::filesystem::path> token_dirs;  // the user's folders, first = where imports go; empty = the default
  std::optional<std::filesystem::path> caption_model;  // a BLIP-2 folder
  ComputeOptions caption_compute;  // captions without a diffusion model loaded; with one, its device and dtype
  std::optional<InversionCache> inversion_cache;  // nullopt: inversions are neither reused nor kept
};

// A token to train (core/training) from image files and their masks.
struct TrainTokenJob {
  std::vector<TrainingPair> pairs;       // image and mask files (training_set.h states the rules)
  TokenTrainingOptions options;
  std::filesystem::path checkpoint;      // written every checkpoint_every steps, at the end and when cancelled ("" = none)
  bool resume = false;                   // continue from `checkpoint` when it exists
};

// What training reports beyond EngineProgress (Training stage: step / total, s/step, left).
struct TrainingListener {
  EngineListener engine;
  TrainingObserver observer;  // every step's loss, every validation (with a map), every checkpoint
};

struct TrainTokenResult {
  PartToken token;
  TokenCheckpoint history;     // the whole run's curves (also when resumed)
  std::vector<std::string> validation_images;  // names of the held-out images
};

// A token's part in a photo, at the photo's size and at the working size.
struct LocateResult {
  LocatedPart working;  // the working frame's map, threshold and mask
  at::Tensor mask;      // [H0, W0] float32 in {0, 1}: the photo's own size
  at::Tensor map;       // [H0, W0] float32 in [0, 1]
  Photo photo;
};

struct CaptionResult {
  std::string caption;
  CaptionTimings timings;
  double load_seconds = 0;  // loading the caption model for this caption
  double read_seconds = 0;  // reading the photo (caption_photo)
};

struct InvertResult {
  Inversion inversion;
  Photo photo;                     // the photo as read, and its working size
  std::vector<double> step_seconds;
};

// What a front end shows of the loaded model, and what a part token must match.
struct LoadedModelInfo {
  std::filesystem::path path;    // the folder or single file
  std::string name;
  std::string family;            // "SDXL", "SD 1.x/2.x"
  std::string token_family;      // the family part tokens record ("sdxl", "sd15", "sd21")
  int64_t default_size = 0;      // pixels, the side it generates at by default
  int64_t token_width = 0;       // a part token's embedding width for this model
  ComputeOptions compute;
  ModelLoadOptions load_options;
};

// The crop record of an inversion made from `photo`.
PhotoCrop crop_record(const Photo& photo);

class Engine {
 public:
  explicit Engine(EngineOptions options = {});
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // ---- what stays loaded ----------------------------------------------------------------
  // Loads a diffusers folder or a single-file checkpoint (replacing the loaded model; the same
  // path, compute and options again is a no-op). Throws Error with the loader's message; the
  // previous model stays loaded then.
  DiffusionModel& load_model(const std::filesystem::path& folder, const ComputeOptions& compute,
                             const EngineListener& listener = {}, const ModelLoadOptions& options = {});
  bool has_model() const;
  // True when load_model with these arguments would keep the loaded model.
  bool has_model(const std::filesystem::path& folder, const ComputeOptions& compute,
                 const ModelLoadOptions& options) const;
  std::optional<LoadedModelInfo> loaded_model() const;
  DiffusionModel& model();  // throws Error when no model is loaded
  const DiffusionModel& model() const;
  void unload_model();

  void set_caption_model(std::optional<std::filesystem::path> folder);
  const std::optional<std::filesystem::path>& caption_model() const { return options_.caption_model; }

  const TokenLibrary& tokens() const { return library_; }
  // Re-reads the token folders (after an import, or with other folders).
  void set_token_folders(std::filesystem::path shipped, std::vector<std::filesystem::path> user);

  void set_inversion_cache(std::optional<InversionCache> cache);
  const InversionCache* inversion_cache() const;

  // ---- requests -------------------------------------------------------------------------
  GenerateResult generate(const GenerateRequest& request, const EngineListener& listener = {},
                          const CancelToken& cancel = {});
  // Captions an image ([3, H, W] RGB in [0, 1]) with the caption model (loaded for this call,
  // then released); throws Error when none is set.
  CaptionResult caption(const at::Tensor& image, const CaptionRequest& request = {},
                        const EngineListener& listener = {}, const CancelToken& cancel = {});
  // Captions a photo file as read (oriented, over white, at full size): the caption a photo
  // edit without a typed prompt starts from. The photo's warnings go to the listener.
  CaptionResult caption_photo(const std::string& image, const CaptionRequest& request = {},
                              const EngineListener& listener = {}, const CancelToken& cancel = {});
  // Inverts a photo file at the model's working size; `settings` give everything but the
  // image and crop.
  InvertResult invert(const std::string& image, const InvertRequest& settings, const EngineListener& listener = {},
                      const CancelToken& cancel = {});
  // Denoises an inversion back into an image (what an edit's source path reproduces); its
  // progress is an Inverting stage named "replay" by the CLI.
  Reconstruction replay(const Inversion& inversion, const EngineListener& listener = {}, const CancelToken& cancel = {});
  EditJobResult edit(const EditJob& job, const EngineListener& listener = {},
                     const CancelToken& cancel = {});
  // `previous` (an edit run with keep_state) with another t_e, re-rendered from the first
  // step that changes (rerender_edit), composited again for a photo.
  EditJobResult rerender(const EditJobResult& previous, int64_t edit_end_step, const EngineListener& listener = {},
                         const CancelToken& cancel = {});

  // Trains a part token with the loaded model: every image and mask is read and checked
  // first (at the model's working size), then prepared, then optimised. CancelledError after
  // the checkpoint is written; a diverged run throws Error without overwriting it.
  TrainTokenResult train_token(const TrainTokenJob& job, const TrainingListener& listener = {},
                               const CancelToken& cancel = {});
  // A training pair as training reads it, at the loaded model's working size (what a
  // front end previews a validation on).
  TrainingExample training_example(const TrainingPair& pair) const;
  // Where `token`'s part is in the photo file `image` (LocateRequest's image is ignored).
  LocateResult locate(const std::string& image, const PartToken& token, const LocateRequest& settings,
                      const EngineListener& listener = {}, const CancelToken& cancel = {});
  // Writes a trained token into the user token folder as <part-name>.safetensors and
  // re-reads the library, so the part can be named at once. Refuses to replace another
  // token of that name unless `overwrite`. Returns the file.
  std::filesystem::path save_token(const PartToken& token, bool overwrite = false);

  // An inversion file made with the loaded model (throws Error otherwise).
  std::shared_ptr<const Inversion> load_inversion(const std::filesystem::path& path);
  // A photo file at the model's working size; its warnings and notes go to the listener.
  Photo load_working_photo(const std::string& path, const EngineListener& listener = {});

 private:
  EngineOptions options_;
  TokenLibrary library_;
  std::unique_ptr<DiffusionModel> model_;
};

}  // namespace partedit
