// bench_photo_edit: editing a photo twice (medium model, 256x256, 10 steps). The first edit
// inverts the photo (LEdits++, dpmpp-sde) within its own UNet pass; the second reuses that
// inversion, as the inversion cache does for a second edit of the same photo. For reference
// also the separate route: invert() then edit. Prints one JSON line.
#include <memory>

#include "bench_common.h"
#include "editing/part_edit_pipeline.h"
#include "pipeline/diffusion_model.h"
#include "pipeline/inversion.h"
#include "pipeline/prompt_encoder.h"
#include "runtime/threads.h"

using namespace partedit;

int main(int argc, char** argv) {
  configure_runtime(argc, argv);
  try {
    const auto options = bench::parse_options(argc, argv, /*with_steps=*/true);
    bench::ModelFolder folder(options);
    InferenceGuard guard(options.compute.device);
    auto model = DiffusionModel::load(folder.path(), options.compute);
    const int64_t size = model.default_image_size();

    auto generator = at::detail::createCPUGenerator(0);
    InvertRequest invert_request;
    invert_request.image = at::rand({3, size, size}, generator);  // [3, H, W]
    invert_request.prompt = "a photo of a cat in a park";
    invert_request.steps = options.steps;
    invert_request.seed = 0;
    EditRequest request;
    request.source.guidance = 7.5;
    request.edit_prompt = "a photo of a dragon in a park";
    request.part_embedding = at::randn({2, model.prompt_encoder().embed_dim()}, generator);

    bench::Timings first, second, inversion_times, separate;
    auto photo = std::make_shared<const InvertRequest>(invert_request);
    bench::time_runs(options, [&] {
      EditRequest fused = request;
      fused.origin = PhotoToInvert{photo};
      EditResult result;
      first.seconds.push_back(bench::seconds_of([&] { result = edit(model, fused); }));
      EditRequest again = request;
      again.origin = KeptInversion{result.inversion};
      second.seconds.push_back(bench::seconds_of([&] { edit(model, again); }));
      separate.seconds.push_back(bench::seconds_of([&] {
        inversion_times.seconds.push_back(bench::seconds_of(
            [&] { again.origin = KeptInversion{std::make_shared<const Inversion>(invert(model, invert_request))}; }));
        edit(model, again);
      }));
    });
    for (auto* t : {&first, &second, &inversion_times, &separate})
      t->seconds.erase(t->seconds.begin(), t->seconds.begin() + options.warmup);

    auto json = bench::report("photo_edit", options, folder, first);
    json["steps"] = options.steps;
    json["size"] = size;
    json["first_edit_median_s"] = first.median();
    json["second_edit_median_s"] = second.median();
    json["second_over_first"] = second.median() / first.median();
    json["inversion_median_s"] = inversion_times.median();
    json["separate_invert_then_edit_median_s"] = separate.median();
    json["second_over_separate_first"] = second.median() / separate.median();
    json["second_times_s"] = second.seconds;
    json["peak_rss_mb"] = peak_rss_mb();
    std::cout << json.dump() << std::endl;
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "bench_photo_edit: error: " << e.what() << "\n";
    return 1;
  }
}
