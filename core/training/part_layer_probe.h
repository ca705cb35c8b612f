#pragma once
// Runs a UNet only as far as the part layers need: a controller visits the queries of the
// selected cross-attention layers and stops the forward pass after the last of them (the
// later layers cannot change those queries), so recording or training never pays for the
// rest of the UNet.
#include <functional>
#include <vector>

#include <ATen/core/Tensor.h>

#include "models/unet/unet_2d_condition.h"

namespace partedit {

// query: [B, heads, N, d] as the layer computed it (with autograd history when enabled).
using PartLayerVisitor =
    std::function<void(AttentionImpl& layer, int cross_index, int64_t height, int64_t width, const at::Tensor& query)>;

// Calls `visit` for each cross-attention layer in `layers` (indices in execution order) in
// the order the UNet runs them, then stops. The UNet's previous controller is restored.
// Throws Error when a layer does not exist.
void run_to_part_layers(UNet2DConditionModel& unet, const at::Tensor& sample, double timestep,
                        const at::Tensor& encoder_hidden_states, const UNetAddedConditions& added,
                        const std::vector<int>& layers, const PartLayerVisitor& visit);

}  // namespace partedit
