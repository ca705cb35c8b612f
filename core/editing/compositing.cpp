#include "editing/compositing.h"

#include <cmath>
#include <string>
#include <vector>

#include <ATen/ATen.h>

#include "runtime/error.h"

namespace partedit {

namespace {

// Normalised Gaussian taps over [-k, k], k = ceil(radius), sigma = radius / 3.
std::vector<float> gaussian_taps(double radius) {
  const int64_t k = static_cast<int64_t>(std::ceil(radius));
  const double sigma = radius / 3.0;
  std::vector<double> v(2 * k + 1);
  double sum = 0.0;
  for (int64_t i = -k; i <= k; ++i) sum += v[i + k] = std::exp(-0.5 * (i * i) / (sigma * sigma));
  std::vector<float> taps;
  for (double x : v) taps.push_back(static_cast<float>(x / sum));
  return taps;
}

// One axis of the separable blur as a weighted sum of shifted views: conv2d with a
// single-channel 1-D kernel goes through im2col here (13 s and 2 GB at 24 MP; this: < 1 s).
at::Tensor blur_axis(const at::Tensor& padded, const std::vector<float>& taps, int64_t dim) {
  const int64_t length = padded.size(dim) - static_cast<int64_t>(taps.size()) + 1;
  at::Tensor acc = padded.narrow(dim, 0, length) * taps[0];
  for (size_t i = 1; i < taps.size(); ++i) acc.add_(padded.narrow(dim, static_cast<int64_t>(i), length), taps[i]);
  return acc;
}

// Sums of resampling weights and Gaussian taps land a rounding error below 1 inside a
// full mask; such weights become exactly 1 so that fully edited pixels are the edit exactly.
at::Tensor snap_to_one(const at::Tensor& w) { return at::where(w >= 1.0f - 1e-6f, at::ones_like(w), w); }

at::Tensor as_plane(const at::Tensor& mask) {
  at::Tensor m = mask;
  while (m.dim() > 2 && m.size(0) == 1) m = m.squeeze(0);
  if (m.dim() != 2 || m.size(0) < 1 || m.size(1) < 1)
    throw Error("composite: mask must be [h, w] (or [1, h, w], [1, 1, h, w]), got " + c10::str(mask.sizes()));
  return m;
}

void check_shapes(const at::Tensor& original, const at::Tensor& edited, const PhotoFit& fit) {
  const std::vector<int64_t> want_original = {3, fit.original_height, fit.original_width};
  if (original.sizes().vec() != want_original)
    throw Error("composite: original is " + c10::str(original.sizes()) + ", the photo fit expects " +
                c10::str(want_original));
  const std::vector<int64_t> want_edit = {3, fit.height, fit.width};
  if (edited.sizes().vec() != want_edit)
    throw Error("composite: edited image is " + c10::str(edited.sizes()) + ", the working size is " +
                c10::str(want_edit));
}

}  // namespace

at::Tensor feather_mask(const at::Tensor& mask, double radius) {
  if (!(radius >= 0.0)) throw Error("feather radius must be >= 0, got " + std::to_string(radius));
  const at::Tensor m = at::nan_to_num(as_plane(mask).to(c10::kFloat), 0.0).clamp(0.0, 1.0);  // [H, W]
  if (radius == 0.0) return snap_to_one(m);
  const std::vector<float> taps = gaussian_taps(radius);
  const int64_t k = static_cast<int64_t>(taps.size() - 1) / 2;
  // Edge replicated: a mask touching the crop border stays 1 there.
  at::Tensor x = at::replication_pad2d(m.unsqueeze(0), {k, k, k, k}).squeeze(0);  // [H + 2k, W + 2k]
  x = blur_axis(x, taps, 1);                                                         // [H + 2k, W]
  x = blur_axis(x, taps, 0);                                                         // [H, W]
  return snap_to_one(x.clamp_(0.0, 1.0));  // [H, W]
}

CompositeResult composite_photo(const at::Tensor& original, const at::Tensor& edited, const at::Tensor& mask,
                                const PhotoFit& fit, double feather_radius) {
  const at::Tensor edit = edited.dim() == 4 && edited.size(0) == 1 ? edited[0] : edited;  // [3, H, W]
  check_shapes(original, edit, fit);
  const auto opts = original.options().dtype(c10::kFloat);
  const at::Tensor photo = original.to(c10::kFloat);  // [3, H0, W0]
  // 1. Edit and mask onto the crop rectangle, in original pixels; 2. feathered weights. The
  //    edit's NaN/Inf become 0 so that a weight of 0 keeps the original exactly below.
  // (Out of place: at the photo's own size the resize returns the caller's tensor itself.)
  at::Tensor edit_crop =
      at::nan_to_num(resize_for_fit(edit.to(opts), fit.crop_height, fit.crop_width, false), 0.0, 0.0, 0.0);  // [3, ch, cw]
  const at::Tensor w = feather_mask(resize_for_fit(as_plane(mask).to(opts), fit.crop_height, fit.crop_width, true),
                                    feather_radius);  // [ch, cw]
  // 3. Blend in place inside the crop of a copy of the photo: original + w (edit - original),
  //    which is the original bit for bit where w = 0. Memory beyond the photo itself: the
  //    copy, the resized edit and two planes (a 24 MP photo: ~0.8 GB, bench_composite).
  CompositeResult result;
  result.image = photo.clone();  // [3, H0, W0]
  result.image.narrow(1, fit.crop_y, fit.crop_height)
      .narrow(2, fit.crop_x, fit.crop_width)
      .lerp_(edit_crop, w.unsqueeze(0));  // [3, ch, cw]
  edit_crop.reset();
  result.mask = at::zeros({fit.original_height, fit.original_width}, opts);  // [H0, W0]
  result.mask.narrow(0, fit.crop_y, fit.crop_height).narrow(1, fit.crop_x, fit.crop_width).copy_(w);
  return result;
}

}  // namespace partedit
