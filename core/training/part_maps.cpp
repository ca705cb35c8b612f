#include "training/part_maps.h"

#include <cmath>

#include <ATen/ATen.h>

#include "editing/mask_ops.h"
#include "nn/attention.h"
#include "runtime/error.h"

namespace partedit {

at::Tensor part_probability(AttentionImpl& layer, const at::Tensor& query, const at::Tensor& embedding,
                            int64_t sequence_length) {
  if (embedding.dim() != 2 || embedding.size(0) != 2)
    throw Error("a trained part token has 2 rows (BG, PART); got " + std::to_string(embedding.size(0)));
  const auto& weight = layer.to_k->weight;
  const auto rows = embedding.to(weight.device()).to(weight.scalar_type()).unsqueeze(0);  // [1, 2, D]
  // float32 at least (the model may run in half precision); double stays double (gradient tests).
  const auto dtype = query.scalar_type() == at::kDouble ? at::kDouble : at::kFloat;
  const auto keys = layer.split_heads(layer.to_k(rows))[0].to(dtype);                  // [heads, 2, d]
  auto logits = at::matmul(query.to(dtype), keys.transpose(-1, -2)) * layer.scale();  // [heads, N, 2]
  // BG fills every position but the part's: its key occurs sequence_length − 1 times.
  const double bg_log_count = std::log(static_cast<double>(sequence_length - 1));
  const auto bg = logits.select(-1, 0) + bg_log_count, part = logits.select(-1, 1);  // [heads, N]
  return at::sigmoid(part - bg).mean(0);  // softmax over (BG, PART) = sigmoid of the difference; [N]
}

at::Tensor mask_at_resolution(const at::Tensor& mask, int64_t height, int64_t width) {
  const auto m = mask.to(at::kFloat).view({1, 1, mask.size(-2), mask.size(-1)});
  if (mask.size(-2) == height && mask.size(-1) == width) return m.view({height, width});
  return at::adaptive_avg_pool2d(m, {height, width}).view({height, width});
}

at::Tensor part_map_loss(const std::vector<at::Tensor>& maps, const at::Tensor& mask) {
  if (maps.empty()) throw Error("no part maps to compare with the mask");
  at::Tensor total;
  for (const auto& map : maps) {
    const auto target = mask_at_resolution(mask.to(map.device()), map.size(0), map.size(1)).to(map.scalar_type());
    const auto loss = at::binary_cross_entropy(map, target);  // mean over pixels; log clamped at −100
    total = total.defined() ? total + loss : loss;
  }
  return total / static_cast<double>(maps.size());
}

LocatedPart locate_from_maps(const std::vector<at::Tensor>& maps, int64_t height, int64_t width) {
  if (maps.empty()) throw Error("no part maps to locate the part from");
  at::Tensor mean;
  for (const auto& map : maps) {
    const auto resized = resize_bilinear(map.detach().to(at::kFloat), height, width);  // [H, W]
    mean = mean.defined() ? mean + resized : resized;
  }
  mean = mean / static_cast<double>(maps.size());
  LocatedPart out;
  out.normalized = min_max_normalize(mean);
  out.otsu = otsu_threshold(out.normalized);
  out.mask = out.normalized.ge(out.otsu).to(at::kFloat);
  return out;
}

double intersection_over_union(const at::Tensor& predicted, const at::Tensor& truth) {
  const auto a = predicted.to(at::kCPU).gt(0.5), b = truth.to(at::kCPU).gt(0.5);
  const double both = a.logical_and(b).sum().item<double>();
  const double either = a.logical_or(b).sum().item<double>();
  return either == 0 ? 1.0 : both / either;
}

}  // namespace partedit
