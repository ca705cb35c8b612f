// Engine: what stays loaded, and the requests other than edit (engine_edit.cpp).
#include "engine/engine.h"

#include <chrono>
#include <iomanip>
#include <sstream>
#include <utility>

#include "editing/part_edit_pipeline.h"
#include "io/image_photo.h"
#include "pipeline/diffusion_model.h"
#include "runtime/elapsed.h"
#include "runtime/error.h"

namespace partedit {
namespace fs = std::filesystem;

namespace {

TokenLibrary make_library(const fs::path& shipped, std::vector<fs::path> user) {
  return open_token_library(shipped, std::move(user));
}

// "0.04", "3.27", "41.5": a log line, not a measurement.
std::string format_seconds(double seconds) {
  std::ostringstream out;
  out << std::fixed << std::setprecision(seconds < 10 ? 2 : 1) << seconds;
  return out.str();
}

}  // namespace

Engine::Engine(EngineOptions options)
    : options_(std::move(options)), library_(make_library(options_.shipped_token_dir, options_.token_dirs)) {}

Engine::~Engine() = default;

DiffusionModel& Engine::load_model(const fs::path& folder, const ComputeOptions& compute,
                                   const EngineListener& listener, const ModelLoadOptions& options) {
  if (has_model(folder, compute, options)) return *model_;
  listener.say("loading " + folder.string() + " (" + compute.describe() + ")");
  // Loaded aside, so that a folder that fails to load leaves the current model in place.
  auto loaded = std::make_unique<DiffusionModel>(DiffusionModel::load(folder, compute, options));
  model_ = std::move(loaded);
  listener.say(std::string("loaded ") + family_name(model_->family()) + " model in " +
               format_seconds(model_->load_seconds()) + " s");
  return *model_;
}

bool Engine::has_model() const { return model_ != nullptr; }

bool Engine::has_model(const fs::path& folder, const ComputeOptions& compute, const ModelLoadOptions& options) const {
  return model_ && model_->folder() == folder && model_->compute().device == compute.device &&
         model_->compute().dtype == compute.dtype && model_->load_options() == options;
}

std::optional<LoadedModelInfo> Engine::loaded_model() const {
  if (!model_) return std::nullopt;
  LoadedModelInfo info;
  info.path = model_->folder();
  info.name = model_->name();
  info.family = family_name(model_->family());
  info.token_family = model_family_code(*model_);
  info.default_size = model_->default_image_size();
  info.token_width = model_->prompt_encoder().embed_dim();
  info.compute = model_->compute();
  info.load_options = model_->load_options();
  return info;
}

const DiffusionModel& Engine::model() const {
  if (!model_) throw Error("no diffusion model is loaded: choose an SDXL or SD 1.x/2.x diffusers folder first");
  return *model_;
}

DiffusionModel& Engine::model() { return const_cast<DiffusionModel&>(std::as_const(*this).model()); }

void Engine::unload_model() { model_.reset(); }

void Engine::set_caption_model(std::optional<fs::path> folder) { options_.caption_model = std::move(folder); }

void Engine::set_token_folders(fs::path shipped, std::vector<fs::path> user) {
  library_ = make_library(shipped, user);
  options_.shipped_token_dir = std::move(shipped);
  options_.token_dirs = std::move(user);
}

void Engine::set_inversion_cache(std::optional<InversionCache> cache) { options_.inversion_cache = std::move(cache); }

const InversionCache* Engine::inversion_cache() const {
  return options_.inversion_cache ? &*options_.inversion_cache : nullptr;
}

GenerateResult Engine::generate(const GenerateRequest& request, const EngineListener& listener,
                                const CancelToken& cancel) {
  DiffusionModel& m = model();
  ProgressClock clock;
  GenerateResult result = partedit::generate(m, request, [&](const GenerateProgress& p) {
    if (!listener.progress) return;
    EngineProgress e = step_progress(EngineStage::Generating, clock, p.step, p.total, p.timestep);
    e.preview = p.preview;
    listener.progress(e);
  }, cancel);
  for (const auto& w : result.warnings) listener.warn(w);
  return result;
}

CaptionResult Engine::caption(const at::Tensor& image, const CaptionRequest& request, const EngineListener& listener,
                              const CancelToken& cancel) {
  if (!options_.caption_model)
    throw Error("no caption model is set: choose a BLIP-2 folder (e.g. blip2-flan-t5-xl), or type the source prompt");
  const ComputeOptions compute = model_ ? model_->compute() : options_.caption_compute;
  listener.say("captioning with " + options_.caption_model->string());
  if (listener.progress) {
    EngineProgress e;
    e.stage = EngineStage::Captioning;
    listener.progress(e);
  }
  cancel.throw_if_cancelled();
  // Loaded for this caption only: blip2-flan-t5-xl has ~4B parameters.
  Blip2CaptionModel captioner = Blip2CaptionModel::load(*options_.caption_model, compute);
  CaptionResult result;
  result.load_seconds = captioner.load_seconds();
  result.caption = captioner.caption(image, request, &cancel, &result.timings).at(0);
  return result;
}

CaptionResult Engine::caption_photo(const std::string& image, const CaptionRequest& request,
                                    const EngineListener& listener, const CancelToken& cancel) {
  const auto start = SteadyClock::now();
  const Photo photo = read_photo(image);
  for (const auto& w : photo.warnings) listener.warn(w);
  const double read_seconds = seconds_since(start);
  CaptionResult result = caption(photo.original, request, listener, cancel);
  result.read_seconds = read_seconds;
  return result;
}

InvertResult Engine::invert(const std::string& image, const InvertRequest& settings, const EngineListener& listener,
                            const CancelToken& cancel) {
  DiffusionModel& m = model();
  InvertResult result{Inversion{}, load_working_photo(image, listener), {}};
  InvertRequest request = settings;
  request.image = result.photo.working;
  request.crop = crop_record(result.photo);
  if (request.source_image.empty()) request.source_image = fs::path(image).filename().string();
  listener.say("inverting " + request.source_image + " at " + std::to_string(result.photo.fit.width) + "x" +
               std::to_string(result.photo.fit.height));
  ProgressClock clock;
  result.inversion = partedit::invert(m, request, [&](const InvertProgress& p) {
    result.step_seconds.push_back(p.seconds);
    if (listener.progress) listener.progress(step_progress(EngineStage::Inverting, clock, p.step, p.total, p.timestep));
  }, cancel);
  return result;
}

Reconstruction Engine::replay(const Inversion& inversion, const EngineListener& listener, const CancelToken& cancel) {
  DiffusionModel& m = model();
  ProgressClock clock;
  return reconstruct(m, inversion, true, [&](const InvertProgress& p) {
    if (listener.progress) listener.progress(step_progress(EngineStage::Replaying, clock, p.step, p.total, p.timestep));
  }, cancel);
}

std::shared_ptr<const Inversion> Engine::load_inversion(const fs::path& path) {
  return std::make_shared<const Inversion>(partedit::load_inversion(path, model()));
}

Photo Engine::load_working_photo(const std::string& path, const EngineListener& listener) {
  DiffusionModel& m = model();
  PhotoOptions options;
  options.fit = FitOptions::for_model(m.default_image_size(), m.vae_scale_factor());
  Photo photo = load_photo(path, options);
  for (const auto& w : photo.warnings) listener.warn(w);
  for (const auto& n : photo.notes) listener.advise(n);
  if (photo.alpha.defined())
    listener.warn(fs::path(path).filename().string() +
                  " has transparency; it is edited over white and written without alpha");
  return photo;
}

PhotoCrop crop_record(const Photo& photo) {
  const PhotoFit& f = photo.fit;
  return {f.original_width, f.original_height, f.crop_x, f.crop_y, f.crop_width, f.crop_height};
}

}  // namespace partedit
