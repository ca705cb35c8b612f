// Background PSNR / MSE / SSIM of the edit evaluation (core/eval/masked_metrics.h): values
// derived by hand on constant images and on opposite ramps, an independent double-loop SSIM
// on random images and masks, and the input errors.
#include <QtTest>

#include <cmath>

#include <ATen/ATen.h>

#include "eval/masked_metrics.h"
#include "support/test_support.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_masked_metrics {

using namespace partedit;

namespace {

// [H, W] float mask with the part rows [r0, r1) x columns [c0, c1).
at::Tensor box_mask(int64_t H, int64_t W, int64_t r0, int64_t r1, int64_t c0, int64_t c1) {
  auto m = at::zeros({H, W});
  m.narrow(0, r0, r1 - r0).narrow(1, c0, c1 - c0).fill_(1.0);
  return m;
}

// The 1-D Gaussian weights of the window, computed here from the definition.
std::vector<double> gaussian_weights() {
  std::vector<double> w(11);
  double sum = 0;
  for (int t = -5; t <= 5; ++t) sum += w[size_t(t + 5)] = std::exp(-double(t * t) / (2 * 1.5 * 1.5));
  for (auto& v : w) v /= sum;
  return w;
}

// Wang's SSIM written out: for every valid centre with a background centre pixel, the
// window's weighted means, then the weighted (population) variances and covariance from the
// deviations (two passes, unlike the library's E[x^2] - mu^2), averaged over positions and
// channels.
double naive_ssim(const at::Tensor& a, const at::Tensor& b, const at::Tensor& mask) {
  const auto x = a.to(at::kDouble).contiguous(), y = b.to(at::kDouble).contiguous();
  const auto m = mask.to(at::kDouble).contiguous();
  const auto xa = x.accessor<double, 3>(), ya = y.accessor<double, 3>();
  const auto ma = m.accessor<double, 2>();
  const auto w = gaussian_weights();
  const int64_t H = x.size(1), W = x.size(2);
  const double c1 = 0.01 * 0.01, c2 = 0.03 * 0.03;
  double total = 0;
  int64_t count = 0;
  for (int64_t ch = 0; ch < 3; ++ch)
    for (int64_t i = 5; i < H - 5; ++i)
      for (int64_t j = 5; j < W - 5; ++j) {
        if (ma[i][j] >= 0.5) continue;
        double mx = 0, my = 0;
        for (int u = -5; u <= 5; ++u)
          for (int v = -5; v <= 5; ++v) {
            const double g = w[size_t(u + 5)] * w[size_t(v + 5)];
            mx += g * xa[ch][i + u][j + v];
            my += g * ya[ch][i + u][j + v];
          }
        double vx = 0, vy = 0, cxy = 0;
        for (int u = -5; u <= 5; ++u)
          for (int v = -5; v <= 5; ++v) {
            const double g = w[size_t(u + 5)] * w[size_t(v + 5)];
            const double dx = xa[ch][i + u][j + v] - mx, dy = ya[ch][i + u][j + v] - my;
            vx += g * dx * dx;
            vy += g * dy * dy;
            cxy += g * dx * dy;
          }
        total += (2 * mx * my + c1) * (2 * cxy + c2) / ((mx * mx + my * my + c1) * (vx + vy + c2));
        ++count;
      }
  return total / double(count);
}

}  // namespace

