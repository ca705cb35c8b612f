// bench_unet: one UNet call with a classifier-free-guidance batch of 2 on the medium model
// (or --model DIR), at the model's sample_size. Prints one JSON line.
#include <ATen/ATen.h>

#include "bench_common.h"
#include "models/unet/unet_2d_condition.h"

using namespace partedit;

int main(int argc, char** argv) {
  return bench::run(argc, argv, "bench_unet", /*with_steps=*/false, [](const bench::BenchOptions& options) {
    bench::ModelFolder folder(options);
    const auto device = options.compute.device;
    const auto dtype = options.compute.dtype;
    InferenceGuard guard(device);
    auto unet = load_unet(folder.path() / "unet", device, dtype, /*prefer_fp16_weights=*/false);
    const auto& cfg = unet->config();
    int64_t parameters = 0;
    for (const auto& p : unet->parameters()) parameters += p.numel();

    // 1. inputs: batch [uncond, cond], a mid-schedule timestep, SDXL micro-conditioning
    const int64_t latent = cfg.sample_size > 0 ? cfg.sample_size : 32;
    const auto f = at::TensorOptions().device(device).dtype(dtype);
    at::manual_seed(0);
    const auto sample = at::randn({2, cfg.in_channels, latent, latent}, f);
    const auto context = at::randn({2, 77, cfg.cross_attention_dim[0]}, f);
    UNetAddedConditions added;
    if (cfg.has_text_time()) {
      const int64_t pooled = cfg.projection_class_embeddings_input_dim - 6 * cfg.addition_time_embed_dim;
      added.text_embeds = at::randn({2, pooled}, f);
      const double px = double(8 * latent);
      // Made in fp64, then cast: LibTorch 1.13 builds no bf16 tensor from a list.
      added.time_ids = at::tensor(std::vector<double>{px, px, 0, 0, px, px}).to(f).unsqueeze(0).repeat({2, 1});
    }

    // 2. warm-up, then timed calls
    at::Tensor out;
    const auto timings = bench::time_runs(options, [&] {
      out = unet(sample, 500.0, context, added);  // [2, C, h, w]
      wait_for(out);
    });

    auto json = bench::report("unet", options, folder, timings);
    json["parameters"] = parameters;
    json["batch"] = 2;
    json["latent"] = latent;
    json["output_mean_abs"] = out.abs().mean().item<double>();
    std::cout << json.dump() << std::endl;
  });
}
