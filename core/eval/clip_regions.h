#pragma once
// The images the CLIP scores of the edit evaluation look at (algorithm.md §7). The paper
// scores the edited region with Alpha-CLIP, whose weights exist in no CLIPModel layout; we
// crop and blank instead, with an ordinary CLIP model:
// - foreground: the edited image cropped to the part mask's bounding box, every crop pixel
//   that is not part set to the blank colour, the crop padded to a square with the blank
//   colour (centred; the left/top margin is the smaller one when the difference is odd);
// - background: the whole image with every part pixel set to the blank colour.
// Both then go through CLIP's own preprocessing (models/clip/clip_image_processor.h):
// shortest side resized to the tower's size and a centre crop, a no-op for the square
// foreground; a non-square background loses its sides, as it would in transformers.
// The blank colour is the CLIP processor's image_mean, so that blanked pixels normalise to
// about 0 (exactly its 8-bit rounding: the preprocessing sees 8-bit pixels, as PIL does).
// Images [3, H, W] float RGB in [0, 1]; the mask [H, W], part where >= 0.5.
#include <cstdint>
#include <vector>

#include <ATen/core/Tensor.h>

namespace partedit {

struct PixelBox {
  int64_t top = 0, left = 0, height = 0, width = 0;
};

// The smallest box holding every part pixel. Throws partedit::Error when there is none.
PixelBox part_bounding_box(const at::Tensor& part_mask);

// [3, S, S] with S = max(box height, box width), float32.
at::Tensor clip_foreground_image(const at::Tensor& image, const at::Tensor& part_mask, const std::vector<double>& blank);
// [3, H, W] float32.
at::Tensor clip_background_image(const at::Tensor& image, const at::Tensor& part_mask, const std::vector<double>& blank);

}  // namespace partedit
