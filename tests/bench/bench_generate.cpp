// bench_generate: a text-to-image generation (10 steps by default, classifier-free guidance,
// the model's own scheduler and size; 256x256 on the medium model) with the model already
// loaded: prompt encoding, the denoising loop and the VAE decode. Prints one JSON line.
#include "bench_common.h"
#include "pipeline/diffusion_model.h"
#include "pipeline/text_to_image.h"

using namespace partedit;

int main(int argc, char** argv) {
  return bench::run(argc, argv, "bench_generate", /*with_steps=*/true, [](const bench::BenchOptions& options) {
    bench::ModelFolder folder(options);
    InferenceGuard guard(options.compute.device);
    auto model = DiffusionModel::load(folder.path(), options.compute);

    const GenerateRequest request = bench::generate_request(options.steps);
    GenerateResult result;
    const auto timings = bench::time_runs(options, [&] { result = generate(model, request); });

    auto json = bench::report("generate", options, folder, timings);
    json["steps"] = options.steps;
    json["width"] = result.width;
    json["height"] = result.height;
    json["scheduler"] = result.scheduler;
    json["load_s"] = model.load_seconds();
    json["last_encode_s"] = result.timings.encode;
    json["last_denoise_s"] = result.timings.denoise;
    json["last_decode_s"] = result.timings.decode;
    json["step_s"] = result.timings.denoise / options.steps;
    std::cout << json.dump() << std::endl;
  });
}
