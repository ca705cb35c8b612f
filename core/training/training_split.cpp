#include "training/training_split.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <string>

#include "runtime/error.h"

namespace partedit {

TrainingSplit split_training_set(size_t count, double fraction, uint64_t seed, const std::vector<HoldOut>& choices) {
  if (!choices.empty() && choices.size() != count)
    throw Error("the hold-out choices name " + std::to_string(choices.size()) + " images, not " + std::to_string(count));
  const auto choice = [&](size_t i) { return choices.empty() ? HoldOut::Automatic : choices[i]; };
  if (!(fraction >= 0.0 && fraction < 1.0)) throw Error("the validation split must be in [0, 1), got " + std::to_string(fraction));
  size_t held = static_cast<size_t>(std::lround(static_cast<double>(count) * fraction));
  if (count >= 3 && fraction > 0) held = std::max<size_t>(held, 1);
  if (count > 0) held = std::min(held, count - 1);
  std::vector<size_t> order(count);
  for (size_t i = 0; i < count; ++i) order[i] = i;
  std::mt19937_64 rng(seed);
  for (size_t i = count; i > 1; --i) std::swap(order[i - 1], order[rng() % i]);  // Fisher–Yates, portable
  TrainingSplit split;
  for (size_t i = 0; i < count; ++i)
    if (choice(i) == HoldOut::Always) split.validation.push_back(i);
  for (size_t i : order) {
    const bool automatic = choice(i) == HoldOut::Automatic;
    if (automatic && split.validation.size() < held)
      split.validation.push_back(i);
    else if (choice(i) != HoldOut::Always)
      split.train.push_back(i);
  }
  if (count > 0 && split.train.empty())
    throw Error("every image is held out for validation; at least one must be trained on");
  std::sort(split.validation.begin(), split.validation.end());
  std::sort(split.train.begin(), split.train.end());
  return split;
}

}  // namespace partedit
