// bench_edit: a PartEdit edit against a plain generation of the same prompt, size and steps
// (10 steps, guidance 7.5, 256x256 on the medium model, model loaded), timed alternately in
// one process so that the ratio is measured under the same conditions. Also reports the
// time spent aggregating and thresholding the maps per step and the peak memory.
// Prints one JSON line.
#include "bench_common.h"
#include "editing/part_edit_controller.h"
#include "editing/part_edit_pipeline.h"
#include "pipeline/diffusion_model.h"
#include "pipeline/prompt_encoder.h"
#include "pipeline/text_to_image.h"

using namespace partedit;

int main(int argc, char** argv) {
  return bench::run(argc, argv, "bench_edit", /*with_steps=*/true, [](const bench::BenchOptions& options) {
    bench::ModelFolder folder(options);
    InferenceGuard guard(options.compute.device);
    auto model = DiffusionModel::load(folder.path(), options.compute);

    const GenerateRequest source = bench::generate_request(options.steps);
    EditRequest request;
    request.source = source;
    request.edit_prompt = "a photo of a dragon in a park";
    auto generator = at::detail::createCPUGenerator(0);
    request.part_embedding = at::randn({2, model.prompt_encoder().embed_dim()}, generator);

    GenerateResult generated;
    EditResult edited;
    bench::Timings generate_times, edit_times;
    double mask_seconds = 0;
    bench::time_runs(options, [&] {
      generate_times.seconds.push_back(bench::seconds_of([&] { generated = generate(model, source); }));
      edit_times.seconds.push_back(bench::seconds_of([&] { edited = edit(model, request); }));
      mask_seconds = edited.mask_seconds;
    });
    // time_runs also ran the warmups through the lambda: keep the timed runs only.
    generate_times.seconds.erase(generate_times.seconds.begin(), generate_times.seconds.begin() + options.warmup);
    edit_times.seconds.erase(edit_times.seconds.begin(), edit_times.seconds.begin() + options.warmup);

    auto json = bench::report("edit", options, folder, edit_times);
    json["steps"] = options.steps;
    json["width"] = edited.width;
    json["height"] = edited.height;
    json["scheduler"] = edited.scheduler;
    json["generate_median_s"] = generate_times.median();
    json["generate_times_s"] = generate_times.seconds;
    json["edit_over_generate"] = edit_times.median() / generate_times.median();
    json["edit_step_s"] = edited.timings.denoise / options.steps;
    json["generate_step_s"] = generated.timings.denoise / options.steps;
    json["mask_per_step_s"] = mask_seconds / options.steps;
    json["mask_share_of_step"] = mask_seconds / edited.timings.denoise;
    json["peak_rss_mb"] = peak_rss_mb();
    std::cout << json.dump() << std::endl;
  });
}
