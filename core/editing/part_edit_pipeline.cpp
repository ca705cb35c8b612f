#include "editing/part_edit_pipeline.h"

#include <algorithm>
#include <functional>
#include <limits>
#include <optional>
#include <random>
#include <sstream>

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include "editing/edit_prompt_window.h"
#include "editing/edit_trajectory.h"
#include "pipeline/diffusion_model.h"
#include "pipeline/inversion.h"
#include "pipeline/generation_common.h"
#include "pipeline/infotext.h"
#include "runtime/compute.h"
#include "runtime/error.h"
#include "runtime/stage.h"
#include "runtime/elapsed.h"
#include "runtime/text.h"

namespace partedit {
namespace {

// Detaches the controller however the run ends.
class ControllerScope {
 public:
  ControllerScope(UNet2DConditionModel& unet, AttentionController* controller) : unet_(unet) {
    unet_->set_attention_controller(controller);
  }
  ~ControllerScope() { unet_->set_attention_controller(nullptr); }
  ControllerScope(const ControllerScope&) = delete;
  ControllerScope& operator=(const ControllerScope&) = delete;

 private:
  UNet2DConditionModel& unet_;
};

void validate_edit(DiffusionModel& model, const EditRequest& request, int64_t embed_dim) {
  const int64_t steps = request.source.steps;
  if (is_blank(request.edit_prompt)) throw Error("the edit prompt is empty");
  if (request.source.guidance <= 1.0)
    throw Error("part edits need classifier-free guidance above 1 (got " + number_text(request.source.guidance) + ")");
  if (request.edit_end_step && (*request.edit_end_step < 1 || *request.edit_end_step > steps))
    throw Error("t_e must be between 1 and the number of steps (" + std::to_string(steps) + "), got " +
                std::to_string(*request.edit_end_step));
  if (!(request.omega > 0)) throw Error("omega must be positive, got " + number_text(request.omega));
  if (request.cross_replace < 0 || request.cross_replace > 1)
    throw Error("cross-replace must be a fraction in [0, 1], got " + number_text(request.cross_replace));
  validate_mask_size(request.mask_size);
  const auto& e = request.part_embedding;
  if (!e.defined() || e.dim() != 2 || e.size(0) < 2 || e.size(0) % 2 != 0)
    throw Error("a part embedding must have shape [2k, D] (rows BG, PART per part)");
  if (e.size(1) != embed_dim)
    throw Error("the part token is " + std::to_string(e.size(1)) + " wide but this model's text conditioning is " +
                std::to_string(embed_dim) + " wide; use a token trained for this model");
  if (e.size(0) > 77) throw Error("too many parts for one 77-token sequence");
  check_edit_words_fit(model.prompt_encoder(), request.source.prompt, request.edit_prompt, request.p2p,
                       request.edit_words);
  const auto cross_layers = static_cast<int>(model.unet()->cross_attention_layers().size());
  for (int layer : request.layers)
    if (layer < 0 || layer >= cross_layers)
      throw Error("cross-attention layer " + std::to_string(layer) + " does not exist (the UNet has " +
                  std::to_string(cross_layers) + ")");
}

// [77, D]: the token rows, then BG padding with the first background row (Appendix D).
at::Tensor part_token_sequence(const at::Tensor& embedding, int64_t length, const at::TensorOptions& options) {
  const auto rows = embedding.to(options);  // [2k, D]
  const int64_t k2 = rows.size(0);
  return at::cat({rows, rows.slice(0, 0, 1).expand({length - k2, rows.size(1)})});  // [77, D]
}

// The photo's inversion settings (Sampler, Seed and Steps are the generation keys).
void add_photo_settings(std::vector<InfotextSetting>& s, const Inversion& inv) {
  s.erase(std::remove_if(s.begin(), s.end(), [](const InfotextSetting& x) { return x.key == "Noise"; }), s.end());
  if (!inv.noise_from_seed) s.push_back({"Inversion noise", "given"});
  s.push_back({"Photo", infotext_text(inv.source_image.empty() ? std::string("(unnamed)") : inv.source_image)});
  s.push_back({"Source guidance", number_text(inv.guidance)});
  s.push_back({"Skip", number_text(inv.skip)});
  s.push_back({"Zero noise steps", std::to_string(inv.zero_noise_steps)});
}

GenerateResult as_generation(const EditResult& result) {
  GenerateResult g;
  g.scheduler = result.scheduler;
  g.seed = result.seed;
  g.noise_from_seed = result.noise_from_seed;
  g.width = result.width;
  g.height = result.height;
  return g;
}

// A1111's infotext (pipeline/infotext.h): the source prompt on line 1, and on the one last
// line the generation's settings followed by every PartEdit setting.
std::string edit_parameters(const DiffusionModel& model, const EditRequest& request, const EditResult& result,
                            const Inversion* inv) {
  std::vector<InfotextSetting> s = generation_settings(request.source, as_generation(result), model.name());
  if (inv) add_photo_settings(s, *inv);
  s.push_back({"Edit prompt", infotext_text(request.edit_prompt)});
  if (!request.part_names.empty()) s.push_back({"Parts", infotext_list(request.part_names)});
  s.push_back({"t_e", std::to_string(request.edit_end_step.value_or(request.source.steps))});
  s.push_back({"Omega", number_text(request.omega)});
  s.push_back({"P2P", result.p2p == PromptToPrompt::Replace ? "replace"
                      : result.p2p == PromptToPrompt::Refine ? "refine" : "none"});
  s.push_back({"Cross replace", number_text(request.cross_replace)});
  const int64_t mask_h = result.final_mask.size(0), mask_w = result.final_mask.size(1);
  s.push_back({"Mask size", mask_h == mask_w ? std::to_string(mask_w)
                                            : std::to_string(mask_w) + "x" + std::to_string(mask_h)});
  return format_infotext(request.source.prompt, request.source.negative, s);
}

// The source image's own text: what reproduces it (a generation, or the photo's inversion
// replayed with its own conditioning: source guidance, no negative prompt).
std::string source_parameters(const DiffusionModel& model, const EditRequest& request, const EditResult& result,
                              const Inversion* inv) {
  GenerateRequest source = request.source;
  if (inv) {
    source.guidance = inv->guidance;
    source.negative.clear();
  }
  std::vector<InfotextSetting> s = generation_settings(source, as_generation(result), model.name());
  if (inv) add_photo_settings(s, *inv);
  return format_infotext(source.prompt, source.negative, s);
}

PartEditControlSettings control_settings(DiffusionModel& model, const EditRequest& request, EditResult& result,
                                         int64_t steps) {
  const PromptEncoder& encoder = model.prompt_encoder();
  const ClipTokenizer& tokenizer = encoder.tokenizers().front();
  const std::string& source = request.source.prompt;
  PartEditControlSettings s;
  s.layers = request.layers.empty() ? default_part_layers(model) : request.layers;
  s.mask_height = request.mask_size > 0 ? request.mask_size : result.height;
  s.mask_width = request.mask_size > 0 ? request.mask_size : result.width;
  s.omega = request.omega;
  s.edit_end_step = request.edit_end_step.value_or(steps);
  s.attention_layers = static_cast<int64_t>(model.unet()->attention_layers().size());
  const bool same_word_count = split_words(source).size() == split_words(request.edit_prompt).size();
  s.p2p = request.p2p.value_or(same_word_count ? PromptToPrompt::Replace : PromptToPrompt::Refine);
  std::vector<std::string> words = request.edit_words;
  if (s.p2p == PromptToPrompt::Replace) {
    s.replace_mapper = replace_mapper(tokenizer, source, request.edit_prompt);
    if (words.empty()) words = swapped_words(source, request.edit_prompt);
  } else if (s.p2p == PromptToPrompt::Refine) {
    s.refine = refine_mapper(tokenizer, source, request.edit_prompt);
    if (words.empty()) words = inserted_words(tokenizer, source, request.edit_prompt);
  }
  std::map<std::string, double> fractions;
  for (const auto& w : words) fractions[w] = request.cross_replace;
  s.cross_replace_alpha = cross_replace_schedule(tokenizer, request.edit_prompt, steps, 1.0, fractions);
  result.p2p = s.p2p;
  result.edit_words = words;
  return s;
}

}  // namespace

std::vector<int> default_part_layers(DiffusionModel& model) {
  const auto& cfg = model.unet()->config();
  const auto count = static_cast<int>(model.unet()->cross_attention_layers().size());
  const bool sdxl_base_shaped = count == 70 && cfg.addition_embed_type == "text_time";
  if (sdxl_base_shaped) return sdxl_base_part_layers();
  std::vector<int> all(count);
  for (int i = 0; i < count; ++i) all[i] = i;
  return all;
}

std::vector<int> part_layers_for(DiffusionModel& model, const std::vector<PartToken>& tokens) {
  const auto all = default_part_layers(model);
  const auto count = static_cast<int64_t>(model.unet()->cross_attention_layers().size());
  if (static_cast<int64_t>(all.size()) != count || tokens.empty()) return all;  // the authors' list
  const auto& trained = tokens.front().layers;
  const bool usable = !trained.empty() &&
                      std::all_of(trained.begin(), trained.end(), [&](int64_t l) { return l >= 0 && l < count; }) &&
                      std::all_of(tokens.begin(), tokens.end(), [&](const PartToken& t) { return t.layers == trained; });
  return usable ? std::vector<int>(trained.begin(), trained.end()) : all;
}

// "SDXL", "SD 1.x", "SD 2.x" and the family code tokens record ("sdxl", "sd15", "sd21"):
// from the text-encoder width of the published models, else (tiny or custom widths) from the
// UNet's structure (SD 2.x's transformers use linear projections, SD 1.x's convolutions).
std::string model_family_code(const DiffusionModel& model) {
  if (model.family() == ModelFamily::SDXL) return "sdxl";
  const std::string by_width = family_for_width(model.prompt_encoder().embed_dim());
  if (by_width == "sd15" || by_width == "sd21") return by_width;
  return model.unet()->config().use_linear_projection ? "sd21" : "sd15";
}

namespace {

std::string token_label(const PartToken& token, size_t index) {
  return "'" + (token.part_name.empty() ? "token " + std::to_string(index + 1) : token.part_name) + "'";
}

// Every PART row must differ from all other rows of the sequence, or its map is not its own.
void check_distinct_rows(const std::vector<PartToken>& tokens) {
  for (size_t i = 0; i < tokens.size(); ++i) {
    for (size_t j = 0; j < tokens.size(); ++j) {
      const auto& a = tokens[i].embedding;
      const auto& b = tokens[j].embedding;
      if (i < j && a.sizes() == b.sizes() && at::equal(a, b) && tokens[i].part_name == tokens[j].part_name)
        throw Error("the part token " + token_label(tokens[i], i) + " is given twice; give each part once");
      if (i < j && a.sizes() == b.sizes() && at::equal(a, b))
        throw Error("the part tokens " + token_label(tokens[i], i) + " and " + token_label(tokens[j], j) +
                    " are identical (the same embedding); give each part once");
      for (int64_t p = 1; p < a.size(0); p += 2)
        for (int64_t r = 0; r < b.size(0); ++r)
          if ((i != j || r != p) && at::equal(a[p], b[r]))
            throw Error(i == j ? "the part token " + token_label(tokens[i], i) +
                                     " is degenerate: its PART row equals another of its rows"
                               : "the part tokens " + token_label(tokens[std::min(i, j)], std::min(i, j)) + " and " +
                                     token_label(tokens[std::max(i, j)], std::max(i, j)) + " share a row, so their maps cannot be told apart; give each part once");
    }
  }
}

}  // namespace

at::Tensor combine_part_embeddings(const DiffusionModel& model, const std::vector<PartToken>& tokens) {
  if (tokens.empty()) throw Error("an edit needs at least one part token");
  const int64_t width = model.prompt_encoder().embed_dim();
  const std::string family = model_family_code(model);
  std::vector<at::Tensor> rows;
  for (const auto& t : tokens) {
    check_token_compatible(t, width, family);
    rows.push_back(t.embedding.to(at::kFloat));
  }
  std::vector<PartToken> as_float = tokens;
  for (size_t i = 0; i < tokens.size(); ++i) as_float[i].embedding = rows[i];
  check_distinct_rows(as_float);
  return at::cat(rows);  // [2k, D]
}

namespace {

// The request as it runs: a photo's inversion fixes the source prompt, steps, size and sampler.
EditRequest effective_request(const EditRequest& request) {
  EditRequest r = request;
  if (const auto* photo = std::get_if<PhotoToInvert>(&r.origin)) {
    if (!photo->request) throw Error("the photo to invert is missing");
    const InvertRequest& p = *photo->request;
    if (!is_blank(r.source.negative))
      throw Error("a photo inverted within the edit uses no negative prompt; invert it first to edit with one");
    if (p.image.dim() != 3) throw Error("the photo must be a [3, H, W] image");
    r.source.prompt = p.prompt;
    r.source.steps = p.steps;
    r.source.width = p.image.size(2);
    r.source.height = p.image.size(1);
    r.source.scheduler = p.scheduler;
    r.source.initial_latents = at::Tensor();
    r.source.seed = p.seed;
    return r;
  }
  const auto* kept = std::get_if<KeptInversion>(&r.origin);
  if (!kept) return r;
  if (!kept->inversion) throw Error("the inversion to edit is missing");
  const Inversion& inv = *kept->inversion;
  r.source.prompt = inv.prompt;
  r.source.steps = inv.steps;
  r.source.width = inv.width;
  r.source.height = inv.height;
  r.source.scheduler = inv.scheduler;
  r.source.initial_latents = at::Tensor();
  r.source.seed = inv.seed;
  return r;
}

// The prompts' conditioning of an edit's batch [uncond source, uncond edit, cond source, cond edit].
struct EditConditioning {
  TextConditioning text;
  UNetAddedConditions added;
  at::Tensor token_sequence;           // [77, D] of the localisation path
  std::vector<int64_t> part_positions;
};

// Everything the denoising loop touches; the loop is shared by edit() and rerender_edit().
struct EditLoop {
  DiffusionModel& model;
  EditTrajectory& trajectory;
  PartEditController& controller;
  const EditConditioning& conditioning;
  double guidance = GenerateRequest{}.guidance;
  InversionWalker* walker = nullptr;      // a photo inverted within this pass
  const LatentPreviewMap* preview_map = nullptr;
  bool keep_maps = false;
  EditState* state = nullptr;             // receives the per-step state when kept
  const EditProgressCallback& progress;
  const CancelToken& cancel;
  // A re-render: from this step on nothing blends and the source path is known, so the
  // batch drops the uncond source row and the source latents come from `known_source`.
  int reduced_from = std::numeric_limits<int>::max();
  std::function<at::Tensor(int)> known_source;  // the source latents after step i [1, C, h, w]
  std::function<StepMask(int)> known_mask;      // the mask of step i (depends on the source path only)
  EditConditioning reduced;                      // the conditioning of [uncond edit, cond source, cond edit]
  std::vector<at::Tensor> masks, maps;    // per step, CPU
  std::vector<double> otsu;
  double invert_seconds = 0;
};

}  // namespace

struct EditState {
  EditRequest request;                    // as it ran; a photo's origin is its kept inversion
  EditConditioning conditioning;
  std::vector<at::Tensor> latents;        // before step i: [2, C, h, w] on the model's device
  std::vector<std::shared_ptr<const Scheduler>> samplers;  // the trajectory's sampler before step i
};

namespace {

void report_step(const EditLoop& loop, int i, int total, const SchedulerStepOutput& out, const at::Tensor& latents) {
  if (!loop.progress) return;
  EditProgress p;
  p.step = i + 1;
  p.total = total;
  p.mask = loop.masks.back();
  p.latents = latents;
  if (loop.preview_map && out.pred_original_sample.defined())
    p.preview = loop.preview_map->apply(out.pred_original_sample.slice(0, 1, 2))[0].to(at::kCPU);  // [3, h, w]
  loop.progress(p);
}

// What one step of both paths gives: the scheduler's output (prev_sample = the latents after
// the step) and the step's part mask.
struct StepOutcome {
  SchedulerStepOutput out;
  StepMask mask;
};

// A re-render's step past t_e, on the batch [uncond edit, cond source, cond edit]: the source
// row only feeds the edit's prompt-to-prompt probabilities and the step's mask; its own step
// is known.
StepOutcome reduced_step(EditLoop& loop, const at::Tensor& latents, int i) {
  loop.controller.set_uncond_source_row(false);
  loop.controller.set_known_step(loop.known_mask(i));
  const at::Tensor source = latents.slice(0, 0, 1), edit = latents.slice(0, 1, 2);
  const at::Tensor model_input = loop.trajectory.scale_model_input(at::cat({edit, source, edit}), i);
  const at::Tensor pred =
      loop.model.unet()
          ->forward(model_input, loop.trajectory.timestep(i), loop.reduced.text.embeds, loop.reduced.added)
          .to(at::kFloat);  // [3, C, h, w]
  check_finite_step(pred, i + 1);  // before the step's mask: its threshold cannot take NaN maps
  const at::Tensor uncond_edit = pred.slice(0, 0, 1), cond_edit = pred.slice(0, 2, 3);
  // The source row's prediction is a stand-in: its step is replaced by the known latents.
  const at::Tensor guided = at::cat({pred.slice(0, 1, 2), uncond_edit + loop.guidance * (cond_edit - uncond_edit)});
  StepOutcome step{{}, loop.controller.end_step()};
  step.out = loop.trajectory.step(guided, i, latents);
  step.out.prev_sample[0].copy_(loop.known_source(i)[0].to(step.out.prev_sample.device(), step.out.prev_sample.scalar_type()));
  return step;
}

// A step of both paths on the batch [uncond source, uncond edit, cond source, cond edit].
StepOutcome full_step(EditLoop& loop, const at::Tensor& latents, int i) {
  loop.controller.set_uncond_source_row(true);
  // A re-render knows every step's mask (the source path is unchanged): no maps to compute.
  loop.controller.set_known_step(loop.known_mask ? std::optional<StepMask>(loop.known_mask(i)) : std::nullopt);
  const at::Tensor model_input = loop.trajectory.scale_model_input(at::cat({latents, latents}), i);  // [4, C, h, w]
  const at::Tensor noise_pred =
      loop.model.unet()
          ->forward(model_input, loop.trajectory.timestep(i), loop.conditioning.text.embeds, loop.conditioning.added)
          .to(at::kFloat);
  check_finite_step(noise_pred, i + 1);  // before the step's mask: its threshold cannot take NaN maps
  const auto uncond = noise_pred.slice(0, 0, 2), cond = noise_pred.slice(0, 2, 4);  // [2, C, h, w]
  const auto inversion_step_start = SteadyClock::now();
  loop.trajectory.observe_source(uncond.slice(0, 0, 1), cond.slice(0, 0, 1), i);  // a photo's: the inversion's step
  if (loop.walker) {
    wait_for(loop.walker->latents(i + 1));
    loop.invert_seconds += seconds_since(inversion_step_start);
  }
  const at::Tensor guided = uncond + loop.guidance * (cond - uncond);
  StepOutcome step{{}, loop.controller.end_step()};
  step.out = loop.trajectory.step(guided, i, latents);
  return step;
}

// Steps [from, total) of both paths; returns the latents after the last.
at::Tensor run_edit_steps(EditLoop& loop, at::Tensor latents, int from) {
  StageScope stage("editing");
  const int total = loop.trajectory.steps();
  for (int i = from; i < total; ++i) {
    loop.cancel.throw_if_cancelled();
    stage.set("editing (step " + std::to_string(i + 1) + " of " + std::to_string(total) + ")");
    if (loop.state) {
      loop.state->latents.at(static_cast<size_t>(i)) = latents;
      loop.state->samplers.at(static_cast<size_t>(i)) = loop.trajectory.sampler_state();
    }
    loop.controller.begin_step(i);
    const StepOutcome step = i >= loop.reduced_from ? reduced_step(loop, latents, i) : full_step(loop, latents, i);
    latents = step.out.prev_sample;
    loop.masks.push_back(step.mask.mask.to(at::kCPU));
    if (loop.keep_maps) loop.maps.push_back(step.mask.normalized.to(at::kCPU));
    loop.otsu.push_back(step.mask.otsu);
    report_step(loop, i, total, step.out, latents);
  }
  wait_for(latents);
  return latents;
}

// Model evaluations of a generated source's denoising loop: one per step, except that PNDM
// repeats its second timestep. The controller counts evaluations (t_e's default, the
// cross-attention schedule), so that each has its row.
int64_t generation_evaluations(const DiffusionModel& model, const std::string& kind, int64_t steps) {
  auto scheduler = model.make_scheduler(kind);
  scheduler->set_timesteps(steps);
  return static_cast<int64_t>(scheduler->timesteps().size());
}

}  // namespace

namespace {

// The prompts' conditioning of the batch [uncond source, uncond edit, cond source, cond edit]
// and the part tokens' localisation sequence; truncation warnings go to `result`.
EditConditioning encode_edit_conditioning(const DiffusionModel& model, const EditRequest& request, EditResult& result) {
  const PromptEncoder& encoder = model.prompt_encoder();
  warn_if_truncated(encoder, request.source.prompt, "source prompt", result.warnings);
  warn_if_truncated(encoder, request.edit_prompt, "edit prompt", result.warnings);
  EditConditioning conditioning;
  conditioning.text = encoder.encode_with_guidance({request.source.prompt, request.edit_prompt}, request.source.negative);
  const TextConditioning& text = conditioning.text;
  if (model.family() == ModelFamily::SDXL) {
    conditioning.added.text_embeds = text.pooled;                                                     // [4, P]
    conditioning.added.time_ids = sdxl_time_ids(result.height, result.width, 4, text.embeds.options());  // [4, 6]
  }
  conditioning.token_sequence = part_token_sequence(request.part_embedding, text.embeds.size(1), text.embeds.options());
  for (int64_t p = 1; p < request.part_embedding.size(0); p += 2) conditioning.part_positions.push_back(p);
  return conditioning;
}

// Both paths start together: from the same noise, from a kept inversion's x_T, or from the
// photo's x_T as `walker` inverts it within this pass.
std::unique_ptr<EditTrajectory> start_trajectory(DiffusionModel& model, const EditRequest& request, EditResult& result,
                                                 std::optional<InversionWalker>& walker) {
  if (const auto* kept = std::get_if<KeptInversion>(&request.origin)) return inversion_trajectory(model, *kept->inversion);
  if (const auto* photo = std::get_if<PhotoToInvert>(&request.origin)) {
    const auto walker_start = SteadyClock::now();
    walker.emplace(model, *photo->request);  // VAE encode, source conditioning, noising
    auto trajectory = fused_inversion_trajectory(model, *walker, *photo->request);
    wait_for(walker->latents(0));
    result.invert_seconds += seconds_since(walker_start);
    return trajectory;
  }
  at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(result.seed);
  const at::Tensor noise = initial_noise(model, request.source, result.width, result.height, generator);
  return generation_trajectory(model, request.source.scheduler, static_cast<int>(request.source.steps), noise);
}

// The masks of every step, and both images decoded.
void finish_edit(DiffusionModel& model, const EditRequest& request, const at::Tensor& latents, const EditLoop& loop,
                 EditResult& result) {
  const auto decode_start = SteadyClock::now();
  StageScope stage("decoding the images");
  const auto images = latents_to_image(model.vae(), latents).to(at::kCPU);  // [2, 3, H, W]
  result.source = images[0].contiguous();
  result.edited = images[1].contiguous();
  result.source_latents = latents.slice(0, 0, 1).to(at::kCPU);
  result.edit_latents = latents.slice(0, 1, 2).to(at::kCPU);
  result.masks = at::stack(loop.masks);          // [steps, Hm, Wm]
  result.final_mask = result.masks.mean(0);      // [Hm, Wm]
  if (request.keep_maps) result.maps = at::stack(loop.maps);
  result.timings.decode = seconds_since(decode_start);
}

}  // namespace

EditResult edit(DiffusionModel& model, const EditRequest& original_request, const EditProgressCallback& progress,
                const CancelToken& cancel) {
  const auto start = SteadyClock::now();
  validate(original_request.source);  // the request limits (a photo's size is the photo's)
  const EditRequest request = effective_request(original_request);
  const auto* kept = std::get_if<KeptInversion>(&request.origin);
  const bool from_photo = std::holds_alternative<PhotoToInvert>(request.origin);
  const Inversion* kept_inversion = kept ? kept->inversion.get() : nullptr;
  EditResult result;
  // A photo inverted without a prompt has a blank source prompt.
  validate_generation(model, request.source, result.width, result.height, kept || from_photo);
  if (!kept && !from_photo) validate_image_size(result.width, result.height);
  validate_edit(model, request, model.prompt_encoder().embed_dim());
  if (kept) check_inversion_matches(*kept_inversion, model, result.width, result.height);
  result.edit_prompt = request.edit_prompt;
  result.noise_from_seed = !kept && !from_photo && !request.source.initial_latents.defined();
  result.seed = request.source.seed ? *request.source.seed : std::random_device{}();
  InferenceGuard inference(model.compute().device);
  const CancelScope within_steps(cancel);  // cancellation_point() inside the models
  cancel.throw_if_cancelled();

  // 1. Prompts and the controller that localises the parts.
  StageScope stage("encoding the prompts");
  EditConditioning conditioning = encode_edit_conditioning(model, request, result);
  const int64_t steps = request.source.steps;
  const int64_t evaluations = kept || from_photo ? steps : generation_evaluations(model, request.source.scheduler, steps);
  PartEditController controller(control_settings(model, request, result, evaluations), conditioning.token_sequence,
                                conditioning.part_positions);
  const LatentPreviewMap* preview_map = progress && request.source.preview ? &model.latent_preview_map() : nullptr;
  result.timings.encode = seconds_since(start);

  // 2. Both paths start together.
  const auto denoise_start = SteadyClock::now();
  stage.set(from_photo ? "encoding the photo" : "preparing the initial latents");
  std::optional<InversionWalker> walker;
  const std::unique_ptr<EditTrajectory> trajectory = start_trajectory(model, request, result, walker);
  result.scheduler = trajectory->scheduler_name();

  // 3. Denoising with localisation and blending.
  std::shared_ptr<EditState> state;
  if (request.keep_state) {
    state = std::make_shared<EditState>();
    state->latents.resize(static_cast<size_t>(trajectory->steps()));
    state->samplers.resize(static_cast<size_t>(trajectory->steps()));
  }
  ControllerScope scope(model.unet(), &controller);
  EditLoop loop{model, *trajectory, controller, conditioning, request.source.guidance, walker ? &*walker : nullptr,
                preview_map, request.keep_maps, state.get(), progress, cancel};
  const at::Tensor latents = run_edit_steps(loop, trajectory->initial_latents(), 0);
  result.invert_seconds += loop.invert_seconds;
  result.timings.denoise = seconds_since(denoise_start) - result.invert_seconds;
  result.mask_seconds = controller.mask_seconds();
  result.otsu = loop.otsu;
  if (walker) result.inversion = std::make_shared<const Inversion>(walker->finish());
  const Inversion* inv = kept ? kept_inversion : result.inversion.get();
  if (inv) {  // a photo's randomness is its inversion's noising draws
    result.seed = inv->seed;
    result.noise_from_seed = inv->noise_from_seed;
  }
  if (state) {
    state->request = request;
    if (walker) state->request.origin = KeptInversion{result.inversion};  // re-renders replay the inversion
    state->conditioning = std::move(conditioning);
    result.state = state;
  }

  // 4. Decode both paths; outputs.
  cancel.throw_if_cancelled();
  finish_edit(model, request, latents, loop, result);
  result.parameters = edit_parameters(model, request, result, inv);
  result.source_parameters = source_parameters(model, request, result, inv);
  result.timings.total = seconds_since(start);
  return result;
}

namespace {

// The conditioning of the batch [uncond edit, cond source, cond edit]: rows 1-3 of the full one.
EditConditioning reduced_conditioning(const EditConditioning& full) {
  const auto rows = at::tensor(std::vector<int64_t>{1, 2, 3}, at::kLong);
  const auto select = [&](const at::Tensor& t) { return t.defined() ? t.index_select(0, rows.to(t.device())) : t; };
  EditConditioning reduced;
  reduced.text.embeds = select(full.text.embeds);
  reduced.added.text_embeds = select(full.added.text_embeds);
  reduced.added.time_ids = select(full.added.time_ids);
  return reduced;
}

}  // namespace

int64_t first_changed_step(int64_t old_end, int64_t new_end) {
  // Step i blends (all layers) when 1 <= i < t_e, and its last layer when i + 1 < t_e: the
  // first step that differs is min(old, new) − 1.
  return std::max<int64_t>(0, std::min(old_end, new_end) - 1);
}

EditResult rerender_edit(DiffusionModel& model, const EditResult& previous, int64_t edit_end_step,
                         const EditProgressCallback& progress, const CancelToken& cancel) {
  const auto start = SteadyClock::now();
  if (!previous.state) throw Error("this edit kept no per-step state to re-render from; run the edit again");
  const EditState& kept_state = *previous.state;
  EditRequest request = kept_state.request;
  const int64_t steps = request.source.steps;
  if (edit_end_step < 1 || edit_end_step > steps)
    throw Error("t_e must be between 1 and the number of steps (" + std::to_string(steps) + "), got " +
                std::to_string(edit_end_step));
  const int64_t old_end = request.edit_end_step.value_or(steps);
  request.edit_end_step = edit_end_step;
  const auto* kept = std::get_if<KeptInversion>(&request.origin);
  const Inversion* inv = kept ? kept->inversion.get() : nullptr;

  EditResult result = previous;  // the source image, the masks before `first`, seeds and settings
  result.warnings.clear();
  result.timings = GenerateTimings{};
  result.invert_seconds = 0;
  result.inversion = nullptr;
  InferenceGuard inference(model.compute().device);
  const CancelScope within_steps(cancel);  // cancellation_point() inside the models
  cancel.throw_if_cancelled();
  const int total = static_cast<int>(kept_state.latents.size());
  const int first = static_cast<int>(std::min<int64_t>(first_changed_step(old_end, edit_end_step), total));

  StageScope stage("re-rendering the edit");
  PartEditController controller(control_settings(model, request, result, total),
                                kept_state.conditioning.token_sequence, kept_state.conditioning.part_positions);
  std::unique_ptr<EditTrajectory> trajectory =
      inv ? inversion_trajectory(model, *inv)
          : generation_trajectory(model, previous.scheduler, static_cast<int>(steps), at::Tensor());
  auto state = std::make_shared<EditState>(kept_state);  // shares the unchanged steps' tensors
  state->request = request;
  at::Tensor latents;
  const auto denoise_start = SteadyClock::now();
  ControllerScope scope(model.unet(), &controller);
  EditLoop loop{model, *trajectory, controller, kept_state.conditioning, request.source.guidance, nullptr,
                progress && request.source.preview ? &model.latent_preview_map() : nullptr,
                request.keep_maps, state.get(), progress, cancel};
  // Past the new t_e nothing blends: the source path is the first run's, and the batch
  // drops its uncond row.
  loop.reduced_from = static_cast<int>(edit_end_step);
  loop.known_source = [&](int i) {
    return i + 1 < total ? kept_state.latents[static_cast<size_t>(i + 1)].slice(0, 0, 1) : previous.source_latents;
  };
  loop.known_mask = [&](int i) {
    StepMask known;
    known.mask = previous.masks[i].to(model.compute().device);
    if (previous.maps.defined()) known.normalized = previous.maps[i];
    known.otsu = previous.otsu[static_cast<size_t>(i)];
    return known;
  };
  loop.reduced = reduced_conditioning(kept_state.conditioning);
  for (int i = 0; i < first; ++i) {  // the unchanged steps, as the first run left them
    loop.masks.push_back(previous.masks[i]);
    if (request.keep_maps) loop.maps.push_back(previous.maps[i]);
    loop.otsu.push_back(previous.otsu[static_cast<size_t>(i)]);
  }
  if (first < total) {
    trajectory->restore_sampler(*kept_state.samplers[static_cast<size_t>(first)]);
    if (first > 0) controller.resume_with_mask(previous.masks[first - 1].to(model.compute().device));
    latents = run_edit_steps(loop, kept_state.latents[static_cast<size_t>(first)], first);
  }
  result.timings.denoise = seconds_since(denoise_start);
  result.mask_seconds = controller.mask_seconds();
  result.otsu = loop.otsu;
  result.masks = at::stack(loop.masks);
  result.final_mask = result.masks.mean(0);
  if (request.keep_maps) result.maps = at::stack(loop.maps);

  // Only the edit path changed: decode it alone.
  if (latents.defined()) {
    cancel.throw_if_cancelled();
    const auto decode_start = SteadyClock::now();
    stage.set("decoding the edited image");
    result.edited = latents_to_image(model.vae(), latents.slice(0, 1, 2)).to(at::kCPU)[0].contiguous();
    result.edit_latents = latents.slice(0, 1, 2).to(at::kCPU);
    result.timings.decode = seconds_since(decode_start);
  }
  result.parameters = edit_parameters(model, request, result, inv);
  result.state = state;
  result.timings.total = seconds_since(start);
  return result;
}

}  // namespace partedit
