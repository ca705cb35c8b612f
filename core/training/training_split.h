#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace partedit {

// Which examples are held out: round(n · fraction) of them, at least one when n ≥ 3 and
// fraction > 0, always leaving one to train on; chosen by a shuffle seeded with `seed`.
struct TrainingSplit {
  std::vector<size_t> train;
  std::vector<size_t> validation;
};
TrainingSplit split_training_set(size_t count, double fraction, uint64_t seed);

}  // namespace partedit
