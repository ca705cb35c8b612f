#pragma once
// PartEdit on a generated image (algorithm.md §3): the source and the edit path denoised in
// one CFG batch, the part localised at every step from the source path's queries, and the
// edit blended into the source trajectory inside every attention layer.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <ATen/core/Tensor.h>

#include "editing/part_edit_controller.h"
#include "editing/part_token.h"
#include "pipeline/text_to_image.h"
#include "runtime/cancel.h"

namespace partedit {

class DiffusionModel;
struct Inversion;
struct InvertRequest;

// Where the source path of an edit comes from; exactly one of:
// - generated from EditRequest::source (its prompt, seed or initial latents, size, sampler);
struct GeneratedSource {};
// - a photo inverted within the edit's own UNet pass (no separate inversion; needs a blank
//   negative prompt, as the inversion's). The inversion comes back in the result;
struct PhotoToInvert {
  std::shared_ptr<const InvertRequest> request;
};
// - a kept inversion, which the source path replays (its prompt, steps, size and scheduler
//   replace those of EditRequest::source; guidance still applies to the edit path).
struct KeptInversion {
  std::shared_ptr<const Inversion> inversion;
};
using EditSource = std::variant<GeneratedSource, PhotoToInvert, KeptInversion>;

struct EditRequest {
  GenerateRequest source;          // prompt = the source prompt; steps, guidance (> 1), scheduler, seed, size, noise
  EditSource origin;               // generated (default), a photo to invert, or a kept inversion
  std::string edit_prompt;         // the full edit prompt
  at::Tensor part_embedding;       // [2k, D]: rows (BG, PART) of each of the k parts
  std::vector<int> layers;         // cross-attention layers for the maps; empty = default_part_layers()
  std::optional<int64_t> edit_end_step;  // t_e in [1, steps]; nullopt = steps (full preservation outside the part)
  double omega = PartEditControlSettings{}.omega;  // the paper's ω (Eq. 5)
  std::optional<PromptToPrompt> p2p;  // nullopt: Replace for prompts of equal word count, else Refine
  double cross_replace = 0.4;      // fraction of steps the edit words take the source's attention
  std::vector<std::string> edit_words;  // empty: the words that differ from the source prompt
  std::vector<std::string> part_names;  // the parts' names, for the parameters text only
  int64_t mask_size = 0;           // aggregation resolution: 0 = the image size; N = N x N (the release: 1024)
  bool keep_maps = false;          // also return the normalised maps (Otsu's input) of every step
  bool keep_state = false;         // keep the per-step state, so that rerender_edit can change t_e
};

// What an edit keeps of every step when asked (EditRequest::keep_state): the latents and the
// sampler's state before each step, the prompts' conditioning. Small: [2, C, h, w] per step.
struct EditState;

struct EditProgress {
  int step = 0;         // steps done: 1 .. total
  int total = 0;
  at::Tensor mask;      // [H, W] float32 CPU: the mask computed at this step (blends the next)
  at::Tensor preview;   // [3, h, w] float32 CPU: the edit path's current x0 estimate; undefined unless source.preview
  at::Tensor latents;   // [2, C, h, w] (source, edit) after this step, on the model's device (read-only)
};

struct EditResult {
  at::Tensor edited;        // [3, H, W] float32 CPU in [0, 1]
  at::Tensor source;        // [3, H, W]
  at::Tensor final_mask;    // [Hm, Wm] mean of the per-step masks
  at::Tensor masks;         // [steps, Hm, Wm] thresholded per-step masks, step 0 first
  at::Tensor maps;          // [steps, Hm, Wm] normalised maps (only with keep_maps)
  std::vector<double> otsu; // per step
  at::Tensor source_latents, edit_latents;  // [1, C, h, w] float32 CPU
  std::string edit_prompt;
  PromptToPrompt p2p = PromptToPrompt::None;
  std::vector<std::string> edit_words;
  std::string parameters;          // A1111-style text of the edited image (settings line last)
  std::string source_parameters;   // the same for the source image: its own prompt and settings, no edit keys
  std::vector<std::string> warnings;
  GenerateTimings timings;
  double mask_seconds = 0;  // aggregating, normalising and thresholding the maps, all steps
  // A photo inverted within this edit's pass: the inversion's own work (VAE encode, source
  // conditioning, noising, the per-step inversion arithmetic). Its UNet predictions are the
  // source rows of the edit's batch, shared with the edit and counted in timings.denoise.
  double invert_seconds = 0;
  std::shared_ptr<const Inversion> inversion;  // the photo's inversion, when this edit computed it
  std::shared_ptr<const EditState> state;      // with keep_state: what rerender_edit restarts from
  // The seed of the run's random draws: the initial noise, or for a photo the noising draws
  // of its inversion; meaningless when noise_from_seed is false (given latents or noise).
  uint64_t seed = 0;
  bool noise_from_seed = true;
  std::string scheduler;
  int64_t width = 0, height = 0;
};

using EditProgressCallback = std::function<void(const EditProgress&)>;

// The cross-attention layers PartEdit reads by default: the authors' list for
// SDXL-base-shaped UNets, else every cross-attention layer.
std::vector<int> default_part_layers(DiffusionModel& model);

// The layers for these tokens: the authors' list for SDXL-base-shaped UNets; otherwise the
// layers the tokens were trained on (when they all name the same, existing ones); else all.
std::vector<int> part_layers_for(DiffusionModel& model, const std::vector<PartToken>& tokens);

// The model's family as token files name it: "sdxl", "sd15" or "sd21".
std::string model_family_code(const DiffusionModel& model);

// The tokens' rows stacked [BG1, P1, BG2, P2, ...] (Appendix M) after checking that each
// fits the model (width, family); throws Error naming the token otherwise.
at::Tensor combine_part_embeddings(const DiffusionModel& model, const std::vector<PartToken>& tokens);

// Throws Error on bad input (see validate; an edit whose edit words fall outside CLIP's
// token window is refused, edit_prompt_window.h) and CancelledError when cancelled between steps.
EditResult edit(DiffusionModel& model, const EditRequest& request, const EditProgressCallback& progress = {},
                const CancelToken& cancel = {});

// The same edit with another t_e, re-rendered from the first step whose result changes: the
// steps before min(old, new t_e) − 1 are identical (the last attention layer of step i
// blends with step i's own mask when i + 1 < t_e), so their kept state is reused and only the
// later steps run; the source image is unchanged and not decoded again. Equals a full edit
// with the new t_e (the same computation from the same state). The result keeps its state
// again. Throws Error when `previous` kept none or t_e is outside [1, steps].
EditResult rerender_edit(DiffusionModel& model, const EditResult& previous, int64_t edit_end_step,
                         const EditProgressCallback& progress = {}, const CancelToken& cancel = {});

// The first step a re-render from t_e = `old_end` to `new_end` recomputes.
int64_t first_changed_step(int64_t old_end, int64_t new_end);

}  // namespace partedit
