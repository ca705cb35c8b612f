#include "training/part_locator.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <c10/core/InferenceMode.h>

#include "editing/part_edit_pipeline.h"
#include "pipeline/diffusion_model.h"
#include "runtime/error.h"
#include "training/part_layer_probe.h"
#include "training/training_options.h"

namespace partedit {

LocatedPart locate_part(DiffusionModel& model, const PartToken& token, const LocateRequest& request,
                        const CancelToken& cancel) {
  check_token_compatible(token, model.prompt_encoder().embed_dim(), model_family_code(model));
  if (token.num_parts() != 1)
    throw Error("token '" + token.part_name + "' holds " + std::to_string(token.num_parts()) +
                " parts; locate one part at a time");
  const auto& image = request.image;
  const int64_t factor = model.vae_scale_factor();
  if (image.dim() != 3 || image.size(0) != 3 || image.size(1) % factor || image.size(2) % factor)
    throw Error("the image to locate the part in must be [3, H, W] with sides multiples of " + std::to_string(factor));
  TokenTrainingOptions range;
  range.timestep_high = request.timestep_high;
  range.timestep_low = request.timestep_low;
  range.timestep_stride = request.timestep_stride;
  const auto schedule = NoiseSchedule::from_config(model.scheduler_config());
  if (range.timestep_low < 0 || range.timestep_high >= static_cast<int64_t>(schedule.size()) ||
      range.timestep_low > range.timestep_high || range.timestep_stride < 1)
    throw Error("--timesteps " + std::to_string(range.timestep_high) + ":" + std::to_string(range.timestep_low) +
                " is not HIGH:LOW with " + std::to_string(schedule.size() - 1) + " >= HIGH >= LOW >= 0");

  const c10::Device device = model.compute().device;
  const auto layers = part_layers_for(model, {token});
  const auto embedding = token.embedding.to(device).to(at::kFloat);
  const auto conditioning = query_pass_conditioning(model, request.prompt, image.size(1), image.size(2));
  c10::InferenceMode inference;
  const auto x0 = image_to_latents(model.vae(), image.unsqueeze(0).to(device));  // [1, C, h, w] float32
  at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(request.seed);
  std::vector<at::Tensor> maps;
  for (int64_t t : training_timesteps(range)) {
    cancel.throw_if_cancelled();
    const auto noise = at::randn(x0.sizes(), generator, at::TensorOptions().dtype(at::kFloat)).to(device);
    const auto xt = noised_to(x0, noise, schedule.alphas_cumprod.at(t)).to(conditioning.embeds.scalar_type());
    run_to_part_layers(model.unet(), xt, static_cast<double>(t), conditioning.embeds, conditioning.added(), layers,
                       [&](AttentionImpl& layer, int, int64_t h, int64_t w, const at::Tensor& query) {
                         maps.push_back(part_probability(layer, query[0], embedding).view({h, w}));
                       });
  }
  return locate_from_maps(maps, image.size(1), image.size(2));
}

}  // namespace partedit
