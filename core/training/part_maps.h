#pragma once
// The part maps a token produces, shared by token training, its validation and `locate`
// (algorithm.md §2, §3, §5). A single-part token conditions the UNet through the 77-row
// sequence [BG, PART, BG × 75]; with that padding the softmax over the 77 keys is a softmax
// over the two distinct keys with BG's logit raised by log 76, so a layer's map needs only
// two dot products per query and head, and is differentiable in the 2 × D embedding.
#include <cstdint>
#include <functional>
#include <vector>

#include <ATen/core/Tensor.h>

namespace partedit {

class AttentionImpl;

// One selected cross-attention layer's queries of one UNet row: [heads, N, d], N = height × width.
struct LayerQueries {
  int cross_index = -1;
  int64_t height = 0;
  int64_t width = 0;
  at::Tensor query;
};

// The part's attention probability per query, averaged over heads: [N] (float32). `query`
// [heads, N, d]; `embedding` [2, D] (BG, PART) — gradients flow to both. Summing over heads
// instead (as the editing maps do) differs by a constant factor that min-max normalisation
// removes; the mean keeps each value a probability, which binary cross-entropy needs.
at::Tensor part_probability(AttentionImpl& layer, const at::Tensor& query, const at::Tensor& embedding,
                            int64_t sequence_length = 77);

// The training loss of one image and timestep (paper Eq. 3, averaged): for each layer the
// binary cross-entropy between its map [h, w] and the mask's area average over each map
// pixel (a soft target at the border), averaged over pixels, then over layers.
// `mask` [H, W] float in {0, 1} at the working size.
at::Tensor part_map_loss(const std::vector<at::Tensor>& maps, const at::Tensor& mask);

// The mask seen at a map's resolution: the area average of `mask` [H, W] over each of the
// h × w cells ([h, w] float32, values in [0, 1]).
at::Tensor mask_at_resolution(const at::Tensor& mask, int64_t height, int64_t width);

// Where the part is, from the maps of several layers and timesteps: each map resized
// bilinearly to height × width, all averaged, min-max normalised, then binarised at Otsu's
// threshold (value ≥ k is part) — the editing masks' aggregation without the adaptive ramp.
struct LocatedPart {
  at::Tensor normalized;  // [H, W] float32 in [0, 1]
  double otsu = 0;
  at::Tensor mask;        // [H, W] float32 in {0, 1}
};
LocatedPart locate_from_maps(const std::vector<at::Tensor>& maps, int64_t height, int64_t width);

// Intersection over union of two binary [H, W] masks (1 when both are empty).
double intersection_over_union(const at::Tensor& predicted, const at::Tensor& truth);

}  // namespace partedit
