// bench_generate: a text-to-image generation (10 steps by default, classifier-free guidance,
// the model's own scheduler and size; 256x256 on the medium model) with the model already
// loaded: prompt encoding, the denoising loop and the VAE decode. Prints one JSON line.
#include "bench_common.h"
#include "pipeline/diffusion_model.h"
#include "pipeline/text_to_image.h"
#include "runtime/threads.h"

using namespace partedit;

int main(int argc, char** argv) {
  configure_runtime(argc, argv);
  try {
    const auto options = bench::parse_options(argc, argv, /*with_steps=*/true);
    bench::ModelFolder folder(options);
    InferenceGuard guard(options.compute.device);
    auto model = DiffusionModel::load(folder.path(), options.compute);

    GenerateRequest request;
    request.prompt = "a photo of a cat in a park";
    request.steps = options.steps;
    request.guidance = 7.5;
    request.seed = 0;
    request.preview = false;
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
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "bench_generate: error: " << e.what() << "\n";
    return 1;
  }
}
