// Otsu's threshold and the adaptive threshold: hand-computed histograms, edge cases, and
// the authors' per-step values.
#include <QtTest>

#include <cmath>

#include <ATen/ATen.h>

#include "editing/mask_ops.h"
#include "support/test_support.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_mask_ops {

using namespace partedit;

class TestMaskOps : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void otsuOfTwoClustersSplitsThem() {
    // 6 pixels at 0, 4 at 1: with 256 bins over [0, 1] the best split is after bin 0, whose
    // centre is 1/512 (the threshold is a bin centre, as in scikit-image).
    auto map = at::tensor({0.f, 0.f, 0.f, 0.f, 0.f, 0.f, 1.f, 1.f, 1.f, 1.f});
    QCOMPARE(otsu_threshold(map), 1.0 / 512.0);
  }

  void otsuMatchesANaiveSearch() {
    // Three clusters; naive: for every split between bins, between-class variance.
    auto map = at::cat({at::full({50}, 0.1f), at::full({30}, 0.5f), at::full({20}, 0.9f)});
    const int bins = 256;
    std::vector<double> counts(bins, 0.0);
    for (int i = 0; i < map.size(0); ++i) {
      const double v = map[i].item<double>();
      int b = static_cast<int>((v - 0.1) / 0.8 * bins);
      counts[std::min(b, bins - 1)] += 1;
    }
    double best = -1;
    int best_bin = 0;
    for (int t = 0; t < bins - 1; ++t) {
      double w1 = 0, w2 = 0, m1 = 0, m2 = 0;
      for (int b = 0; b < bins; ++b) {
        const double c = 0.1 + 0.8 * (b + 0.5) / bins;
        (b <= t ? w1 : w2) += counts[b];
        (b <= t ? m1 : m2) += counts[b] * c;
      }
      if (w1 == 0 || w2 == 0) continue;
      const double v = w1 * w2 * std::pow(m1 / w1 - m2 / w2, 2);
      if (v > best) best = v, best_bin = t;
    }
    QVERIFY(std::abs(otsu_threshold(map) - (0.1 + 0.8 * (best_bin + 0.5) / bins)) < 1e-6);
  }

  void flatMapReturnsItsValue() {
    QCOMPARE(otsu_threshold(at::full({4, 4}, 0.25f)), 0.25);
    QCOMPARE(otsu_threshold(at::zeros({4, 4})), 0.0);
  }

  void adaptiveThresholdKeepsTheMiddle() {
    auto norm = at::tensor({0.0f, 0.2f, 0.25f, 0.5f, 0.74f, 0.75f, 1.0f});
    const auto out = adaptive_threshold(norm, 0.5, 1.5);  // below 0.25 -> 0, from 0.75 -> 1
    const auto expected = at::tensor({0.0f, 0.0f, 0.25f, 0.5f, 0.74f, 1.0f, 1.0f});
    QCOMPARE(test::max_abs_diff(out, expected), 0.0);
  }

  void nanAndZeroMapsStayFinite() {
    auto zero = min_max_normalize(at::zeros({8, 8}));
    QVERIFY(at::isfinite(zero).all().item<bool>());
    auto with_nan = at::tensor({0.1f, NAN, 0.9f});
    QVERIFY(at::isfinite(adaptive_threshold(with_nan, 0.5, 1.5)).all().item<bool>());
  }

  void otsuMatchesTheAuthorsPerStep() {
    test::ReferenceCase ref("partedit_ddim_te10");
    const auto maps = ref.out("norm_maps");  // [steps, R, R]
    const auto otsu = ref.out("otsu");
    double worst = 0;
    for (int64_t s = 0; s < maps.size(0); ++s)
      worst = std::max(worst, std::abs(otsu_threshold(maps[s]) - otsu[s].item<double>()));
    qInfo("max Otsu difference on the authors' maps: %g", worst);
    PE_VERIFY_LE(worst, 1e-6);
    // and the thresholded masks from their maps
    const double omega = ref.params().at("extra_kwargs").at("omega").get<double>();
    const auto masks = ref.out("masks");
    double mean_diff = 0;
    for (int64_t s = 0; s < maps.size(0); ++s)
      mean_diff += (adaptive_threshold(maps[s], otsu[s].item<double>(), omega) - masks[s]).abs().mean().item<double>();
    PE_VERIFY_LE(mean_diff / maps.size(0), 1e-6);
  }

  void resizeIsHalfPixelBilinear() {
    // 2x2 -> 4x4 with half-pixel centres: the corner keeps its value, the next is 3/4-1/4.
    auto m = at::tensor({0.f, 1.f, 0.f, 1.f}).reshape({2, 2});
    auto r = resize_bilinear(m, 4, 4);
    QCOMPARE(r[0][0].item<float>(), 0.0f);
    QCOMPARE(r[0][1].item<float>(), 0.25f);
    QCOMPARE(r[0][3].item<float>(), 1.0f);
  }
};

PARTEDIT_TEST(TestMaskOps);
}  // namespace test_mask_ops
#include "test_mask_ops.moc"
