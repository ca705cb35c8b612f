// bench_sdxl_step: one denoising step of a full-size SDXL-base UNet (the real architecture,
// 2.57 B parameters, random weights built in memory) at --size (default 1024): a generation
// step (classifier-free-guidance batch 2, fused attention where LibTorch has it) and a
// PartEdit step (batch 4 with the controller: maps in the authors' 40 layers, prompt-to-prompt,
// blending in every layer), with the peak memory of each. Meant for the GPU:
//   bench_sdxl_step --device cuda --dtype fp16
// (the authors' method: 182 ms per edit step on an H200 at 1024², a plain step 72 ms).
#include <ATen/ATen.h>

#include "bench_common.h"
#include "editing/part_edit_controller.h"
#include "io/json_config.h"
#include "models/unet/unet_2d_condition.h"
#include "models/unet/unet_config.h"

using namespace partedit;

namespace {

UNet2DConditionConfig sdxl_base_config() {
  const nlohmann::json json = {
      {"block_out_channels", {320, 640, 1280}},
      {"down_block_types", {"DownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D"}},
      {"up_block_types", {"CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "UpBlock2D"}},
      {"layers_per_block", 2},
      {"transformer_layers_per_block", {1, 2, 10}},
      {"attention_head_dim", {5, 10, 20}},
      {"cross_attention_dim", 2048},
      {"use_linear_projection", true},
      {"addition_embed_type", "text_time"},
      {"addition_time_embed_dim", 256},
      {"projection_class_embeddings_input_dim", 2816},
      {"sample_size", 128}};
  return UNet2DConditionConfig::from_json(JsonConfig(json, "SDXL-base architecture (built in)"));
}

// Random weights of a sensible scale (norms at identity), so fp16 stays finite.
void randomize(UNet2DConditionModel& unet) {
  at::manual_seed(0);
  for (auto& item : unet->named_parameters()) {
    auto& p = item.value();
    const bool norm = item.key().find("norm") != std::string::npos;
    const bool bias = item.key().size() >= 4 && item.key().compare(item.key().size() - 4, 4, "bias") == 0;
    if (norm && !bias) p.fill_(1.0);
    else if (bias) p.zero_();
    else p.normal_(0.0, 0.02);
  }
}

}  // namespace

int main(int argc, char** argv) {
  return bench::run(argc, argv, "bench_sdxl_step", /*with_steps=*/false, [](const bench::BenchOptions& options) {
    const auto device = options.compute.device;
    const auto dtype = options.compute.dtype;
    const int64_t size = options.size > 0 ? options.size : 1024, latent = size / 8;
    InferenceGuard guard(device);
    auto unet = UNet2DConditionModel(sdxl_base_config());
    randomize(unet);
    unet->to(device, dtype);
    int64_t parameters = 0;
    for (const auto& p : unet->parameters()) parameters += p.numel();

    const auto f = at::TensorOptions().device(device).dtype(dtype);
    auto added_for = [&](int64_t batch) {
      UNetAddedConditions added;
      added.text_embeds = at::randn({batch, 1280}, f);
      const double px = double(size);
      // Made in fp64, then cast: LibTorch 1.13 builds no bf16 tensor from a list.
      added.time_ids = at::tensor(std::vector<double>{px, px, 0, 0, px, px}).to(f).unsqueeze(0).repeat({batch, 1});
      return added;
    };
    const auto x = at::randn({1, 4, latent, latent}, f);

    // 1. a generation step: batch [uncond, cond]
    const auto context2 = at::randn({2, 77, 2048}, f);
    const auto added2 = added_for(2);
    reset_peak_cuda_memory(device);
    const auto generate = bench::time_runs(options, [&] { wait_for(unet(x.repeat({2, 1, 1, 1}), 500.0, context2, added2)); });
    const auto generate_peak = peak_cuda_mb(device);

    // 2. an edit step: batch [u_src, u_edit, c_src, c_edit] with the PartEdit controller at a
    //    blending step (step 0 runs first, untimed, to produce the mask).
    const auto context4 = at::randn({4, 77, 2048}, f);
    const auto added4 = added_for(4);
    PartEditControlSettings s;
    s.layers = sdxl_base_part_layers();
    s.attention_layers = static_cast<int64_t>(unet->attention_layers().size());
    s.mask_height = s.mask_width = size;
    s.edit_end_step = 50;
    s.p2p = PromptToPrompt::Replace;
    s.replace_mapper = at::eye(77);
    s.cross_replace_alpha = at::ones({51, 77});
    const auto token = at::randn({2, 2048}, f);
    PartEditController controller(s, at::cat({token, token.slice(0, 0, 1).expand({75, 2048})}), {1});
    unet->set_attention_controller(&controller);
    auto edit_step = [&](int64_t step) {
      controller.begin_step(step);
      wait_for(unet(x.repeat({4, 1, 1, 1}), 500.0, context4, added4));
      controller.end_step();
    };
    edit_step(0);
    reset_peak_cuda_memory(device);
    const auto edit = bench::time_runs(options, [&] { edit_step(1); });
    const auto edit_peak = peak_cuda_mb(device);
    unet->set_attention_controller(nullptr);

    bench::ModelFolder none(bench::BenchOptions{"(built in)"});
    auto json = bench::report("sdxl_step", options, none, edit);
    json["model"] = "SDXL-base architecture, random weights";
    json["parameters"] = parameters;
    json["size"] = size;
    json["generate_step_median_s"] = generate.median();
    json["edit_step_median_s"] = edit.median();
    json["edit_over_generate"] = edit.median() / generate.median();
    json["mask_per_step_s"] = controller.mask_seconds() / double(options.runs + options.warmup + 1);
    if (generate_peak) json["generate_peak_cuda_mb"] = *generate_peak;
    if (edit_peak) json["edit_peak_cuda_mb"] = *edit_peak;
    json["peak_rss_mb"] = peak_rss_mb();
    std::cout << json.dump() << std::endl;
  });
}
