#pragma once
// Where is the part in this image? (`partedit-cli locate`, the wizard's check of a token.)
// The image is encoded, noised once per timestep of the range (seeded), run through the UNet
// conditioned on the prompt as far as the token's part layers, and the token's maps of all
// layers and timesteps are aggregated and binarised at Otsu's threshold — the situation at
// edit time (the source path's queries) and the code token training validates with.
#include <cstdint>
#include <string>

#include <ATen/core/Tensor.h>

#include "editing/part_token.h"
#include "runtime/cancel.h"
#include "training/part_maps.h"

namespace partedit {

class DiffusionModel;

struct LocateRequest {
  at::Tensor image;                 // [3, H, W] float RGB in [0, 1], sides multiples of the VAE factor
  std::string prompt;               // "" = the empty prompt
  int64_t timestep_high = 600;      // model timesteps, inclusive, as training's --timesteps
  int64_t timestep_low = 400;
  int64_t timestep_stride = 20;
  uint64_t seed = 0;
};

// Throws Error when the token cannot condition the model (width, family), holds more than
// one part, or the request is malformed; CancelledError between timesteps.
LocatedPart locate_part(DiffusionModel& model, const PartToken& token, const LocateRequest& request,
                        const CancelToken& cancel = {});

}  // namespace partedit
