// EngineWorker: training a part token and saving it into the library.
#include <map>

#include <ATen/ATen.h>

#include "ui/worker/engine_worker_state.h"
#include "ui/worker/tensor_image.h"

namespace partedit::ui {
namespace fs = std::filesystem;

namespace {

TokenTrainingOptions training_options(const TrainingSettings& s) {
  TokenTrainingOptions o;
  o.part_name = utf8(s.partName);
  o.mode = parse_training_mode(utf8(s.mode));
  o.optimizer = parse_token_optimizer(utf8(s.optimizer));
  o.steps = s.steps;
  o.learning_rate = s.learningRate;
  o.timestep_high = s.timestepHigh;
  o.timestep_low = s.timestepLow;
  o.timestep_stride = s.timestepStride;
  o.validation_split = s.validationSplit;
  o.validate_every = s.validateEvery;
  o.seed = s.seed;
  return o;
}

TrainingValidationPoint to_point(const ValidationPoint& p) {
  return {static_cast<int>(p.step), p.loss, p.miou};
}

}  // namespace

void EngineWorker::trainToken(quint64 id, const TrainingSettings& settings) {
  run(id, tr("Training the part token"), [&] {
    prepare(id, true);
    State& s = *state_;
    Engine& engine = *s.engine;
    TrainTokenJob job;
    for (const TrainingImage& image : settings.images) {
      const HoldOut holdOut = image.holdOut == TrainingImage::HoldOut::Always  ? HoldOut::Always
                              : image.holdOut == TrainingImage::HoldOut::Never ? HoldOut::Never
                                                                                : HoldOut::Automatic;
      job.pairs.push_back({utf8(image.name), fs::path(utf8(image.imagePath)), fs::path(utf8(image.maskPath)), holdOut});
    }
    job.options = training_options(settings);
    job.checkpoint = fs::path(utf8(settings.checkpointPath));
    job.resume = settings.resume;

    std::map<int64_t, TrainingExample> previews;  // the images the previews show, read once
    TrainingListener listener;
    listener.engine = listener_for(this, id);
    listener.observer.step = [&](const TrainingStepReport& r) {
      TrainingStepInfo info;
      info.step = static_cast<int>(r.step);
      info.steps = static_cast<int>(r.steps);
      info.loss = r.loss;
      info.learningRate = r.learning_rate;
      info.timestep = static_cast<int>(r.timestep);
      info.seconds = r.seconds;
      Q_EMIT trainingStep(id, info);
    };
    listener.observer.validation = [&](const ValidationReport& r) {
      TrainingValidationInfo info;
      info.point = {static_cast<int>(r.step), r.loss, r.miou};
      info.onTrainingImages = r.on_training_images;
      const auto index = r.preview_example;
      if (index >= 0 && index < static_cast<int64_t>(job.pairs.size()) && r.preview_map.defined()) {
        auto found = previews.find(index);
        if (found == previews.end()) found = previews.emplace(index, engine.training_example(job.pairs[index])).first;
        info.imageName = qt(job.pairs[index].name);
        info.image = image_from_tensor(found->second.image);
        info.map = mask_from_tensor(r.preview_map.clamp(0, 1));
        info.paintedMask = mask_from_tensor(found->second.mask);
      }
      Q_EMIT trainingValidated(id, info);
    };
    listener.observer.checkpoint = [&](const fs::path& path, int64_t step) {
      Q_EMIT trainingCheckpoint(id, qt(path.string()), static_cast<int>(step));
    };
    s.trained.reset();
    TrainTokenResult result = engine.train_token(job, listener, s.cancel);

    TrainedTokenInfo info;
    info.partName = settings.partName;
    info.steps = static_cast<int>(result.history.step);
    for (double loss : result.history.losses) info.losses.push_back(loss);
    for (const ValidationPoint& p : result.history.validations) info.validations.push_back(to_point(p));
    for (const std::string& name : result.validation_images) info.validationImages.push_back(qt(name));
    s.trained = std::move(result.token);
    Q_EMIT tokenTrained(id, info);
  });
}

void EngineWorker::saveTrainedToken(quint64 id, const QString& partName, bool overwrite) {
  run(id, tr("Saving the part token"), [&] {
    State& s = *state_;
    if (!s.engine || !s.trained) throw Error("there is no trained token to save: train one first");
    const QString problem = partNameProblem(partName);
    if (!problem.isEmpty()) throw Error(utf8(problem));
    prepare(id, false);
    PartToken token = *s.trained;
    if (token.part_name != utf8(partName)) token.display_name.clear();  // derived from the new name
    token.part_name = utf8(partName);
    const fs::path existing = s.engine->tokens().user_folder() / (token.part_name + ".safetensors");
    if (!overwrite && fs::exists(existing)) {
      Q_EMIT tokenNameTaken(id, partName, qt(existing.string()));
      return;
    }
    const fs::path path = s.engine->save_token(token, overwrite);
    Q_EMIT tokenSaved(id, partName, qt(path.string()));
    emitTokens();
  }, Cancellable::No);
}

}  // namespace partedit::ui
