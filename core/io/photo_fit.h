#pragma once
// The geometry between a real photo and the model's working frame (algorithm.md §4): the
// photo is cropped (centred, by less than one `multiple` of working pixels per side) to the
// working aspect ratio and scaled to whole multiples of the VAE factor within a pixel budget;
// a photo whose shorter side is below the smallest working side is scaled up to it. PhotoFit
// records that mapping so that a working-size result goes back onto the photo.
#include <cstdint>
#include <string>

#include <ATen/core/Tensor.h>

namespace partedit {

struct FitOptions {
  int64_t multiple = 8;                 // working sides are multiples of this: the VAE factor
  int64_t pixel_budget = 1024 * 1024;   // working width × height at most this (SDXL: 1024²)
  int64_t min_side = 256;               // smallest working shorter side: smaller photos are scaled up to it
  bool allow_upscale = false;           // scale photos below the budget up to it

  // The policy for a model of native size native × native (SDXL: 1024): the budget is
  // native², the smallest working side native / 4 (SDXL: 256), sides multiples of `multiple`.
  static FitOptions for_model(int64_t native_size, int64_t multiple);
};

struct PhotoFit {
  int64_t original_width = 0;  // the photo after orientation (the full-resolution tensor)
  int64_t original_height = 0;
  int64_t crop_x = 0;          // crop rectangle in original pixels, mapped onto the working frame
  int64_t crop_y = 0;
  int64_t crop_width = 0;
  int64_t crop_height = 0;
  int64_t width = 0;           // working size (multiples of FitOptions::multiple)
  int64_t height = 0;
  double scale_x = 1.0;        // width / crop_width
  double scale_y = 1.0;        // height / crop_height (equal to scale_x up to one pixel of rounding:
                               // a working pixel when scaling down, an original pixel when scaling up)
  int decode_reduction = 1;    // 1, 2, 4 or 8: the file is this many times larger than `original`
  int64_t multiple = 8;        // the working sides' multiple (FitOptions::multiple)
};

// The fit of a width × height photo. The crop is width/s × height/s original pixels
// (rounded) for the scale s = min(sqrt(budget / pixels), max(1, min_side / shorter side))
// (without the second term when upscaling), so a photo that is not scaled keeps its pixels
// exactly. Throws Error when the working frame would be smaller than one multiple, or on
// bad options.
PhotoFit fit_photo(int64_t width, int64_t height, const FitOptions& options = {});

// One line for the user when the working frame differs from the photo, naming it `name`:
// "photo.png is 32x32 pixels; it is edited at 256x256 (scaled up to the smallest working
// size) and the result scaled back"; empty when the photo is edited at its own size.
std::string describe_fit(const PhotoFit& fit, const std::string& name = "the photo");

// Resizes a working-frame result — an image [C, h, w] or a mask [h, w], any resolution
// covering the working frame (latent-, mask- or working-size) — onto the crop rectangle
// and places it into an original-size canvas: [C, H0, W0] or [H0, W0]. Outside the crop the
// canvas holds `outside` (same shape as the output; zeros when undefined). Images are
// resampled with antialiased bicubic and clamped to [0, 1]; masks (`is_mask`) with
// antialiased bilinear, which never overshoots. A crop of the result's own size is not
// resampled at all.
at::Tensor map_to_original(const at::Tensor& result, const PhotoFit& fit, bool is_mask,
                           const at::Tensor& outside = {});

// Resizes [C, h, w] or [h, w] to height × width as map_to_original does (exact copy when
// the size is unchanged).
at::Tensor resize_for_fit(const at::Tensor& maps, int64_t height, int64_t width, bool is_mask);

}  // namespace partedit
