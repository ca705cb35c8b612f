// bench_composite: putting a working-size edit back into a camera photo at full size
// (composite_photo: resize of the edit and the mask onto the crop, feathering, the blend):
// seconds and the memory it needs beyond the photo already in memory, for a --megapixels
// (24) photo of 3:2 edited at SDXL's working size. No model. One JSON line.
#include <ATen/ATen.h>

#include "bench_common.h"
#include "editing/compositing.h"
#include "io/photo_fit.h"

using namespace partedit;

int main(int argc, char** argv) {
  double megapixels = 24.0;
  std::vector<char*> rest = {argv[0]};
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--megapixels" && i + 1 < argc) megapixels = std::atof(argv[++i]);
    else rest.push_back(argv[i]);
  }
  return bench::run(static_cast<int>(rest.size()), rest.data(), "bench_composite", false,
                    [&](const bench::BenchOptions& options) {
    const auto width = static_cast<int64_t>(std::sqrt(megapixels * 1e6 * 1.5));  // 3:2
    const auto height = width * 2 / 3;
    const PhotoFit fit = fit_photo(width, height, FitOptions::for_model(1024, 8));
    at::manual_seed(0);
    const auto photo = at::rand({3, height, width});      // [3, H0, W0], as Photo::original
    const auto edited = at::rand({3, fit.height, fit.width});
    // A soft blob over a third of the frame, at the mask resolution of an edit (the working size).
    const auto ys = at::linspace(-1, 1, fit.height).view({-1, 1}), xs = at::linspace(-1, 1, fit.width).view({1, -1});
    const auto mask = (1.5 - 2.5 * (ys * ys + xs * xs)).clamp(0, 1);  // [h, w]

    double extra_mb = 0;
    const auto times = bench::time_runs(options, [&] {
      const double before = bench::current_rss_mb();
      bench::reset_peak_rss();
      const auto result = composite_photo(photo, edited, mask, fit);
      extra_mb = std::max(extra_mb, bench::peak_rss_since_reset_mb() - before);
    });
    bench::ModelFolder none(bench::BenchOptions{"(none)"});
    auto json = bench::report("composite", options, none, times);
    json["photo_width"] = width;
    json["photo_height"] = height;
    json["working_width"] = fit.width;
    json["working_height"] = fit.height;
    json["photo_mb"] = static_cast<double>(photo.nbytes()) / (1024.0 * 1024.0);
    json["extra_peak_mb"] = extra_mb;  // beyond the photo (the result included: it is what is made)
    std::cout << json.dump() << std::endl;
  });
}
