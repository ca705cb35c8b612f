// Engine::edit: the source (generated, a photo to caption and invert, or a kept inversion),
// the edit, and for photos the compositing back into the original pixels (algorithm.md §3–4).
#include <chrono>
#include <limits>
#include <random>

#include <ATen/ATen.h>

#include "editing/edit_prompt_window.h"
#include "engine/engine.h"
#include "pipeline/diffusion_model.h"
#include "pipeline/generation_common.h"
#include "pipeline/infotext.h"
#include "runtime/error.h"
#include "runtime/elapsed.h"
#include "runtime/text.h"

namespace partedit {
namespace fs = std::filesystem;

const char* prompt_origin_text(PromptOrigin origin) {
  switch (origin) {
    case PromptOrigin::Typed: return "the prompt";
    case PromptOrigin::Caption: return "BLIP-2 caption";
    case PromptOrigin::InversionFile: return "the inversion file";
  }
  return "";
}

namespace {

// Without a seed chosen by the user, the cache keys the inversion under a seed no user can
// give (the CLI's --seed takes int64), so that a later edit without a seed finds it whatever
// seed it drew.
constexpr uint64_t kAnySeed = std::numeric_limits<uint64_t>::max();

InvertRequest cache_request(const InvertRequest& request, bool seed_given) {
  InvertRequest r = request;
  if (!seed_given) r.seed = kAnySeed;
  return r;
}

// A cache that cannot be written costs the next edit an inversion, not this edit its result.
void keep_in_cache(const InversionCache& cache, const DiffusionModel& model, const InvertRequest& keyed,
                   const Inversion& inversion, const EngineListener& listener) {
  try {
    listener.say("cached the inversion as " + cache.store(model, keyed, inversion).string());
  } catch (const Error& e) {
    listener.warn(std::string("the inversion was not cached: ") + e.what());
  }
}

// Where the source of an edit stands once its prompt is known and its inversion found or planned.
struct PreparedSource {
  std::optional<Photo> photo;
  EditSource origin;
  std::string prompt;
  PromptOrigin prompt_origin = PromptOrigin::Typed;
  std::shared_ptr<const InvertRequest> photo_request;  // inverted within the edit: cached afterwards
  bool seed_given = false;
  double caption_seconds = 0, invert_seconds = 0;
  bool inversion_reused = false;
};

// A cached inversion; else, without a negative prompt, the edit inverts the photo in its own
// pass; with one, the photo is inverted first (the inversion's uncond is the empty prompt's).
void find_or_plan_inversion(DiffusionModel& model, const InversionCache* cache, bool blank_negative,
                            const InvertRequest& request, PreparedSource& out, const EngineListener& listener,
                            const CancelToken& cancel) {
  const InvertRequest keyed = cache_request(request, out.seed_given);
  if (cache) {
    std::string not_reused;
    auto found = cache->find(model, keyed, &not_reused);
    if (!not_reused.empty()) listener.advise(not_reused);
    if (found) {
      out.inversion_reused = true;
      std::string line = "reusing the inversion " + cache->path_for(InversionCache::key(model, keyed)).string();
      if (found->noise_from_seed) line += " (seed " + std::to_string(found->seed) + ")";
      listener.say(line);
      out.origin = KeptInversion{std::make_shared<const Inversion>(std::move(*found))};
      return;
    }
  }
  const std::string plan = "(" + std::to_string(request.steps) + " steps, " + request.scheduler + ", seed " +
                           std::to_string(*request.seed) + ")";
  if (blank_negative) {
    listener.say("inverting " + request.source_image + " within the edit " + plan);
    out.photo_request = std::make_shared<const InvertRequest>(request);
    out.origin = PhotoToInvert{out.photo_request};
    return;
  }
  const auto start = std::chrono::steady_clock::now();
  listener.say("inverting " + request.source_image + " " + plan);
  ProgressClock clock;
  auto inversion = std::make_shared<const Inversion>(invert(model, request, [&](const InvertProgress& p) {
    if (listener.progress) listener.progress(step_progress(EngineStage::Inverting, clock, p.step, p.total, p.timestep));
  }, cancel));
  out.invert_seconds = seconds_since(start);
  out.origin = KeptInversion{inversion};
  if (cache) keep_in_cache(*cache, model, keyed, *inversion, listener);
}

// The caption as the source prompt, cut (for an appended edit) so that the edit still fits
// CLIP's window.
std::string fitted_caption(const PromptEncoder& encoder, const EditInstruction& instruction, const std::string& caption,
                           const EngineListener& listener) {
  if (instruction.form != EditInstruction::Form::Appended) return caption;
  size_t dropped = 0;
  const std::string fitted = fit_prompt_to_window(
      encoder, caption, [&](const std::string& p) { return compose_edit(instruction, p).edit_prompt; }, &dropped);
  if (dropped > 0)
    listener.advise("the caption \"" + caption + "\" was cut by " + std::to_string(dropped) +
                    (dropped == 1 ? " word" : " words") + " so that the edit fits CLIP's " +
                    std::to_string(prompt_length(encoder, "").window) + " tokens");
  return fitted;
}

// A photo comes back at its own size, its pixels restored outside the edited part. A stage of
// its own (seconds for a large photo), reported before and after each of its two images.
void composite_into_photo(EditJobResult& out, const EngineListener& listener, const CancelToken& cancel) {
  const Photo& photo = *out.photo;
  ProgressClock clock;
  const auto report = [&](int done) {
    if (listener.progress) listener.progress(step_progress(EngineStage::Compositing, clock, done, 2, 0));
  };
  report(0);
  const std::vector<InfotextSetting> composited = {{"Composited", "feather " + number_text(out.feather)}};
  const CompositeResult edited = composite_photo(photo.original, out.edit.edited, out.edit.final_mask, photo.fit,
                                                 out.feather);
  report(1);
  cancel.throw_if_cancelled();
  // The source path replays the inversion: composited like the edit, so that both images
  // have the photo's size and differ only inside the edited part.
  const CompositeResult source_image = composite_photo(photo.original, out.edit.source, out.edit.final_mask,
                                                       photo.fit, out.feather);
  report(2);
  out.composited = edited.image;
  out.composite_mask = edited.mask;
  out.composited_source = source_image.image;
  out.composited_parameters = append_infotext_settings(out.edit.parameters, composited);
  out.composited_source_parameters = append_infotext_settings(out.edit.source_parameters, composited);
}

EngineProgress edit_progress(ProgressClock& clock, const EditProgress& p, bool inverting = false) {
  EngineProgress e;
  e.stage = inverting ? EngineStage::InvertingAndEditing : EngineStage::Editing;
  e.estimate = clock.tick(p.step, p.total);
  e.mask = p.mask;
  e.preview = p.preview;
  return e;
}

}  // namespace

EditJobResult Engine::rerender(const EditJobResult& previous, int64_t edit_end_step, const EngineListener& listener,
                               const CancelToken& cancel) {
  DiffusionModel& m = model();
  EditJobResult out = previous;
  ProgressClock clock;
  out.edit = rerender_edit(m, previous.edit, edit_end_step, [&](const EditProgress& p) {
    if (listener.progress) listener.progress(edit_progress(clock, p));
  }, cancel);
  out.caption_seconds = out.invert_seconds = 0;
  out.inversion_reused = false;  // nothing was inverted or read: the steps restart from kept state
  if (previous.composited.defined()) composite_into_photo(out, listener, cancel);
  return out;
}

namespace {

// The pipeline's request for a job, before its source prompt and origin are known.
EditRequest edit_request_of(DiffusionModel& m, const EditJob& job) {
  if (job.parts.empty()) throw Error("name the part to edit: no part token was given");
  EditRequest request;
  request.source = job.generation;
  request.edit_end_step = job.edit_end_step;
  request.omega = job.omega;
  request.cross_replace = job.cross_replace;
  request.mask_size = job.mask_size;
  request.keep_maps = job.keep_maps;
  request.keep_state = job.keep_state;
  request.part_embedding = combine_part_embeddings(m, job.parts);
  request.layers = part_layers_for(m, job.parts);
  for (const auto& t : job.parts) request.part_names.push_back(t.part_name);
  validate_mask_size(request.mask_size);
  return request;
}

// A kept inversion's source: its prompt, and the photo it was made from when given.
PreparedSource source_from_inversion(Engine& engine, const EditFromInversion& from, const EngineListener& listener) {
  if (!from.inversion) throw Error("the inversion to edit is missing");
  PreparedSource source;
  if (from.image) source.photo = engine.load_working_photo(*from.image, listener);
  const auto& inversion = from.inversion;
  check_inversion_matches(*inversion, engine.model(), 0, 0, from.name);
  if (source.photo && (source.photo->fit.width != inversion->width || source.photo->fit.height != inversion->height))
    throw Error("the photo " + *from.image + " works at " + size_text(source.photo->fit.width, source.photo->fit.height) +
                " but the inversion " + from.name + " is " + size_text(inversion->width, inversion->height) +
                ": not the same photo");
  if (is_blank(inversion->prompt))
    listener.warn(from.name +
                  " was inverted without a source prompt: the edit's source prompt is empty, so the edit "
                  "prompt's words all count as edit words; invert with a source prompt for better edits");
  source.prompt = inversion->prompt;
  source.prompt_origin = PromptOrigin::InversionFile;
  source.origin = KeptInversion{inversion};
  return source;
}

// A photo's source prompt: typed, or its caption cut so that the edit still fits.
PreparedSource photo_source_prompt(Engine& engine, const EditJob& job, const EditFromPhoto& from,
                                   const EngineListener& listener, const CancelToken& cancel) {
  PreparedSource source;
  source.photo = engine.load_working_photo(from.image, listener);
  source.seed_given = from.inversion.seed.has_value();
  if (from.prompt) {
    source.prompt = *from.prompt;
    source.prompt_origin = PromptOrigin::Typed;
    return source;
  }
  // The photo as read, as `partedit-cli caption` and caption_photo see it.
  const auto start = SteadyClock::now();
  const std::string caption = engine.caption(source.photo->original, {}, listener, cancel).caption;
  source.caption_seconds = seconds_since(start);
  source.prompt = fitted_caption(engine.model().prompt_encoder(), job.instruction, caption, listener);
  source.prompt_origin = PromptOrigin::Caption;
  return source;
}

// The photo's inversion request, then a cached inversion found or the inversion planned.
void plan_photo_inversion(Engine& engine, const EditJob& job, const EditFromPhoto& from, PreparedSource& source,
                          const EngineListener& listener, const CancelToken& cancel) {
  InvertRequest invert_request = from.inversion;
  invert_request.image = source.photo->working;
  invert_request.prompt = source.prompt;
  invert_request.crop = crop_record(*source.photo);
  invert_request.source_image = fs::path(from.image).filename().string();
  // The noising draws always come from a seed, so the inversion can be cached and the seed reported.
  if (!invert_request.seed) invert_request.seed = std::random_device{}();
  const InversionCache* cache = job.use_cache ? engine.inversion_cache() : nullptr;
  find_or_plan_inversion(engine.model(), cache, is_blank(job.generation.negative), invert_request, source, listener,
                         cancel);
}

}  // namespace

EditJobResult Engine::edit(const EditJob& job, const EngineListener& listener, const CancelToken& cancel) {
  DiffusionModel& m = model();
  EditRequest request = edit_request_of(m, job);

  // The edit text, checked before any work (for photos before the inversion): edit words
  // CLIP never reads would make an edit that silently does nothing.
  auto set_edit_text = [&](const std::string& source_prompt) {
    request.source.prompt = source_prompt;
    const EditText text = compose_edit(job.instruction, source_prompt);
    request.edit_prompt = text.edit_prompt;
    request.p2p = text.p2p;
    request.edit_words = text.edit_words;
    check_edit_words_fit(m.prompt_encoder(), source_prompt, request.edit_prompt, request.p2p, request.edit_words);
  };
  PreparedSource source;
  if (std::holds_alternative<EditFromPrompt>(job.from)) {
    source.prompt = job.generation.prompt;
    source.prompt_origin = PromptOrigin::Typed;
    set_edit_text(source.prompt);
  } else if (const auto* from = std::get_if<EditFromInversion>(&job.from)) {
    source = source_from_inversion(*this, *from, listener);
    set_edit_text(source.prompt);
  } else {
    const auto& from_photo = std::get<EditFromPhoto>(job.from);
    source = photo_source_prompt(*this, job, from_photo, listener, cancel);
    set_edit_text(source.prompt);
    plan_photo_inversion(*this, job, from_photo, source, listener, cancel);
  }
  request.origin = source.origin;
  if (source.photo) listener.say(std::string("source prompt (") + prompt_origin_text(source.prompt_origin) + "): " + source.prompt);
  std::string parts = "parts:";
  for (const auto& t : job.parts) parts += " " + t.part_name;
  listener.say("edit prompt: " + request.edit_prompt + "\n" + parts);

  // The edit, step by step with its mask and preview.
  EditJobResult out;
  ProgressClock clock;
  const bool inverting = std::holds_alternative<PhotoToInvert>(request.origin);
  out.edit = partedit::edit(m, request, [&](const EditProgress& p) {
    if (listener.progress) listener.progress(edit_progress(clock, p, inverting));
  }, cancel);
  for (const auto& w : out.edit.warnings) listener.warn(w);

  // Keep what the photo's inversion cost: an inversion computed within this edit goes to the cache.
  if (const auto* kept = std::get_if<KeptInversion>(&source.origin)) out.inversion = kept->inversion;
  if (out.edit.inversion) out.inversion = out.edit.inversion;
  if (source.photo_request && out.edit.inversion && job.use_cache && inversion_cache())
    keep_in_cache(*inversion_cache(), m, cache_request(*source.photo_request, source.seed_given), *out.edit.inversion,
                  listener);
  out.source_prompt = source.prompt;
  out.prompt_origin = source.prompt_origin;
  out.inversion_reused = source.inversion_reused;
  out.caption_seconds = source.caption_seconds;
  out.invert_seconds = source.invert_seconds;
  out.feather = job.feather;
  out.photo = std::move(source.photo);
  if (out.photo && job.composite) composite_into_photo(out, listener, cancel);
  return out;
}

}  // namespace partedit