class TestMaskedMetrics : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  // Constant images a = 0.5, b = 0.25: MSE = 0.0625, PSNR = 10 log10(16); no variance, so
  // SSIM = (2ab + C1) / (a^2 + b^2 + C1) = (0.25 + 1e-4) / (0.3125 + 1e-4) everywhere.
  void constantImages() {
    const auto a = at::full({3, 20, 24}, 0.5), b = at::full({3, 20, 24}, 0.25);
    const auto mask = box_mask(20, 24, 6, 12, 8, 14);
    QCOMPARE(background_mse(a, b, mask), 0.0625);
    const auto psnr = psnr_from_mse(background_mse(a, b, mask));
    QVERIFY(psnr.has_value());
    QVERIFY(std::abs(*psnr - 10.0 * std::log10(16.0)) < 1e-12);  // 12.0412 dB
    QVERIFY(std::abs(background_ssim(a, b, mask) - 0.2501 / 0.3126) < 1e-12);
  }

  // Only the background counts for the MSE: changes inside the part change nothing; one
  // background value changed by d gives MSE = d^2 / (3 x background pixels). SSIM windows
  // centred on background pixels next to the part reach into it, so SSIM sees the edit there
  // (and only there: it equals the naive map averaged over background centres).
  void backgroundOnly() {
    const int64_t H = 16, W = 16;
    const auto mask = box_mask(H, W, 4, 10, 4, 10);  // 36 part pixels, 220 background
    auto a = at::full({3, H, W}, 0.4, at::kDouble);
    auto b = a.clone();
    b.narrow(1, 4, 6).narrow(2, 4, 6).fill_(0.9);
    QCOMPARE(background_mse(a, b, mask), 0.0);
    QVERIFY(!psnr_from_mse(0.0).has_value());
    const double ssim = background_ssim(a, b, mask);
    QVERIFY(ssim < 1.0 && std::abs(ssim - naive_ssim(a, b, mask)) < 1e-9);
    b[1][0][15] = 0.4 + 0.25;
    const double expected = 0.25 * 0.25 / (3.0 * 220.0);
    QVERIFY(std::abs(background_mse(a, b, mask) - expected) < 1e-9 * expected);
  }

  // x = g j + c and y = k - x along the columns j: the symmetric window gives mu_x = x at the
  // centre, mu_y = k - mu_x, var_x = var_y = g^2 s^2 and cov = -g^2 s^2, where s^2 is the
  // window's column variance sum_t w(t) t^2. So the map at column j is
  // (2 mu_x mu_y + C1)(C2 - 2 g^2 s^2) / ((mu_x^2 + mu_y^2 + C1)(2 g^2 s^2 + C2)).
  void oppositeRamps() {
    const int64_t H = 16, W = 24;
    const double g = 0.02, c = 0.1, k = 0.9;
    const auto ramp = (at::arange(W, at::kDouble) * g + c).view({1, 1, W}).expand({3, H, W}).contiguous();
    const auto x = ramp, y = k - ramp;
    const auto mask = box_mask(H, W, 6, 9, 10, 13);
    const auto w = gaussian_weights();
    double s2 = 0;
    for (int t = -5; t <= 5; ++t) s2 += w[size_t(t + 5)] * t * t;
    const double c1 = 1e-4, c2 = 9e-4, v = g * g * s2;
    double total = 0;
    int count = 0;
    for (int64_t i = 5; i < H - 5; ++i)
      for (int64_t j = 5; j < W - 5; ++j) {
        if (i >= 6 && i < 9 && j >= 10 && j < 13) continue;  // part centres
        const double mx = g * double(j) + c, my = k - mx;
        total += (2 * mx * my + c1) * (c2 - 2 * v) / ((mx * mx + my * my + c1) * (2 * v + c2));
        ++count;
      }
    const double expected = total / count;
    const double got = background_ssim(x, y, mask);
    qInfo("opposite ramps: SSIM %.12f, hand %.12f", got, expected);
    QVERIFY(std::abs(got - expected) < 1e-9);
    QVERIFY(got < 0);  // anti-correlated structure
  }

  // Random images and masks against the double loop; float32 inputs (as images are).
  void matchesNaiveImplementation() {
    at::manual_seed(7);
    for (int trial = 0; trial < 4; ++trial) {
      const int64_t H = 13 + trial * 3, W = 17 + trial * 2;
      const auto a = at::rand({3, H, W});
      const auto b = (a + 0.2 * at::randn({3, H, W})).clamp(0, 1);
      auto mask = (at::rand({H, W}) < 0.3).to(at::kFloat);
      mask[0][0] = 1.0;  // a part pixel whatever the draw
      mask[H - 1][W - 1] = 0.0;
      const double got = background_ssim(a, b, mask), expected = naive_ssim(a, b, mask);
      QVERIFY2(std::abs(got - expected) < 1e-9, qPrintable(QString("trial %1: %2 vs %3").arg(trial).arg(got).arg(expected)));
      // MSE from its definition, summed by hand
      const auto d = (a.to(at::kDouble) - b.to(at::kDouble)).pow(2);
      double sum = 0;
      int64_t n = 0;
      for (int64_t i = 0; i < H; ++i)
        for (int64_t j = 0; j < W; ++j)
          if (mask[i][j].item<float>() < 0.5) {
            for (int64_t ch = 0; ch < 3; ++ch) sum += d[ch][i][j].item<double>();
            n += 3;
          }
      QVERIFY(std::abs(background_mse(a, b, mask) - sum / double(n)) < 1e-12);
    }
  }

  // A published value: the 22x15 8-bit test image of Tom Distler's IQA library
  // (test/source/test_ssim.c) and the image + 7, whose SSIM Octave computed with Wang's
  // reference code (11x11 Gaussian, sigma 1.5, K 0.01 / 0.03, L 255, 'valid' map) as 0.99668
  // (5 digits). SSIM is unchanged by scaling both images and L by 1/255; the same grey in
  // each channel; a part pixel in a corner (no valid centre), so every valid centre counts.
  void publishedExampleMeanShift() {
    const std::vector<double> pixels = {
        27,  25,  83,  56,  139, 147, 119, 153, 147, 132, 113, 147, 160, 163, 169, 151, 148, 120, 113, 149, 132, 145,
        0,   0,   25,  25,  73,  49,  148, 145, 126, 127, 113, 110, 116, 102, 99,  118, 161, 149, 149, 129, 114, 137,
        136, 154, 0,   0,   24,  29,  76,  63,  143, 137, 114, 117, 116, 117, 147, 142, 119, 98,  163, 139, 147, 137,
        114, 117, 141, 147, 0,   0,   23,  23,  66,  51,  144, 144, 102, 95,  104, 130, 147, 161, 129, 125, 85,  131,
        97,  111, 119, 107, 132, 144, 0,   0,   24,  26,  36,  104, 135, 147, 110, 136, 101, 163, 170, 172, 150, 124,
        122, 135, 118, 85,  116, 120, 136, 147, 0,   0,   24,  21,  30,  51,  148, 151, 120, 33,  66,  79,  164, 95,
        50,  132, 130, 76,  117, 142, 120, 130, 137, 143, 0,   0,   25,  24,  48,  50,  147, 150, 145, 43,  120, 147,
        170, 136, 169, 155, 105, 132, 43,  118, 120, 143, 141, 153, 0,   0,   23,  23,  44,  46,  144, 158, 135, 149,
        110, 94,  122, 114, 149, 136, 74,  57,  92,  104, 99,  149, 166, 166, 0,   0,   25,  27,  61,  46,  143, 163,
        137, 151, 132, 64,  163, 174, 145, 74,  205, 91,  101, 88,  94,  95,  97,  95,  0,   0,   21,  26,  150, 39,
        149, 75,  89,  108, 111, 98,  19,  21,  80,  229, 26,  94,  100, 102, 106, 94,  110, 101, 0,   0,   21,  24,
        161, 38,  99,  110, 95,  112, 126, 94,  89,  63,  108, 228, 119, 111, 102, 99,  97,  105, 83,  99,  0,   0,
        24,  21,  155, 81,  112, 93,  71,  104, 111, 95,  111, 235, 64,  228, 105, 110, 113, 108, 98,  105, 112, 112,
        0,   0,   23,  20,  61,  92,  91,  69,  74,  107, 97,  98,  99,  117, 66,  92,  104, 104, 106, 106, 101, 74,
        86,  83,  0,   0,   21,  88,  83,  92,  95,  86,  94,  93,  86,  111, 98,  106, 86,  118, 110, 108, 113, 107};
    const auto grey = at::tensor(pixels, at::kDouble).view({1, 15, 22}).expand({3, 15, 22}) / 255.0;
    const auto shifted = grey + 7.0 / 255.0;
    const auto mask = box_mask(15, 22, 0, 1, 0, 1);
    const double got = background_ssim(grey, shifted, mask);
    qInfo("22x15 mean shift +7: SSIM %.7f (published 0.99668)", got);
    QVERIFY(std::abs(got - 0.99668) < 1e-5);
  }

  void inputErrors() {
    const auto a = at::rand({3, 16, 16});
    const auto mask = box_mask(16, 16, 2, 4, 2, 4);
    auto error = test::error_of([&] { background_mse(a, at::rand({3, 16, 18}), mask); });
    QVERIFY2(error.find("[3, 16, 18]") != std::string::npos && error.find("[3, 16, 16]") != std::string::npos,
             error.c_str());
    error = test::error_of([&] { background_ssim(a, a, box_mask(15, 16, 2, 4, 2, 4)); });
    QVERIFY2(error.find("[15, 16]") != std::string::npos && error.find("[16, 16]") != std::string::npos, error.c_str());
    error = test::error_of([&] { background_mse(a, a, at::zeros({16, 16})); });
    QVERIFY2(error.find("the mask has no part pixel") != std::string::npos, error.c_str());
    error = test::error_of([&] { background_ssim(a, a, at::full({16, 16}, 0.7)); });
    QVERIFY2(error.find("no background") != std::string::npos, error.c_str());
    error = test::error_of([&] { background_ssim(at::rand({3, 10, 12}), at::rand({3, 10, 12}), box_mask(10, 12, 0, 2, 0, 2)); });
    QVERIFY2(error.find("11x11") != std::string::npos && error.find("10x12") != std::string::npos, error.c_str());
    // 12x12: the valid centres are rows and columns 5-6, all part
    error = test::error_of([&] { background_ssim(at::rand({3, 12, 12}), at::rand({3, 12, 12}), box_mask(12, 12, 5, 7, 5, 7)); });
    QVERIFY2(error.find("no background pixel") != std::string::npos, error.c_str());
    QVERIFY(test::error_of([&] { background_mse(a, a, mask); }).empty());
  }
};

PARTEDIT_TEST(TestMaskedMetrics);
}  // namespace test_masked_metrics
#include "test_masked_metrics.moc"
