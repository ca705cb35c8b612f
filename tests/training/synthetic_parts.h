#pragma once
// A synthetic training set where the part is learnable even on a random-weight model: a
// bright disc (the part) on a smooth, dark, randomly coloured background. A random VAE's
// latents are small (std ≈ 0.03 on the tiny model), so the part must differ strongly in
// brightness to stand out of even the late timesteps' noise.
#include <cmath>
#include <vector>

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include "training/training_set.h"

namespace partedit::test {

inline TrainingExample synthetic_part_example(int index, int64_t size = 128) {
  auto generator = at::detail::createCPUGenerator(1000 + index);
  // background: a coarse random colour field, smoothly upsampled
  auto coarse = at::rand({1, 3, 4, 4}, generator) * 0.3;
  auto background = at::upsample_bilinear2d(coarse, {size, size}, false)[0];  // [3, S, S]
  const auto u = at::rand({3}, generator);
  const double radius = size * (0.2 + 0.1 * u[0].item<double>());
  const double cx = radius + (size - 2 * radius) * u[1].item<double>();
  const double cy = radius + (size - 2 * radius) * u[2].item<double>();
  const auto ys = at::arange(size, at::kFloat).view({size, 1}).expand({size, size}) + 0.5;
  const auto xs = at::arange(size, at::kFloat).view({1, size}).expand({size, size}) + 0.5;
  const auto mask = ((xs - cx).pow(2) + (ys - cy).pow(2)).le(radius * radius).to(at::kFloat);  // [S, S]
  const auto colour = at::tensor({0.85f, 1.0f, 0.9f}).view({3, 1, 1});
  TrainingExample e;
  e.name = "synthetic-" + std::to_string(index);
  e.image = background * (1 - mask) + colour * mask;
  e.mask = mask;
  return e;
}

inline std::vector<TrainingExample> synthetic_part_set(int count, int64_t size = 128) {
  std::vector<TrainingExample> set;
  for (int i = 0; i < count; ++i) set.push_back(synthetic_part_example(i, size));
  return set;
}

}  // namespace partedit::test
