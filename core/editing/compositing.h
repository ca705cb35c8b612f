#pragma once
// Putting an edit back into a real photo (algorithm.md §4): the working-size edit and the
// edit mask are resized onto the photo's crop rectangle, the mask is feathered, and the
// photo is blended with the edit in float, at full resolution, before any quantisation.
// Where the compositing weight is exactly 0 — outside the feathered mask and everywhere
// outside the crop — the output is the original photo bit for bit, so an 8-bit export
// keeps the file's 8-bit pixels there.
//
// Feathering: a Gaussian blur of the resized mask (sigma = radius / 3, truncated at
// ±radius, weights renormalised), edge-replicated at the crop border. Chosen over a distance
// falloff because the PartEdit mask is soft (adaptive threshold, bilinear upsampling), which a
// blur treats correctly and a distance transform would first have to binarise; truncating the
// kernel keeps the band finite, so pixels farther than `radius` from any nonzero mask value
// keep weight exactly 0. The band straddles the mask edge (±radius), like A1111's mask blur.
// Weights within 1e-6 of 1 (rounding in the sums of taps) are set to exactly 1.
#include <ATen/core/Tensor.h>

#include "io/photo_fit.h"

namespace partedit {

constexpr double kDefaultFeatherRadius = 4.0;  // original-photo pixels

struct CompositeResult {
  at::Tensor image;  // [3, H0, W0] float in [0, 1]: the photo with the edit blended in
  at::Tensor mask;   // [H0, W0] float in [0, 1]: the weights used (0 outside the crop)
};

// Gaussian feathering of a [H, W] mask as described above; radius 0 returns the mask
// (clamped to [0, 1], NaN as 0) unblurred. Throws Error on a negative radius.
at::Tensor feather_mask(const at::Tensor& mask, double radius);

// original: [3, H0, W0] float in [0, 1] (Photo::original); edited: [3, H, W] (or [1, 3, H, W])
// at the fit's working size; mask: [h, w] (or [1, h, w], [1, 1, h, w]) covering the working
// frame at any resolution, values in [0, 1]; feather_radius in original pixels (0 = no
// feathering). Output = original + w · (edit − original), w the feathered weight; pixels
// with w = 0 are copied from `original`. Throws Error naming the argument on a shape that
// does not match the fit.
CompositeResult composite_photo(const at::Tensor& original, const at::Tensor& edited, const at::Tensor& mask,
                                const PhotoFit& fit, double feather_radius = kDefaultFeatherRadius);

}  // namespace partedit
