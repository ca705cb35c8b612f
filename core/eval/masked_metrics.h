#pragma once
// The background metrics of the edit evaluation (algorithm.md §7): how much an edit changed
// the image outside the edited part. Images are [3, H, W] float RGB in [0, 1] (data range 1,
// so the PSNR equals the 8-bit one with 255); the part mask is [H, W] float, a pixel being
// part when its value is >= 0.5 (io/image_mask.h's rule). Computed in float64 on the CPU.
//
// - MSE: the mean of (a - b)^2 over the background pixels and the 3 channels.
// - PSNR: 10 log10(1 / MSE); none when the MSE is 0 (identical backgrounds).
// - SSIM (Wang, Bovik, Sheikh, Simoncelli 2004) per RGB channel: an 11x11 Gaussian window of
//   sigma 1.5 normalised to sum 1, K1 0.01, K2 0.03, L 1 (C1 = (K1 L)^2, C2 = (K2 L)^2), the
//   window-weighted ("population", no n/(n-1)) variances and covariance. The SSIM map is
//   computed at every pixel whose whole window lies inside the image (5-pixel borders left
//   out, as Wang's reference ssim_index.m with 'valid' filtering); the score is the mean over
//   the 3 channels of the map's mean over those positions whose centre pixel is background.
//   Windows centred next to the part reach into it, so an edit confined to the part still
//   lowers the SSIM a little there; PSNR and MSE see background pixels only.
#include <optional>

#include <ATen/core/Tensor.h>

namespace partedit {

constexpr int64_t kSsimWindow = 11;
constexpr double kSsimSigma = 1.5, kSsimK1 = 0.01, kSsimK2 = 0.03;

// Throws partedit::Error unless source and edited are [3, H, W] and the mask [H, W] of the
// same size (the message names the sizes), the mask has a part pixel ("the mask has no part
// pixel") and a background pixel.
void check_masked_inputs(const at::Tensor& source, const at::Tensor& edited, const at::Tensor& part_mask);

// [H, W] bool: true where the mask value is >= 0.5.
at::Tensor part_pixels(const at::Tensor& part_mask);

double background_mse(const at::Tensor& source, const at::Tensor& edited, const at::Tensor& part_mask);
std::optional<double> psnr_from_mse(double mse);  // data range 1; nullopt for 0

// The Gaussian window's 1-D factor: kSsimWindow weights, float64, summing to 1.
at::Tensor ssim_gaussian_1d();
// Throws partedit::Error when the image is smaller than 11x11 or no valid position has a
// background centre (besides check_masked_inputs' errors).
double background_ssim(const at::Tensor& source, const at::Tensor& edited, const at::Tensor& part_mask);

}  // namespace partedit
