#include "eval/clip_regions.h"

#include <algorithm>

#include <ATen/ATen.h>

#include "eval/masked_metrics.h"
#include "runtime/error.h"

namespace partedit {

namespace {

// [3, 1, 1] float32 of the blank colour.
at::Tensor blank_pixel(const std::vector<double>& blank) {
  if (blank.size() != 3) throw Error("the blank colour must have 3 channels, got " + std::to_string(blank.size()));
  return at::tensor(blank, at::kDouble).to(at::kFloat).view({3, 1, 1});
}

}  // namespace

PixelBox part_bounding_box(const at::Tensor& part_mask) {
  const auto part = part_pixels(part_mask);  // [H, W] bool
  const auto rows = part.any(1).nonzero().flatten(), cols = part.any(0).nonzero().flatten();
  if (rows.numel() == 0) throw Error("the mask has no part pixel");
  PixelBox box;
  box.top = rows[0].item<int64_t>();
  box.left = cols[0].item<int64_t>();
  box.height = rows[-1].item<int64_t>() - box.top + 1;
  box.width = cols[-1].item<int64_t>() - box.left + 1;
  return box;
}

at::Tensor clip_foreground_image(const at::Tensor& image, const at::Tensor& part_mask, const std::vector<double>& blank) {
  const auto box = part_bounding_box(part_mask);
  const auto fill = blank_pixel(blank);
  // 1. the box, non-part pixels blanked
  const auto crop_part =
      part_pixels(part_mask).narrow(0, box.top, box.height).narrow(1, box.left, box.width);  // [h, w]
  const auto crop = image.to(at::kFloat).cpu().narrow(1, box.top, box.height).narrow(2, box.left, box.width);
  const auto kept = at::where(crop_part.unsqueeze(0), crop, fill);  // [3, h, w]
  // 2. centred on a blank square
  const int64_t side = std::max(box.height, box.width);
  auto square = fill.expand({3, side, side}).clone();  // [3, S, S]
  square.narrow(1, (side - box.height) / 2, box.height).narrow(2, (side - box.width) / 2, box.width).copy_(kept);
  return square;
}

at::Tensor clip_background_image(const at::Tensor& image, const at::Tensor& part_mask, const std::vector<double>& blank) {
  return at::where(part_pixels(part_mask).unsqueeze(0), blank_pixel(blank), image.to(at::kFloat).cpu());  // [3, H, W]
}

}  // namespace partedit
