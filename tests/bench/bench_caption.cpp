// bench_caption: BLIP-2 caption latency on the medium random-weight model (Flan-T5 structure,
// written to a temporary folder; or --model DIR): a 640x480 image preprocessed (PIL-exact
// bicubic to 224) and captioned with 30 new tokens, greedy and with 3 beams. Prints one JSON
// line with the timings and the peak resident memory.
#include <unistd.h>

#include <ATen/ATen.h>

#include "bench_common.h"
#include "models/blip2/blip2_model.h"
#include "models/blip2/blip_image_processor.h"
#include "models/blip2/tiny_blip2.h"

using namespace partedit;
namespace fs = std::filesystem;

int main(int argc, char** argv) {
  return bench::run(argc, argv, "bench_caption", /*with_steps=*/false, [](const bench::BenchOptions& options) {
    const auto device = options.compute.device;
    // 1. the model folder
    fs::path folder = options.model;
    const bool owned = folder.empty();
    double write_seconds = 0;
    if (owned) {
      folder = fs::temp_directory_path() / ("partedit-bench-blip2-" + std::to_string(::getpid()));
      const auto t0 = std::chrono::steady_clock::now();
      const int64_t n = write_tiny_blip2(folder, medium_blip2_options(0));
      write_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      std::cerr << "wrote the medium BLIP-2 (" << n << " parameters) to " << folder.string() << " in " << write_seconds
                << " s\n";
    }
    const double rss_before_load = peak_rss_mb();
    const auto t0 = std::chrono::steady_clock::now();
    InferenceGuard guard(device);
    auto model = load_blip2(folder, device, options.compute.dtype);
    const auto processor = BlipImageProcessorConfig::load(folder);
    const double load_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    int64_t parameters = 0;
    for (const auto& p : model->parameters()) parameters += p.numel();

    // 2. a random photo; the caption forced to its full length (random weights may end early)
    at::manual_seed(0);
    const auto image = at::rand({3, 480, 640});
    const auto prompt = at::tensor(std::vector<int64_t>{1}, at::kLong).unsqueeze(0);  // tokenizer("") = </s>
    GenerationOptions g;
    g.max_new_tokens = 30;
    g.min_new_tokens = 30;
    at::Tensor sequences;
    auto caption = [&](int64_t beams) {
      g.num_beams = beams;
      const auto pixels = blip_preprocess(image, processor).to(device, options.compute.dtype);
      sequences = model->generate(pixels, prompt, g).sequences;
      wait_for(sequences);
    };
    const auto greedy = bench::time_runs(options, [&] { caption(1); });
    const auto beams = bench::time_runs(options, [&] { caption(3); });
    // stage split of one greedy run: preprocessing, vision + Q-Former + projection
    auto s0 = std::chrono::steady_clock::now();
    const auto pixels = blip_preprocess(image, processor).to(device, options.compute.dtype);
    const double preprocess_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - s0).count();
    s0 = std::chrono::steady_clock::now();
    const auto projected = model->project(model->query_outputs(model->image_features(pixels)));
    wait_for(projected);
    const double vision_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - s0).count();

    const char* coretype = std::getenv("OPENBLAS_CORETYPE");
    nlohmann::json json = {{"bench", "caption"},
                           {"model", owned ? "medium-blip2" : folder.string()},
                           {"compute", options.compute.describe()},
                           {"parameters", parameters},
                           {"image", "640x480 -> " + std::to_string(processor.height)},
                           {"new_tokens", g.max_new_tokens},
                           {"runs", options.runs},
                           {"warmup", options.warmup},
                           {"median_s", greedy.median()},
                           {"min_s", greedy.min()},
                           {"times_s", greedy.seconds},
                           {"beams3_median_s", beams.median()},
                           {"beams3_min_s", beams.min()},
                           {"preprocess_s", preprocess_s},
                           {"vision_qformer_s", vision_s},
                           {"load_s", load_seconds},
                           {"write_s", write_seconds},
                           {"peak_rss_mb", peak_rss_mb()},
                           {"rss_before_load_mb", rss_before_load},
                           {"threads", at::get_num_threads()},
                           {"openblas_coretype", coretype ? coretype : ""}};
    if (const auto cuda = peak_cuda_mb(device)) json["peak_cuda_mb"] = *cuda;
    std::cout << json.dump() << std::endl;
    if (owned) fs::remove_all(folder);
  });
}
