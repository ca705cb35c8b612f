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

namespace {

std::string size_text(int64_t width, int64_t height) { return std::to_string(width) + "x" + std::to_string(height); }

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
  std::string prompt_origin;
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
    if (auto found = cache->find(model, keyed)) {
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

// A photo comes back at its own size, its pixels restored outside the edited part.
void composite_into_photo(EditJobResult& out) {
  const Photo& photo = *out.photo;
  const std::vector<InfotextSetting> composited = {{"Composited", "feather " + number_text(out.feather)}};
  const CompositeResult edited = composite_photo(photo.original, out.edit.edited, out.edit.final_mask, photo.fit,
                                                 out.feather);
  // The source path replays the inversion: composited like the edit, so that both images
  // have the photo's size and differ only inside the edited part.
  const CompositeResult source_image = composite_photo(photo.original, out.edit.source, out.edit.final_mask,
                                                       photo.fit, out.feather);
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
  if (previous.composited.defined()) composite_into_photo(out);
  return out;
}

EditJobResult Engine::edit(const EditJob& job, const EngineListener& listener, const CancelToken& cancel) {
  DiffusionModel& m = model();
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

  // The edit text, checked before any work (for photos before the inversion): edit words
  // CLIP never reads would make an edit that silently does nothing.
  const PromptEncoder& encoder = m.prompt_encoder();
  auto set_edit_text = [&](const std::string& source_prompt) {
    request.source.prompt = source_prompt;
    const EditText text = compose_edit(job.instruction, source_prompt);
    request.edit_prompt = text.edit_prompt;
    request.p2p = text.p2p;
    request.edit_words = text.edit_words;
    check_edit_words_fit(encoder, source_prompt, request.edit_prompt, request.p2p, request.edit_words);
  };

  EditJobResult out;
  PreparedSource source;
  if (std::holds_alternative<EditFromPrompt>(job.from)) {
    set_edit_text(job.generation.prompt);
    source.prompt = job.generation.prompt;
    source.prompt_origin = "the prompt";
  } else if (const auto* from = std::get_if<EditFromInversion>(&job.from)) {
    if (!from->inversion) throw Error("the inversion to edit is missing");
    if (from->image) source.photo = load_working_photo(*from->image, listener);
    const auto& inversion = from->inversion;
    check_inversion_matches(*inversion, m, 0, 0, from->name);
    if (source.photo && (source.photo->fit.width != inversion->width || source.photo->fit.height != inversion->height))
      throw Error("the photo " + *from->image + " works at " + size_text(source.photo->fit.width, source.photo->fit.height) +
                  " but the inversion " + from->name + " is " + size_text(inversion->width, inversion->height) +
                  ": not the same photo");
    if (is_blank(inversion->prompt))
      listener.warn(from->name +
                    " was inverted without a source prompt: the edit's source prompt is empty, so the edit "
                    "prompt's words all count as edit words; invert with a source prompt for better edits");
    source.prompt = inversion->prompt;
    source.prompt_origin = "the inversion file";
    set_edit_text(source.prompt);
    source.origin = KeptInversion{inversion};
  } else {
    const auto& photo_from = std::get<EditFromPhoto>(job.from);
    source.photo = load_working_photo(photo_from.image, listener);
    source.seed_given = photo_from.seed_given;
    if (photo_from.prompt) {
      source.prompt = *photo_from.prompt;
      source.prompt_origin = "the prompt";
    } else {
      const auto start = std::chrono::steady_clock::now();
      const std::string caption = this->caption(source.photo->working, {}, listener, cancel).caption;
      source.caption_seconds = seconds_since(start);
      source.prompt = fitted_caption(encoder, job.instruction, caption, listener);
      source.prompt_origin = "BLIP-2 caption";
    }
    set_edit_text(source.prompt);
    InvertRequest invert_request = photo_from.inversion;
    invert_request.image = source.photo->working;
    invert_request.prompt = source.prompt;
    invert_request.crop = crop_record(*source.photo);
    invert_request.source_image = fs::path(photo_from.image).filename().string();
    // The noising draws always come from a seed, so the inversion can be cached and the seed reported.
    if (!invert_request.seed) invert_request.seed = std::random_device{}();
    const InversionCache* cache = job.use_cache ? inversion_cache() : nullptr;
    find_or_plan_inversion(m, cache, is_blank(job.generation.negative), invert_request, source, listener, cancel);
  }
  request.origin = source.origin;
  if (source.photo) listener.say("source prompt (" + source.prompt_origin + "): " + source.prompt);
  std::string parts = "parts:";
  for (const auto& t : job.parts) parts += " " + t.part_name;
  listener.say("edit prompt: " + request.edit_prompt + "\n" + parts);

  // The edit, step by step with its mask and preview.
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
  if (out.photo && job.composite) composite_into_photo(out);
  return out;
}

}  // namespace partedit
