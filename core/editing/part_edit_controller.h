#pragma once
// The PartEdit attention controller (algorithm.md §3), for a UNet batch laid out as
// [uncond source, uncond edit, cond source, cond edit]:
// - localisation: in each selected cross-attention layer, the part-token probabilities
//   softmax(q_source · K_token^T / sqrt(d))[:, part] of the cond source row, summed over heads
//   — the maps the authors get from a third UNet path, without running it (the path's
//   queries are the source's and its keys come from the token sequence alone);
// - blending: in every attention layer, edit = m · edit + (1 − m) · source (both halves)
//   for steps 1 ≤ i < t_e, m = the previous step's mask resized to the layer; the last
//   attention layer of each call instead computes this step's mask first and blends with it
//   when i + 1 < t_e (the release's between_steps runs inside that layer's processor);
// - prompt-to-prompt: the cond edit row's cross-attention probabilities take the source's,
//   mapped to the edit prompt's tokens, on the replacement schedule.
#include <map>
#include <optional>
#include <vector>

#include <ATen/core/Tensor.h>

#include "editing/prompt_mapping.h"
#include "nn/attention_controller.h"

namespace partedit {

enum class PromptToPrompt { None, Replace, Refine };

struct PartEditControlSettings {
  std::vector<int> layers;        // cross-attention indices (execution order) used for the maps
  int64_t mask_height = 0;        // aggregation resolution (the image size)
  int64_t mask_width = 0;
  double omega = 1.5;             // adaptive threshold upper factor (paper Eq. 5)
  double lower = 0.5;             // adaptive threshold lower factor
  int64_t edit_end_step = 0;      // t_e: blending at steps 1 <= i < t_e
  int64_t attention_layers = 0;   // attention layers (self + cross) per UNet call; the last one ends the step
  PromptToPrompt p2p = PromptToPrompt::Refine;
  at::Tensor replace_mapper;      // [77, 77] (Replace)
  RefineMapping refine;           // (Refine)
  at::Tensor cross_replace_alpha; // [steps + 1, 77]: 1 where the edit token takes the source's attention
};

// One step's localisation result, at the aggregation resolution.
struct StepMask {
  at::Tensor normalized;  // [H, W] min-max normalised mean map (Otsu's input)
  double otsu = 0;
  at::Tensor mask;        // [H, W] after the adaptive threshold: the next step's blending mask
};

class PartEditController : public AttentionController {
 public:
  // token_sequence: [77, D] conditioning of the localisation path (rows BG, PART, ... with
  // BG padding); part_positions: the sequence positions of the part rows (1, 3, ...).
  PartEditController(PartEditControlSettings settings, at::Tensor token_sequence, std::vector<int64_t> part_positions);

  void begin_step(int64_t step);  // 0-based denoising step about to run
  // Continues a run from a later step: `previous_mask` is the mask the step before computed
  // (StepMask::mask), which the next step blends with.
  void resume_with_mask(const at::Tensor& previous_mask);
  // The batch of the next calls: [uncond source, uncond edit, cond source, cond edit] (the
  // default), or without the uncond source row — [uncond edit, cond source, cond edit] — for
  // steps that do not blend (a re-render past t_e, where the source path is already known).
  void set_uncond_source_row(bool present);
  // This step's localisation result is already known (a re-render past t_e: the source path
  // is unchanged): no maps are computed and `known` becomes the step's mask. nullopt: compute.
  void set_known_step(std::optional<StepMask> known);
  // After the UNet call: the step's mask, computed in its last attention layer.
  StepMask end_step();
  double mask_seconds() const { return mask_seconds_; }  // aggregating and thresholding, all steps so far

  bool wants_probabilities(const AttentionCall& call) override;
  void on_query(const AttentionCall& call, at::Tensor& query) override;
  void on_probabilities(const AttentionCall& call, at::Tensor& probabilities) override;
  void on_output(const AttentionCall& call, at::Tensor& output) override;

 private:
  struct TokenKeys {
    at::Tensor keys;        // [heads, U, d]: keys of the U distinct rows of the token sequence
    at::Tensor log_counts;  // [U]: log of how often each distinct row occurs
  };
  const TokenKeys& token_keys(const AttentionCall& call);
  StepMask finish_step();  // aggregate, normalise, threshold; sets mask_
  double mask_seconds_ = 0;
  bool blending_at(int64_t step) const;
  const at::Tensor& blend_mask_for(int64_t height, int64_t width, const at::Tensor& like);

  PartEditControlSettings settings_;
  int64_t uncond_source_ = 0, uncond_edit_ = 1, cond_source_ = 2, cond_edit_ = 3;  // batch rows; -1 = absent
  std::vector<bool> selected_;           // by cross index
  at::Tensor unique_rows_;               // [U, D] distinct rows of the token sequence
  at::Tensor unique_counts_;             // [U]
  std::vector<int64_t> part_unique_index_;  // index into unique rows of each part
  std::map<int, TokenKeys> keys_by_layer_;

  int64_t step_ = 0;
  // Per step: the sum over selected layers of each layer's part map, grouped by resolution
  // (bilinear resizing is linear, so resize-then-average equals average-then-resize).
  std::map<std::pair<int64_t, int64_t>, at::Tensor> map_sums_;
  int64_t maps_this_step_ = 0;
  std::optional<StepMask> finished_;                             // this step's result, once computed
  std::optional<StepMask> known_;                                // this step's result, given
  at::Tensor mask_;                                              // last stored mask [H, W]
  std::map<std::pair<int64_t, int64_t>, at::Tensor> blend_masks_;  // mask_ resized per layer size
};

// The authors' layer list for SDXL-base-shaped UNets (70 cross-attention layers): mid and
// the first up-block layers 24..59, then down-block layers 0..3.
std::vector<int> sdxl_base_part_layers();

}  // namespace partedit
