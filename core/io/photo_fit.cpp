#include "io/photo_fit.h"

#include <algorithm>
#include <cmath>
#include <string>

#include <ATen/ATen.h>

#include "runtime/error.h"
#include "runtime/text.h"

namespace partedit {

namespace {

void check_options(const FitOptions& o) {
  if (o.multiple < 1) throw Error("photo fit: multiple must be at least 1, got " + std::to_string(o.multiple));
  if (o.min_side < 0) throw Error("photo fit: min_side must be >= 0, got " + std::to_string(o.min_side));
  if (o.pixel_budget < o.multiple * o.multiple)
    throw Error("photo fit: pixel_budget " + std::to_string(o.pixel_budget) + " is below one " +
                size_text(o.multiple, o.multiple) + " block");
}

// Working sides: the scaled photo floored to whole multiples, then trimmed to the budget
// (floating error in the scale can leave the product a hair above it).
void working_size(int64_t w0, int64_t h0, double s, const FitOptions& o, int64_t& w, int64_t& h) {
  const int64_t m = o.multiple;
  w = static_cast<int64_t>(std::floor(w0 * s / m + 1e-9)) * m;
  h = static_cast<int64_t>(std::floor(h0 * s / m + 1e-9)) * m;
  while (w * h > o.pixel_budget && w >= m && h >= m) (w >= h ? w : h) -= m;
}

}  // namespace

FitOptions FitOptions::for_model(int64_t native_size, int64_t multiple) {
  FitOptions o;
  o.multiple = multiple;
  o.pixel_budget = native_size * native_size;
  o.min_side = native_size / 4;
  return o;
}

PhotoFit fit_photo(int64_t width, int64_t height, const FitOptions& options) {
  check_options(options);
  if (width < 1 || height < 1) throw Error("photo fit: the photo has no pixels (" + size_text(width, height) + ")");
  double s = std::sqrt(static_cast<double>(options.pixel_budget) / (static_cast<double>(width) * height));
  const double up_to_min_side = static_cast<double>(options.min_side) / std::min(width, height);
  if (!options.allow_upscale) s = std::min(s, std::max(1.0, up_to_min_side));
  PhotoFit fit;
  fit.multiple = options.multiple;
  fit.original_width = width;
  fit.original_height = height;
  working_size(width, height, s, options, fit.width, fit.height);
  if (fit.width < options.multiple || fit.height < options.multiple)
    throw Error("photo of " + size_text(width, height) + " pixels is too small or too elongated: at scale " +
                std::to_string(s) + " a side falls below " + std::to_string(options.multiple) + " pixels");
  // The crop the working frame covers at scale s, centred; the remainder lost to the
  // rounding down is split between both sides.
  fit.crop_width = std::clamp<int64_t>(std::llround(fit.width / s), 1, width);
  fit.crop_height = std::clamp<int64_t>(std::llround(fit.height / s), 1, height);
  fit.crop_x = (width - fit.crop_width) / 2;
  fit.crop_y = (height - fit.crop_height) / 2;
  fit.scale_x = static_cast<double>(fit.width) / fit.crop_width;
  fit.scale_y = static_cast<double>(fit.height) / fit.crop_height;
  return fit;
}

std::string describe_fit(const PhotoFit& f, const std::string& name) {
  if (f.width == f.original_width && f.height == f.original_height) return "";
  const int64_t trim_x = f.original_width - f.crop_width, trim_y = f.original_height - f.crop_height;
  const std::string trim = "trimmed by " + std::to_string(trim_x) + "x" + std::to_string(trim_y) + " pixels";
  std::string text = name + " is " + std::to_string(f.original_width) + "x" + std::to_string(f.original_height) +
                     " pixels; it is edited at " + std::to_string(f.width) + "x" + std::to_string(f.height) + " (";
  if (f.crop_width == f.width && f.crop_height == f.height)
    return text + trim + " to multiples of " + std::to_string(f.multiple) + ")";
  text += f.scale_x > 1.0 ? "scaled up to the smallest working size" : "scaled down to the working pixel budget";
  if (trim_x > 0 || trim_y > 0) text += "; " + trim;
  return text + ") and the result scaled back";
}

at::Tensor resize_for_fit(const at::Tensor& maps, int64_t height, int64_t width, bool is_mask) {
  const bool plane = maps.dim() == 2;
  if (!plane && maps.dim() != 3) throw Error("resize: expected [C, h, w] or [h, w], got " + c10::str(maps.sizes()));
  if (maps.size(-2) == height && maps.size(-1) == width) return maps;
  at::Tensor x = (plane ? maps.unsqueeze(0) : maps).unsqueeze(0).to(c10::kFloat);  // [1, C, h, w]
  // torch.nn.functional.interpolate(antialias=True): area-like when shrinking, plain when enlarging.
  if (is_mask) {
    x = at::_upsample_bilinear2d_aa(x, {height, width}, false, c10::nullopt, c10::nullopt);  // [1, C, H, W]
  } else {
    x = at::_upsample_bicubic2d_aa(x, {height, width}, false, c10::nullopt, c10::nullopt).clamp(0.0, 1.0);
  }
  x = x.squeeze(0);  // [C, H, W]
  return plane ? x.squeeze(0) : x;
}

at::Tensor map_to_original(const at::Tensor& result, const PhotoFit& fit, bool is_mask, const at::Tensor& outside) {
  if (fit.crop_width < 1 || fit.crop_height < 1 || fit.crop_x < 0 || fit.crop_y < 0 ||
      fit.crop_x + fit.crop_width > fit.original_width || fit.crop_y + fit.crop_height > fit.original_height)
    throw Error("map to original: the crop rectangle lies outside the " +
                size_text(fit.original_width, fit.original_height) + " photo");
  const at::Tensor inside = resize_for_fit(result, fit.crop_height, fit.crop_width, is_mask);  // [C, ch, cw] | [ch, cw]
  std::vector<int64_t> shape = inside.sizes().vec();
  shape[shape.size() - 2] = fit.original_height;
  shape[shape.size() - 1] = fit.original_width;
  at::Tensor canvas;
  if (outside.defined()) {
    if (outside.sizes().vec() != shape)
      throw Error("map to original: `outside` is " + c10::str(outside.sizes()) + ", expected " + c10::str(shape));
    canvas = outside.to(inside.scalar_type()).clone();
  } else {
    canvas = at::zeros(shape, inside.options());
  }
  canvas.narrow(-2, fit.crop_y, fit.crop_height).narrow(-1, fit.crop_x, fit.crop_width).copy_(inside);
  return canvas;  // [C, H0, W0] | [H0, W0]
}

}  // namespace partedit
