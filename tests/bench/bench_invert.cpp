// bench_invert: LEdits++ inversion (dpmpp-sde, a source prompt with guidance 3.5: two UNet
// rows per step, like CFG generation) of a synthetic 256x256 photo on the medium model, against
// a text-to-image generation with the same number of steps. Reports seconds per inversion step
// and per generation step on one JSON line.
#include <cmath>

#include <ATen/ATen.h>

#include "bench_common.h"
#include "pipeline/diffusion_model.h"
#include "pipeline/inversion.h"
#include "pipeline/text_to_image.h"

using namespace partedit;

namespace {

// A smooth colour image [3, size, size] in [0, 1].
at::Tensor synthetic_photo(int64_t size) {
  const at::Tensor r = at::linspace(0.0, 1.0, size).view({1, size, 1}).expand({1, size, size});
  const at::Tensor c = at::linspace(0.0, 1.0, size).view({1, 1, size}).expand({1, size, size});
  return at::cat({r, c, (0.5 + 0.5 * at::sin(6.0 * (r + c))) * 0.9}).contiguous();  // [3, size, size]
}

}  // namespace

int main(int argc, char** argv) {
  return bench::run(argc, argv, "bench_invert", /*with_steps=*/true, [](const bench::BenchOptions& options) {
    bench::ModelFolder folder(options);
    InferenceGuard guard(options.compute.device);
    auto model = DiffusionModel::load(folder.path(), options.compute);
    const int64_t size = model.default_image_size();

    const GenerateRequest generate_request = bench::generate_request(options.steps);
    InvertRequest request;
    request.image = synthetic_photo(size);
    request.prompt = generate_request.prompt;
    request.guidance = 3.5;
    request.steps = options.steps;
    request.seed = 0;
    Inversion inversion;
    const auto timings = bench::time_runs(options, [&] { inversion = invert(model, request); });

    GenerateResult generated;
    const auto generate_timings = bench::time_runs(options, [&] { generated = generate(model, generate_request); });

    auto json = bench::report("invert", options, folder, timings);
    json["steps"] = options.steps;
    json["total_steps"] = inversion.total_steps;
    json["scheduler"] = inversion.scheduler;
    json["width"] = inversion.width;
    json["height"] = inversion.height;
    json["load_s"] = model.load_seconds();
    json["last_encode_s"] = inversion.timings.encode;
    json["last_invert_s"] = inversion.timings.invert;
    json["invert_step_s"] = inversion.timings.invert / options.steps;
    json["generate_median_s"] = generate_timings.median();
    json["generate_step_s"] = generated.timings.denoise / options.steps;
    json["invert_over_generate_step"] = (inversion.timings.invert / options.steps) /
                                        (generated.timings.denoise / options.steps);
    std::cout << json.dump() << std::endl;
  });
}
