#include "eval/masked_metrics.h"

#include <cmath>
#include <string>

#include <ATen/ATen.h>

#include "runtime/error.h"

namespace partedit {

namespace {

std::string shape_text(const at::Tensor& t) { return c10::str(t.sizes()); }

at::Tensor as_double(const at::Tensor& t) { return t.to(at::kDouble).cpu(); }

}  // namespace

void check_masked_inputs(const at::Tensor& source, const at::Tensor& edited, const at::Tensor& part_mask) {
  if (source.dim() != 3 || source.size(0) != 3)
    throw Error("the source image must be RGB [3, H, W], got " + shape_text(source));
  if (!edited.sizes().equals(source.sizes()))
    throw Error("the edited image's size " + shape_text(edited) + " differs from the source's " + shape_text(source));
  if (part_mask.dim() != 2 || part_mask.size(0) != source.size(1) || part_mask.size(1) != source.size(2))
    throw Error("the mask's size " + shape_text(part_mask) + " differs from the images' " +
                c10::str(source.sizes().slice(1)));
  const int64_t part = part_pixels(part_mask).sum().item<int64_t>();
  if (part == 0) throw Error("the mask has no part pixel");
  if (part == part_mask.numel()) throw Error("the mask covers the whole image: there is no background to score");
}

at::Tensor part_pixels(const at::Tensor& part_mask) { return part_mask.cpu().ge(0.5); }

double background_mse(const at::Tensor& source, const at::Tensor& edited, const at::Tensor& part_mask) {
  check_masked_inputs(source, edited, part_mask);
  const auto background = part_pixels(part_mask).logical_not();                  // [H, W]
  const auto squared = (as_double(source) - as_double(edited)).pow(2).sum(0);    // [H, W] summed over RGB
  return squared.masked_select(background).sum().item<double>() / (3.0 * background.sum().item<double>());
}

std::optional<double> psnr_from_mse(double mse) {
  if (mse <= 0) return std::nullopt;
  return 10.0 * std::log10(1.0 / mse);
}

at::Tensor ssim_gaussian_1d() {
  const auto x = at::arange(kSsimWindow, at::kDouble) - double(kSsimWindow / 2);  // -5 .. 5
  const auto g = at::exp(-x.pow(2) / (2.0 * kSsimSigma * kSsimSigma));
  return g / g.sum();  // [11]
}

double background_ssim(const at::Tensor& source, const at::Tensor& edited, const at::Tensor& part_mask) {
  check_masked_inputs(source, edited, part_mask);
  const int64_t H = source.size(1), W = source.size(2), half = kSsimWindow / 2;
  if (H < kSsimWindow || W < kSsimWindow)
    throw Error("SSIM needs images of at least 11x11 pixels, got " + std::to_string(H) + "x" + std::to_string(W));
  // 1. window statistics per channel, at valid positions only
  const auto g = ssim_gaussian_1d();
  const auto window = at::outer(g, g).view({1, 1, kSsimWindow, kSsimWindow});  // [1, 1, 11, 11]
  const auto x = as_double(source).unsqueeze(1), y = as_double(edited).unsqueeze(1);  // [3, 1, H, W]
  auto filter = [&](const at::Tensor& t) { return at::conv2d(t, window).squeeze(1); };  // [3, H-10, W-10]
  const auto mu_x = filter(x), mu_y = filter(y);
  const auto var_x = filter(x * x) - mu_x * mu_x;
  const auto var_y = filter(y * y) - mu_y * mu_y;
  const auto cov_xy = filter(x * y) - mu_x * mu_y;
  // 2. the SSIM map
  const double c1 = (kSsimK1 * 1.0) * (kSsimK1 * 1.0), c2 = (kSsimK2 * 1.0) * (kSsimK2 * 1.0);
  const auto map = ((2 * mu_x * mu_y + c1) * (2 * cov_xy + c2)) /
                   ((mu_x * mu_x + mu_y * mu_y + c1) * (var_x + var_y + c2));  // [3, H-10, W-10]
  // 3. the mean over background centres (the same positions in every channel)
  const auto background = part_pixels(part_mask)
                              .logical_not()
                              .narrow(0, half, H - 2 * half)
                              .narrow(1, half, W - 2 * half);  // [H-10, W-10]
  const int64_t count = background.sum().item<int64_t>();
  if (count == 0)
    throw Error("SSIM: no background pixel lies 5 or more pixels inside the image (the mask covers the interior)");
  return map.masked_select(background.unsqueeze(0).expand_as(map)).sum().item<double>() / (3.0 * double(count));
}

}  // namespace partedit
