#include "training/part_layer_probe.h"

#include <algorithm>

#include <cmath>

#include <ATen/ATen.h>

#include "nn/attention.h"
#include "pipeline/diffusion_model.h"
#include "pipeline/generation_common.h"
#include "runtime/error.h"

namespace partedit {
namespace {

// Thrown from inside the UNet after the last selected layer; caught right outside it.
struct LastPartLayerReached {};

class PartLayerProbe : public AttentionController {
 public:
  PartLayerProbe(const std::vector<int>& layers, int layer_count, const PartLayerVisitor& visit) : visit_(visit) {
    selected_.assign(layer_count, false);
    for (int l : layers) {
      if (l < 0 || l >= layer_count)
        throw Error("cross-attention layer " + std::to_string(l) + " does not exist (the UNet has " +
                    std::to_string(layer_count) + ")");
      selected_[l] = true;
    }
    last_ = layers.empty() ? -1 : *std::max_element(layers.begin(), layers.end());
  }

  void on_query(const AttentionCall& call, at::Tensor& query) override {
    const int index = call.site.cross_index;
    if (!call.site.is_cross || index < 0 || !selected_[index]) return;
    if (call.height <= 0 || call.width <= 0) throw Error("attention layer " + call.site.name + " has no spatial size");
    visit_(call.layer, index, call.height, call.width, query);
    if (index == last_) throw LastPartLayerReached{};
  }

 private:
  const PartLayerVisitor& visit_;
  std::vector<bool> selected_;
  int last_ = -1;
};

// Puts the UNet's own controller back however the pass ends.
class ControllerSwap {
 public:
  ControllerSwap(UNet2DConditionModel& unet, AttentionController* controller) : unet_(unet) {
    const auto layers = unet_->attention_layers();
    previous_ = layers.empty() ? nullptr : layers.front()->controller();
    unet_->set_attention_controller(controller);
  }
  ~ControllerSwap() { unet_->set_attention_controller(previous_); }

 private:
  UNet2DConditionModel& unet_;
  AttentionController* previous_ = nullptr;
};

}  // namespace

QueryPassConditioning query_pass_conditioning(DiffusionModel& model, const std::string& prompt, int64_t height,
                                              int64_t width) {
  const auto text = model.prompt_encoder().encode({prompt});  // inference tensors: cloned below
  QueryPassConditioning c;
  c.embeds = text.embeds.clone().to(model.unet()->parameters().front().scalar_type());
  if (text.pooled.defined()) {
    c.pooled = text.pooled.clone();
    c.time_ids = sdxl_time_ids(height, width, 1, text.pooled.options()).clone();
  }
  return c;
}

at::Tensor noised_to(const at::Tensor& x0, const at::Tensor& noise, double alpha_cumprod) {
  return x0 * std::sqrt(alpha_cumprod) + noise * std::sqrt(1 - alpha_cumprod);
}

void run_to_part_layers(UNet2DConditionModel& unet, const at::Tensor& sample, double timestep,
                        const at::Tensor& encoder_hidden_states, const UNetAddedConditions& added,
                        const std::vector<int>& layers, const PartLayerVisitor& visit) {
  if (layers.empty()) throw Error("no part layers selected");
  PartLayerProbe probe(layers, static_cast<int>(unet->cross_attention_layers().size()), visit);
  ControllerSwap swap(unet, &probe);
  try {
    unet->forward(sample, timestep, encoder_hidden_states, added);
  } catch (const LastPartLayerReached&) {
    return;
  }
  throw Error("the UNet finished without running every selected part layer");
}

}  // namespace partedit
