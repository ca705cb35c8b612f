// bench_rerender: instant t_e (issue 10). On the medium model (10 steps, 256x256): a first
// edit with t_e = 10 keeping its per-step state, t_e then moved to 7 by the re-render, and a
// full edit with t_e = 7, timed alternately in one process. The re-render runs the steps from
// min(10, 7) − 1 = 6 on and decodes only the edit. Prints one JSON line with first_edit_s,
// rerender_s, full_edit_s, ratio (rerender / full) and max_abs_diff (latents, instant vs full).
#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include "bench_common.h"
#include "editing/part_edit_pipeline.h"
#include "pipeline/diffusion_model.h"
#include "pipeline/prompt_encoder.h"

using namespace partedit;

int main(int argc, char** argv) {
  return bench::run(argc, argv, "bench_rerender", /*with_steps=*/true, [](const bench::BenchOptions& options) {
    bench::ModelFolder folder(options);
    InferenceGuard guard(options.compute.device);
    auto model = DiffusionModel::load(folder.path(), options.compute);
    const int64_t first_te = options.steps, new_te = std::max(1, options.steps - 3);

    EditRequest request;
    request.source = bench::generate_request(options.steps);
    request.edit_prompt = "a photo of a cat in a park with a robotic head";
    auto generator = at::detail::createCPUGenerator(0);
    request.part_embedding = at::randn({2, model.prompt_encoder().embed_dim()}, generator);
    request.edit_end_step = first_te;
    request.keep_state = true;
    EditRequest full_request = request;
    full_request.edit_end_step = new_te;
    full_request.keep_state = false;

    EditResult first, instant, full;
    bench::Timings first_times, rerender_times, full_times;
    bench::time_runs(options, [&] {
      first_times.seconds.push_back(bench::seconds_of([&] { first = edit(model, request); }));
      rerender_times.seconds.push_back(bench::seconds_of([&] { instant = rerender_edit(model, first, new_te); }));
      full_times.seconds.push_back(bench::seconds_of([&] { full = edit(model, full_request); }));
    });
    for (auto* t : {&first_times, &rerender_times, &full_times})
      t->seconds.erase(t->seconds.begin(), t->seconds.begin() + options.warmup);

    auto json = bench::report("rerender", options, folder, rerender_times);
    json["steps"] = options.steps;
    json["first_t_e"] = first_te;
    json["new_t_e"] = new_te;
    json["first_step_rerun"] = first_changed_step(first_te, new_te);
    json["first_edit_s"] = first_times.median();
    json["rerender_s"] = rerender_times.median();
    json["full_edit_s"] = full_times.median();
    json["rerender_denoise_s"] = instant.timings.denoise;
    json["rerender_decode_s"] = instant.timings.decode;
    json["full_encode_s"] = full.timings.encode;
    json["full_denoise_s"] = full.timings.denoise;
    json["full_decode_s"] = full.timings.decode;
    json["ratio"] = rerender_times.median() / full_times.median();
    json["max_abs_diff"] = (instant.edit_latents - full.edit_latents).abs().max().item<double>();
    json["peak_rss_mb"] = peak_rss_mb();
    std::cout << json.dump() << std::endl;
  });
}
