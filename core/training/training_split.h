#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace partedit {

// Whether the artist chose where an image goes.
enum class HoldOut { Automatic, Always, Never };

// Which examples are held out: round(n · fraction) of them, at least one when n ≥ 3 and
// fraction > 0, always leaving one to train on; chosen by a shuffle seeded with `seed`.
// With `choices` (one per example): Always ones are held out and Never ones trained on
// whatever the count; Automatic ones fill the rest of the count. Throws Error when every
// image is held out.
struct TrainingSplit {
  std::vector<size_t> train;
  std::vector<size_t> validation;
};
TrainingSplit split_training_set(size_t count, double fraction, uint64_t seed,
                                 const std::vector<HoldOut>& choices = {});

}  // namespace partedit
