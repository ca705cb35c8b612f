#include "ui/worker/engine_worker.h"

#include <atomic>
#include <exception>

#include <ATen/ATen.h>

#include "engine/engine.h"
#include "engine/precision_choice.h"
#include "runtime/cpu_share.h"
#include "engine/image_settings.h"
#include "ui/worker/engine_worker_state.h"
#include "ui/worker/tensor_image.h"

namespace partedit::ui {
namespace fs = std::filesystem;

namespace {

GenerateRequest to_request(const GenerateSettings& s) {
  GenerateRequest r;
  r.prompt = utf8(s.prompt);
  r.negative = utf8(s.negative);
  r.seed = s.seed;
  r.steps = s.steps;
  r.guidance = s.guidance;
  r.scheduler = utf8(s.scheduler);
  r.width = s.width;
  r.height = s.height;
  r.preview = true;
  return r;
}

ProgressInfo to_progress(const EngineProgress& p) {
  ProgressInfo info;
  info.stage = qt(stage_label(p.stage));
  info.stageId = static_cast<int>(p.stage);
  info.step = p.estimate.step;
  info.total = p.estimate.total;
  info.elapsed = p.estimate.elapsed;
  info.remaining = p.estimate.remaining;
  info.secondsPerStep = p.estimate.seconds_per_step;
  if (p.preview.defined()) info.preview = image_from_tensor(p.preview);
  if (p.mask.defined()) info.mask = mask_from_tensor(p.mask);
  return info;
}

// The history's list picture (its side: ui/history kHistoryThumbnailSide), made here so that a
// large photo's result costs the GUI thread nothing.
QImage result_thumbnail(const QImage& image) {
  constexpr int kSide = 96;
  return image.scaled(kSide, kSide, Qt::KeepAspectRatio, Qt::SmoothTransformation);
}

ResultImages edit_images(const EditJobResult& r) {
  ResultImages out;
  out.isEdit = true;
  out.image = image_from_tensor(r.image());
  out.thumbnail = result_thumbnail(out.image);
  out.source = image_from_tensor(r.source_image());
  out.mask = mask_from_tensor(r.mask());
  for (int64_t i = 0; i < r.edit.masks.size(0); ++i) out.stepMasks.push_back(mask_from_tensor(r.edit.masks[i]));
  out.parameters = qt(r.parameters());
  out.sourceParameters = qt(r.source_parameters());
  out.sourcePrompt = qt(r.source_prompt);
  out.promptOrigin = qt(prompt_origin_text(r.prompt_origin));
  out.editPrompt = qt(r.edit.edit_prompt);
  out.seed = r.edit.seed;
  out.steps = static_cast<int>(r.edit.masks.size(0));
  out.inversionReused = r.inversion_reused;
  out.canRerender = r.edit.state != nullptr;
  out.seconds = r.edit.timings.total + r.caption_seconds + r.invert_seconds;
  return out;
}

// The edit box's text as an instruction, its part from the library.
EditJob edit_job(const Engine& engine, const EditSettings& s) {
  EditJob job;
  const TokenLibrary& library = engine.tokens();
  const AppendedEdit appended = parse_appended_edit(
      utf8(s.instruction), [&](const std::string& text) { return names_available_part(library, text); });
  job.instruction = EditInstruction::appended_edit(appended);
  job.parts = {resolve_appended_part(library, appended)};
  if (s.editEnd) job.edit_end_step = *s.editEnd;
  job.omega = s.omega;
  job.cross_replace = s.crossReplace;
  job.feather = s.feather;
  job.keep_state = true;  // t_e can then move instantly
  return job;
}

}  // namespace

EngineListener listener_for(EngineWorker* worker, quint64 id) {
  EngineListener l;
  l.progress = [worker, id](const EngineProgress& p) { Q_EMIT worker->progress(id, to_progress(p)); };
  l.status = [worker, id](const std::string& t) {
    // Multi-line status (the CLI's "edit prompt: …\nparts: …") as one status-bar line.
    Q_EMIT worker->message(id, EngineWorker::Status, qt(t).replace(QLatin1Char('\n'), QStringLiteral(" · ")));
  };
  l.note = [worker, id](const std::string& t) { Q_EMIT worker->message(id, EngineWorker::Note, qt(t)); };
  l.warning = [worker, id](const std::string& t) { Q_EMIT worker->message(id, EngineWorker::Warning, qt(t)); };
  return l;
}

EngineWorker::EngineWorker() : state_(std::make_unique<State>()) {}
EngineWorker::~EngineWorker() = default;

void EngineWorker::requestQueued(quint64 id) { state_->requests.queued(id); }
void EngineWorker::cancel(quint64 id) { state_->requests.cancel(id); }
void EngineWorker::cancelAll() { state_->requests.cancel_all(); }

void EngineWorker::run(quint64 id, const QString& what, const std::function<void()>& body, Cancellable cancellable) {
  State& s = *state_;
  // A request that is not cancellable gets a token no cancel reaches.
  s.cancel = cancellable == Cancellable::Yes ? s.requests.started(id) : CancelToken();
  if (s.cancel.cancelled()) {
    s.requests.ended(id);
    Q_EMIT cancelled(id);  // cancelled while queued: it never starts
    Q_EMIT finished(id);
    return;
  }
  Q_EMIT started(id, what);
  try {
    body();
  } catch (const CancelledError&) {
    Q_EMIT cancelled(id);
  } catch (...) {
    Q_EMIT failed(id, qt(describe_exception(std::current_exception()).text()));
  }
  // Another program took or gave back cores during the run (runtime/cpu_share.h): say so once.
  const std::string sharing = blas_threads_reason();
  if (!sharing.empty() && sharing != s.lastSharingNote) {
    s.lastSharingNote = sharing;
    Q_EMIT message(id, Status, tr("CPU shared: %1").arg(qt(sharing)));  // for the log
  }
  s.requests.ended(id);
  Q_EMIT finished(id);
}

void EngineWorker::configure(const EngineConfig& config) {
  state_->config = config;
  state_->configured = false;  // applied before the next request
}

void EngineWorker::prepare(quint64 id, bool needModel) {
  State& s = *state_;
  if (!s.engine || !s.configured) {
    EngineOptions options;
    options.shipped_token_dir = program_token_dir();
    if (!s.config.tokenFolder.isEmpty()) options.token_dirs = {utf8(s.config.tokenFolder)};
    if (!s.config.captionFolder.isEmpty()) options.caption_model = fs::path(utf8(s.config.captionFolder));
    if (s.config.useCache)
      options.inversion_cache = open_inversion_cache(fs::path(utf8(s.config.cacheFolder)),
                                                     static_cast<uint64_t>(std::max<qint64>(0, s.config.cacheLimitBytes)));
    if (!s.engine) {
      s.engine = std::make_unique<Engine>(std::move(options));
    } else {
      s.engine->set_token_folders(options.shipped_token_dir, options.token_dirs);
      s.engine->set_caption_model(options.caption_model);
      s.engine->set_inversion_cache(std::move(options.inversion_cache));
    }
    s.configured = true;
  }
  if (!needModel) return;
  if (s.config.modelFolder.isEmpty())
    throw Error("no model folder is set: choose an SDXL or SD 1.x/2.x diffusers folder in Preferences");
  const ComputeOptions compute = choose_compute(utf8(s.config.device), utf8(s.config.dtype));
  const fs::path folder = utf8(s.config.modelFolder);
  ModelLoadOptions load_options;
  load_options.config_dir = utf8(s.config.modelConfigFolder);
  if (s.engine->has_model(folder, compute, load_options)) return;
  ProgressInfo loading;
  loading.stage = qt(stage_label(EngineStage::LoadingModel));
  loading.stageId = static_cast<int>(EngineStage::LoadingModel);
  Q_EMIT progress(id, loading);
  s.last_edit.reset();  // its state belongs to the previous model
  s.trained.reset();
  {
    // Cancel lands between tensors of a load (the engine loads aside, keeping the old model).
    const CancelScope loading(s.cancel);
    try {
      s.engine->load_model(folder, compute, listener_for(this, id), load_options);
    } catch (const CancelledError&) {
      throw;
    } catch (...) {
      Q_EMIT modelLoadFailed(s.config.modelFolder, qt(describe_exception(std::current_exception()).text()));
      throw;
    }
  }
  const LoadedModelInfo model = *s.engine->loaded_model();
  ModelInfo info;
  info.folder = s.config.modelFolder;
  info.name = qt(model.name);
  info.family = qt(model.family);
  info.defaultSize = static_cast<int>(model.default_size);
  info.compute = qt(compute.describe());
  info.computeReason = qt(compute.choice_reason);
  if (!compute.choice_reason.empty())
    Q_EMIT message(id, compute.choice_warns ? Warning : Note,
                   tr("Precision %1 (%2)").arg(qt(dtype_name(compute.dtype)), info.computeReason));
  Q_EMIT modelLoaded(info);
  emitTokens();
}

void EngineWorker::emitTokens() {
  State& s = *state_;
  QVector<TokenInfo> tokens;
  const std::optional<LoadedModelInfo> model = s.engine->loaded_model();
  const bool has_model = model.has_value();
  const int64_t width = has_model ? model->token_width : 0;
  const std::string family = has_model ? model->token_family : "";
  for (const TokenListing& listing : s.engine->tokens().list()) {
    if (listing.shadowed) continue;
    TokenInfo t;
    t.path = qt(listing.info.path.string());
    t.partName = qt(listing.info.part_name);
    t.displayName = qt(listing.info.display_name.empty() ? listing.info.part_name : listing.info.display_name);
    t.baseModel = qt(listing.info.base_model_family);
    t.width = listing.info.embedding_dim;
    t.source = qt(listing.info.path.parent_path().string());
    std::error_code ec;
    t.editable = listing.problem.empty() &&
                 fs::equivalent(listing.info.path.parent_path(), s.engine->tokens().user_folder(), ec);
    // Core's rule (token_fit), the one an edit with the token would apply; worded here to be translated.
    const TokenFit fit = has_model ? token_fit(listing.info.embedding_dim, listing.info.base_model_family, width, family)
                                   : TokenFit::Fits;
    if (!listing.problem.empty()) {
      t.usable = false;
      t.reason = qt(listing.problem);
    } else if (fit == TokenFit::WidthDiffers) {
      t.usable = false;
      t.reason = tr("its embedding is %1 wide but the loaded model needs %2: it was trained for another model family")
                     .arg(listing.info.embedding_dim)
                     .arg(width);
    } else if (fit == TokenFit::FamilyDiffers) {
      t.usable = false;
      t.reason = tr("trained for %1; the loaded model is %2")
                     .arg(qt(listing.info.base_model_family), qt(family));
    }
    tokens.push_back(t);
  }
  Q_EMIT tokensListed(tokens);
  Q_EMIT partNamesListed(PartVocabulary(std::make_shared<const PartNames>(s.engine->tokens())));
}

void EngineWorker::generate(quint64 id, const GenerateSettings& settings) {
  run(id, tr("Generating"), [&] {
    prepare(id, true);
    const GenerateResult r = state_->engine->generate(to_request(settings), listener_for(this, id), state_->cancel);
    ResultImages out;
    out.requestId = id;
    out.image = image_from_tensor(r.image);
    out.thumbnail = result_thumbnail(out.image);
    out.parameters = qt(r.parameters);
    out.sourcePrompt = settings.prompt;
    out.seed = r.seed;
    out.steps = settings.steps;
    out.seconds = r.timings.total;
    Q_EMIT resultReady(out);
  });
}

void EngineWorker::editGenerated(quint64 id, const GenerateSettings& source, const EditSettings& edit) {
  run(id, tr("Editing"), [&] {
    prepare(id, true);
    EditJob job = edit_job(*state_->engine, edit);
    job.generation = to_request(source);
    job.from = EditFromPrompt{};
    runEdit(id, job);
  });
}

void EngineWorker::editPhoto(quint64 id, const PhotoSettings& photo, const GenerateSettings& generation,
                             const EditSettings& edit) {
  run(id, tr("Editing the photo"), [&] {
    prepare(id, true);
    EditJob job = edit_job(*state_->engine, edit);
    job.generation = to_request(generation);
    EditFromPhoto from;
    from.image = utf8(photo.path);
    if (!photo.sourcePrompt.trimmed().isEmpty()) from.prompt = utf8(photo.sourcePrompt);
    from.inversion.guidance = photo.sourceGuidance;
    from.inversion.steps = photo.steps;
    from.inversion.skip = photo.skip;
    from.inversion.scheduler = utf8(photo.scheduler);
    from.inversion.zero_noise_steps = default_zero_noise_steps(photo.steps);
    from.inversion.seed = photo.seed;
    job.from = from;
    job.generation.steps = photo.steps;
    job.use_cache = state_->config.useCache;
    runEdit(id, job);
  });
}

void EngineWorker::runEdit(quint64 id, EditJob& job) {
  State& s = *state_;
  s.last_edit.reset();  // a new edit replaces the re-renderable one (its state can be large)
  EditJobResult r = s.engine->edit(job, listener_for(this, id), s.cancel);
  ResultImages out = edit_images(r);
  out.requestId = id;
  out.editEnd = static_cast<int>(job.edit_end_step.value_or(out.steps));
  s.last_edit = std::move(r);
  Q_EMIT resultReady(out);
}

void EngineWorker::rerender(quint64 id, int editEnd) {
  run(id, tr("Re-rendering"), [&] {
    State& s = *state_;
    if (!s.engine || !s.last_edit) throw Error("there is no edit to re-render: apply an edit first");
    EditJobResult r = s.engine->rerender(*s.last_edit, editEnd, listener_for(this, id), s.cancel);
    ResultImages out = edit_images(r);
    out.requestId = id;
    out.editEnd = editEnd;
    out.rerendered = true;
    s.last_edit = std::move(r);
    Q_EMIT resultReady(out);
  });
}

void EngineWorker::caption(quint64 id, const QString& photoPath) {
  run(id, tr("Captioning"), [&] {
    prepare(id, true);
    Engine& engine = *state_->engine;
    const Photo photo = engine.load_working_photo(utf8(photoPath), listener_for(this, id));
    const CaptionResult r = engine.caption(photo.working, {}, listener_for(this, id), state_->cancel);
    Q_EMIT captionReady(id, qt(r.caption));
  });
}

void EngineWorker::listTokens() {
  run(0, tr("Listing part tokens"), [&] {
    prepare(0, false);
    emitTokens();
  }, Cancellable::No);
}

void EngineWorker::importToken(quint64 id, const QString& file) {
  run(id, tr("Importing a part token"), [&] {
    prepare(id, false);
    const ImportResult r = state_->engine->tokens().import_file(utf8(file));
    for (const auto& n : r.notes) Q_EMIT message(id, Note, qt(n));
    Q_EMIT message(id, Status, r.unchanged ? tr("%1 is already installed").arg(qt(r.part_name))
                                           : tr("Installed the part token %1").arg(qt(r.part_name)));
    state_->configured = false;  // the library is read again
    prepare(id, false);
    emitTokens();
  }, Cancellable::No);
}

void EngineWorker::renameToken(quint64 id, const QString& partName, const QString& newName) {
  run(id, tr("Renaming a part token"), [&] {
    prepare(id, false);
    const fs::path renamed = state_->engine->tokens().rename(utf8(partName), utf8(newName));
    Q_EMIT message(id, Status, tr("Renamed the part token %1 to %2").arg(partName, qt(renamed.stem().string())));
    state_->configured = false;  // the library is read again
    prepare(id, false);
    emitTokens();
  }, Cancellable::No);
}

void EngineWorker::deleteToken(quint64 id, const QString& partName) {
  run(id, tr("Deleting a part token"), [&] {
    prepare(id, false);
    const fs::path removed = state_->engine->tokens().remove(utf8(partName));
    Q_EMIT message(id, Status, tr("Deleted the part token %1 (%2)").arg(partName, qt(removed.string())));
    state_->configured = false;
    prepare(id, false);
    emitTokens();
  }, Cancellable::No);
}

void EngineWorker::exportImage(quint64 id, const QImage& image, const QString& path, const QString& parameters) {
  run(id, tr("Exporting"), [&] {
    write_image(fs::path(utf8(path)), tensor_from_image(image), utf8(parameters));
    Q_EMIT exported(id, path);
  }, Cancellable::No);
}

void EngineWorker::clearCache(quint64 id) {
  run(id, tr("Clearing the inversion cache"), [&] {
    prepare(id, false);
    const InversionCache* cache = state_->engine->inversion_cache();
    const size_t removed = cache ? cache->clear() : 0;
    Q_EMIT cacheCleared(id, static_cast<int>(removed));
  }, Cancellable::No);
}

}  // namespace partedit::ui
