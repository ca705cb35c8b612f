// bench_train: token training (issue 11). On the medium model at 256x256: the time of one
// optimisation step in the cached mode (the token against recorded queries, no UNet pass)
// and in the exact mode (the UNet conditioned on the token, back-propagated), same data
// (4 synthetic images with part masks, 3 trained on, timesteps 600:400 by 20), steps timed
// alternately in one process. Prints one JSON line with cached_step_s, exact_step_s,
// speedup (exact / cached), the preparation times, the cache's size and peak_rss_mb.
#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include "bench_common.h"
#include "pipeline/diffusion_model.h"
#include "training/token_trainer.h"

using namespace partedit;

namespace {

// A bright disc (the part) on a dark, smoothly coloured background.
TrainingExample disc_example(int index, int64_t size) {
  auto generator = at::detail::createCPUGenerator(100 + index);
  const auto background = at::upsample_bilinear2d(at::rand({1, 3, 4, 4}, generator) * 0.3, {size, size}, false)[0];
  const double radius = size * 0.25, cx = size * (0.35 + 0.1 * index), cy = size * 0.5;
  const auto ys = at::arange(size, at::kFloat).view({size, 1}).expand({size, size}) + 0.5;
  const auto xs = at::arange(size, at::kFloat).view({1, size}).expand({size, size}) + 0.5;
  const auto mask = ((xs - cx).pow(2) + (ys - cy).pow(2)).le(radius * radius).to(at::kFloat);
  TrainingExample e;
  e.name = "disc-" + std::to_string(index);
  e.image = background * (1 - mask) + 0.95 * mask;
  e.mask = mask;
  return e;
}

}  // namespace

int main(int argc, char** argv) {
  return bench::run(argc, argv, "bench_train", /*with_steps=*/false, [](const bench::BenchOptions& options) {
    bench::ModelFolder folder(options);
    auto model = DiffusionModel::load(folder.path(), options.compute);
    const int64_t size = model.default_image_size();
    std::vector<TrainingExample> data;
    for (int i = 0; i < 4; ++i) data.push_back(disc_example(i, size));
    TokenTrainingOptions o;
    o.part_name = "disc";
    o.steps = 1000000;

    const auto prepare = [&](TrainingMode mode, double& seconds) {
      o.mode = mode;
      std::unique_ptr<TokenTrainer> trainer;
      seconds = bench::seconds_of([&] { trainer = std::make_unique<TokenTrainer>(model, data, o); });
      return trainer;
    };
    double cached_prepare = 0, exact_prepare = 0;
    auto cached = prepare(TrainingMode::Cached, cached_prepare);
    auto exact = prepare(TrainingMode::Exact, exact_prepare);
    bench::Timings cached_times, exact_times;
    bench::time_runs(options, [&] {
      cached_times.seconds.push_back(bench::seconds_of([&] { cached->train_step(); }));
      exact_times.seconds.push_back(bench::seconds_of([&] { exact->train_step(); }));
    });
    for (auto* t : {&cached_times, &exact_times}) t->seconds.erase(t->seconds.begin(), t->seconds.begin() + options.warmup);

    auto json = bench::report("train_step", options, folder, cached_times);
    json["image_size"] = size;
    json["training_images"] = cached->split().train.size();
    json["timesteps"] = cached->timesteps().size();
    json["part_layers"] = cached->layers().size();
    json["cached_prepare_s"] = cached_prepare;
    json["exact_prepare_s"] = exact_prepare;
    json["cached_queries_mb"] = static_cast<double>(cached->cached_bytes()) / (1024.0 * 1024.0);
    json["cached_step_s"] = cached_times.median();
    json["exact_step_s"] = exact_times.median();
    json["speedup"] = exact_times.median() / cached_times.median();
    json["peak_rss_mb"] = peak_rss_mb();
    std::cout << json.dump() << std::endl;
  });
}
