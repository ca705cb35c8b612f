#pragma once
// Runs a UNet only as far as the part layers need: a controller visits the queries of the
// selected cross-attention layers and stops the forward pass after the last of them (the
// later layers cannot change those queries), so recording or training never pays for the
// rest of the UNet.
#include <functional>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

#include "models/unet/unet_2d_condition.h"

namespace partedit {

class DiffusionModel;

// The conditioning of a query pass: the prompt's embeddings, and SDXL's pooled embedding
// and micro-conditioning for a height × width image. Normal tensors (usable in autograd).
struct QueryPassConditioning {
  at::Tensor embeds;    // [1, 77, D] in the UNet's dtype
  at::Tensor pooled;    // [1, P]; undefined for SD 1.x/2.x
  at::Tensor time_ids;  // [1, 6]; undefined for SD 1.x/2.x
  UNetAddedConditions added() const { return {pooled, time_ids}; }
};
QueryPassConditioning query_pass_conditioning(DiffusionModel& model, const std::string& prompt, int64_t height,
                                              int64_t width);

// DDPM's q(x_t | x_0): sqrt(ᾱ_t) · x0 + sqrt(1 − ᾱ_t) · noise.
at::Tensor noised_to(const at::Tensor& x0, const at::Tensor& noise, double alpha_cumprod);

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
