// Engine requests of token training (core/training): train_token, locate, save_token.
#include <ATen/ATen.h>

#include "editing/part_edit_pipeline.h"
#include "editing/part_token.h"
#include "engine/engine.h"
#include "pipeline/diffusion_model.h"
#include "runtime/error.h"
#include "runtime/progress_clock.h"

namespace partedit {
namespace fs = std::filesystem;

namespace {
FitOptions training_fit(const DiffusionModel& m) { return FitOptions::for_model(m.default_image_size(), m.vae_scale_factor()); }
}  // namespace

TrainingExample Engine::training_example(const TrainingPair& pair) const {
  return load_training_example(pair, training_fit(model()));
}

TrainTokenResult Engine::train_token(const TrainTokenJob& job, const TrainingListener& listener,
                                     const CancelToken& cancel) {
  DiffusionModel& m = model();
  const auto& engine = listener.engine;
  job.options.validate();
  if (job.pairs.empty()) throw Error("no training images: add images with their part masks");
  // 1. every image and mask, checked before any model work
  const auto fit = training_fit(m);
  engine.say("reading " + std::to_string(job.pairs.size()) + " images and masks");
  auto examples = load_training_examples(job.pairs, fit);
  TokenCheckpoint resumed;
  const bool resuming = job.resume && !job.checkpoint.empty() && fs::exists(job.checkpoint);
  if (resuming) {  // a checkpoint of another run is refused before the preparation's minutes
    resumed = read_token_checkpoint(job.checkpoint);
    check_fingerprints_match(resumed.fingerprint, training_fingerprint(m, examples, job.options), job.checkpoint.string());
  }

  // 2. preparation, 3. the steps
  ProgressClock preparing_clock;
  TokenTrainer trainer(m, std::move(examples), job.options,
                       [&](const std::string& what, int64_t done, int64_t total) {
                         if (done == 0) engine.say(what);
                         if (!engine.progress || done == 0) return;
                         EngineProgress p;
                         p.stage = EngineStage::PreparingTraining;
                         p.estimate = preparing_clock.tick(static_cast<int>(done), static_cast<int>(total));
                         engine.progress(p);
                         if (done == total) preparing_clock.restart();
                       },
                       cancel);
  if (resuming) {
    trainer.resume(resumed, job.checkpoint.string());
    engine.say("resuming at step " + std::to_string(trainer.steps_done()) + " of " + std::to_string(job.options.steps));
  }
  ProgressClock clock;
  TrainingObserver observer = listener.observer;
  observer.step = [&](const TrainingStepReport& r) {
    if (listener.observer.step) listener.observer.step(r);
    if (engine.progress) {
      EngineProgress p;
      p.stage = EngineStage::Training;
      p.estimate = clock.tick(static_cast<int>(r.step), static_cast<int>(r.steps));
      p.timestep = static_cast<double>(r.timestep);
      engine.progress(p);
    }
  };
  TrainTokenResult result;
  result.token = run_token_training(trainer, job.checkpoint, observer, cancel);
  result.history = trainer.checkpoint();
  for (size_t i : trainer.split().validation) result.validation_images.push_back(trainer.examples()[i].name);
  return result;
}

LocateResult Engine::locate(const std::string& image, const PartToken& token, const LocateRequest& settings,
                            const EngineListener& listener, const CancelToken& cancel) {
  DiffusionModel& m = model();
  check_token_compatible(token, m.prompt_encoder().embed_dim(), model_family_code(m));
  LocateResult result;
  result.photo = load_working_photo(image, listener);
  LocateRequest request = settings;
  request.image = result.photo.working;
  listener.say("locating '" + token.part_name + "'");
  result.working = locate_part(m, token, request, cancel);
  // Back onto the photo: the map resampled, the mask cut at one half of its resampling.
  result.map = map_to_original(result.working.normalized.to(at::kCPU), result.photo.fit, true);
  result.mask = map_to_original(result.working.mask.to(at::kCPU), result.photo.fit, true).ge(0.5).to(at::kFloat);
  return result;
}

fs::path Engine::save_token(const PartToken& token, bool overwrite) {
  const fs::path folder = library_.user_folder();
  std::error_code ec;
  fs::create_directories(folder, ec);
  if (ec) throw Error("cannot create the token folder " + folder.string() + ": " + ec.message());
  const fs::path path = folder / (token.part_name + ".safetensors");
  if (!overwrite && fs::exists(path))
    throw Error("the library already has a token named '" + token.part_name + "' (" + path.string() +
                "); choose another part name or replace it");
  write_part_token(path, token);
  set_token_folders(options_.shipped_token_dir, options_.token_dirs);
  return path;
}

}  // namespace partedit
