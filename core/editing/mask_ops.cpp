#include "editing/mask_ops.h"

#include <ATen/ATen.h>

namespace partedit {

at::Tensor resize_bilinear(const at::Tensor& maps, int64_t height, int64_t width) {
  if (maps.size(-2) == height && maps.size(-1) == width) return maps;
  const auto leading = maps.sizes().slice(0, maps.dim() - 2).vec();
  auto flat = maps.reshape({-1, 1, maps.size(-2), maps.size(-1)});               // [N, 1, h, w]
  auto resized = at::upsample_bilinear2d(flat, {height, width}, /*align_corners=*/false);  // [N, 1, H, W]
  auto shape = leading;
  shape.push_back(height);
  shape.push_back(width);
  return resized.reshape(shape);
}

at::Tensor min_max_normalize(const at::Tensor& map, double eps) {
  const auto min = map.min();
  const auto max = map.max();
  return (map - min) / (max - min + eps);
}

double otsu_threshold(const at::Tensor& map, int64_t bins) {
  // skimage.filters.threshold_otsu; the authors' torch port (threshold_otsu/histogram).
  const auto image = map.to(at::kFloat).reshape(-1);
  const auto first = image[0];
  if (at::all(image == first).item<bool>()) return first.item<double>();
  const double min = image.min().item<double>();
  const double max = image.max().item<double>();
  const auto counts = at::histc(image, bins, min, max);                 // [bins]
  const auto edges = at::linspace(min, max, bins + 1, image.options());  // float32, as torch.linspace
  const auto centres = (edges.slice(0, 0, bins) + edges.slice(0, 1, bins + 1)) / 2;  // [bins]
  // class probabilities and means for every candidate threshold
  const auto weight1 = counts.cumsum(0);
  const auto weight2 = counts.flip({0}).cumsum(0).flip({0});
  const auto mean1 = (counts * centres).cumsum(0) / weight1;
  const auto mean2 = (counts * centres).flip({0}).cumsum(0).flip({0}) / weight2;
  const auto variance12 = weight1.slice(0, 0, bins - 1) * weight2.slice(0, 1, bins) *
                          (mean1.slice(0, 0, bins - 1) - mean2.slice(0, 1, bins)).pow(2);  // [bins-1]
  const int64_t best = variance12.argmax().item<int64_t>();
  return centres[best].item<double>();
}

at::Tensor adaptive_threshold(const at::Tensor& normalized, double otsu, double omega, double lower) {
  auto out = normalized.clone();
  out.masked_fill_(out < lower * otsu, 0.0);
  out.masked_fill_(out >= omega * otsu, 1.0);
  out.masked_fill_(at::isnan(out), 0.0);
  return out;
}

}  // namespace partedit
