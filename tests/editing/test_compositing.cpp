// Putting an edit back into a photo: bit-exact preservation where the compositing weight is
// 0 (also through an 8-bit PNG written and read back), the feather band, and the mapping
// through crops of odd sizes.
#include <QtTest>

#include <ATen/ATen.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "editing/compositing.h"
#include "io/photo_fit.h"
#include "io/image_io.h"
#include "io/image_photo.h"
#include "support/test_support.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_compositing {

using namespace partedit;

namespace {

FitOptions budget(int64_t pixels) {
  FitOptions o;
  o.pixel_budget = pixels;
  o.min_side = 8;  // these tests compose at the photo's own small sizes: no scaling up
  return o;
}

// A mask at 1/8 of the working frame: ones on a centred rectangle, zeros elsewhere.
at::Tensor blob_mask(const PhotoFit& fit) {
  at::Tensor m = at::zeros({fit.height / 8, fit.width / 8});  // [h, w]
  m.narrow(0, m.size(0) / 4, m.size(0) / 2).narrow(1, m.size(1) / 4, m.size(1) / 2).fill_(1.0);
  return m;
}

// A smooth ramp photo: resampling reproduces it in the interior, a misplaced crop does not.
at::Tensor ramp_photo(int64_t h, int64_t w) {
  const at::Tensor y = at::arange(h, at::kFloat).div(h).view({1, h, 1});  // [1, H, 1]
  const at::Tensor x = at::arange(w, at::kFloat).div(w).view({1, 1, w});  // [1, 1, W]
  return at::cat({0.5 * x + 0.3 * y, 0.2 + 0.6 * y.expand({1, h, w}), 0.9 - 0.7 * x.expand({1, h, w})});  // [3, H, W]
}

// The feathered weight at index c of a straight edge (mask 0 before `edge`, 1 from it on),
// written from compositing.h's definition: taps exp(-i² / (2 sigma²)), sigma = radius / 3,
// |i| <= ceil(radius), normalised; the weight is the share of the taps that fall on the mask
// (edge replication changes nothing for a step that is 0 and 1 at the two borders).
double edge_weight(int64_t c, int64_t edge, double radius) {
  const int64_t k = static_cast<int64_t>(std::ceil(radius));
  const double sigma = radius / 3.0;
  double on = 0.0, all = 0.0;
  for (int64_t i = -k; i <= k; ++i) {
    const double tap = std::exp(-double(i * i) / (2.0 * sigma * sigma));
    all += tap;
    if (c + i >= edge) on += tap;
  }
  return on / all;
}

}  // namespace

class TestCompositing : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void zeroWeightKeepsOriginalBitExact() {
    at::manual_seed(3);
    const at::Tensor original = at::rand({3, 157, 203});  // not on the 8-bit grid
    const PhotoFit fit = fit_photo(203, 157, budget(96 * 72));
    QVERIFY(fit.scale_x < 1.0 && (fit.crop_x > 0 || fit.crop_y > 0));
    at::Tensor edited = at::rand({3, fit.height, fit.width});
    edited.select(1, 0).select(1, 0).fill_(std::nan(""));  // a NaN where the mask is 0 must not leak
    const CompositeResult r = composite_photo(original, edited, blob_mask(fit), fit, 4.0);
    PE_VERIFY_SHAPE(r.image, original);
    PE_VERIFY_SHAPE(r.mask, original[0]);
    const at::Tensor keep = (r.mask == 0).expand_as(original);
    const int64_t kept = keep.sum().item<int64_t>() / 3;
    qInfo() << "pixels with weight 0:" << kept << "of" << 157 * 203;
    QVERIFY(kept > 157 * 203 / 2);
    QVERIFY(at::equal(r.image.masked_select(keep), original.masked_select(keep)));
    QVERIFY(!at::isnan(r.image).any().item<bool>());
    // Outside the crop: weight 0.
    QCOMPARE(r.mask.narrow(1, 0, fit.crop_x).abs().sum().item<double>(), 0.0);
    QCOMPARE(r.mask.narrow(0, fit.crop_y + fit.crop_height, 157 - fit.crop_y - fit.crop_height).abs().sum().item<double>(),
             0.0);
    // Full weight: the resized edit.
    const at::Tensor full = (r.mask >= 1.0f).expand_as(original);
    QVERIFY(full.any().item<bool>());
    const at::Tensor edit_up = map_to_original(edited.nan_to_num(0.0), fit, false);  // [3, H0, W0]
    PE_VERIFY_LE((r.image.masked_select(full) - edit_up.masked_select(full)).abs().max().item<double>(), 1e-6);
  }

  void featherBandIsMonotoneAndFinite() {
    const PhotoFit fit = fit_photo(96, 64, budget(1024 * 1024));  // unscaled: working = photo
    QCOMPARE(fit.scale_x, 1.0);
    at::Tensor step = at::zeros({64, 96});
    step.narrow(1, 48, 48).fill_(1.0);  // mask edge between columns 47 and 48
    const at::Tensor photo = at::full({3, 64, 96}, 0.25);
    const at::Tensor edit = at::full({3, 64, 96}, 0.75);
    for (double radius : {4.0, 2.5}) {
      const CompositeResult r = composite_photo(photo, edit, step, fit, radius);
      const at::Tensor row = r.mask[32];  // [96]
      const auto w = row.accessor<float, 1>();
      for (int c = 1; c < 96; ++c) QVERIFY2(w[c] >= w[c - 1], qPrintable(QString("column %1").arg(c)));
      const int k = static_cast<int>(std::ceil(radius));
      QCOMPARE(w[47 - k], 0.0f);  // beyond the kernel: exactly 0
      QVERIFY(w[48 - k] > 0.0f);
      QCOMPARE(w[48 + k], 1.0f);
      PE_VERIFY_LE(std::abs(w[47] + w[48] - 1.0), 1e-6);  // symmetric about the edge
      qInfo() << "radius" << radius << "band" << w[46] << w[47] << w[48] << w[49];
      // The blend follows the weight.
      const double err = (r.image.select(1, 32) - (0.25 + 0.5 * row)).abs().max().item<double>();
      PE_VERIFY_LE(err, 1e-6);
    }
    const CompositeResult hard = composite_photo(photo, edit, step, fit, 0.0);
    QVERIFY(at::equal(hard.mask, step));
    QVERIFY(!test::error_of([&] { composite_photo(photo, edit, step, fit, -1.0); }).empty());
  }

  // The weights across the band against values worked out from the definition: a straight
  // edge gives the 1-D sums of edge_weight, a quadrant (a corner) their product, since the
  // blur is separable.
  void featherWeightsAreTheTruncatedGaussian() {
    for (double radius : {4.0, 2.5, 6.0}) {
      at::Tensor quadrant = at::zeros({64, 96});
      quadrant.narrow(0, 32, 32).narrow(1, 48, 48).fill_(1.0);  // edges between rows 31/32, columns 47/48
      const at::Tensor w = feather_mask(quadrant, radius).to(at::kDouble);  // [64, 96]
      at::Tensor rows = at::empty({64, 1}, at::kDouble), cols = at::empty({1, 96}, at::kDouble);
      for (int64_t y = 0; y < 64; ++y) rows[y][0] = edge_weight(y, 32, radius);
      for (int64_t x = 0; x < 96; ++x) cols[0][x] = edge_weight(x, 48, radius);
      at::Tensor expected = rows * cols;  // [64, 96]
      expected = at::where(expected >= 1.0 - 1e-6, at::ones_like(expected), expected);  // snapped as documented
      const double err = test::max_abs_diff(w, expected);
      qInfo("radius %g: weights across the edge %.6f %.6f %.6f %.6f (expected %.6f %.6f %.6f %.6f), max |error| %.3g",
            radius, w[63][46].item<double>(), w[63][47].item<double>(), w[63][48].item<double>(),
            w[63][49].item<double>(), expected[63][46].item<double>(), expected[63][47].item<double>(),
            expected[63][48].item<double>(), expected[63][49].item<double>(), err);
      // float32 taps and two passes of <= 13 float multiply-adds on values <= 1: a few 1e-7
      // (measured <= 2.3e-7). sigma = radius / 2 moves the weight next to the edge by ~0.05.
      PE_VERIFY_LE(err, 1e-6);
    }
  }

  void mappingBackThroughOddCrops() {
    for (const int64_t b : {int64_t(64 * 48), int64_t(96 * 96), int64_t(40 * 40)}) {
      const PhotoFit fit = fit_photo(203, 157, budget(b));
      QCOMPARE(fit.crop_x, (203 - fit.crop_width) / 2);
      QCOMPARE(fit.crop_y, (157 - fit.crop_height) / 2);
      // A mask of ones lands exactly on the crop rectangle.
      const at::Tensor ones = map_to_original(at::ones({fit.height / 8, fit.width / 8}), fit, true);  // [H0, W0]
      const at::Tensor inside = ones.narrow(0, fit.crop_y, fit.crop_height).narrow(1, fit.crop_x, fit.crop_width);
      PE_VERIFY_LE((inside - 1).abs().max().item<double>(), 1e-6);
      PE_VERIFY_LE(ones.sum().item<double>() - inside.sum().item<double>(), 0.0);
      // Photo -> working -> photo reproduces a ramp in the interior: the crop is where it says.
      const at::Tensor photo = ramp_photo(157, 203);
      const at::Tensor crop = photo.narrow(1, fit.crop_y, fit.crop_height).narrow(2, fit.crop_x, fit.crop_width);
      const at::Tensor working = resize_for_fit(crop, fit.height, fit.width, false);  // [3, H, W]
      const at::Tensor back = map_to_original(working, fit, false, photo);           // [3, H0, W0]
      const int64_t m = static_cast<int64_t>(std::ceil(6 / fit.scale_x));  // resampling border
      const double err = test::max_abs_diff(
          back.narrow(1, fit.crop_y + m, fit.crop_height - 2 * m).narrow(2, fit.crop_x + m, fit.crop_width - 2 * m),
          photo.narrow(1, fit.crop_y + m, fit.crop_height - 2 * m).narrow(2, fit.crop_x + m, fit.crop_width - 2 * m));
      qInfo() << "budget" << b << "working" << fit.width << "x" << fit.height << "crop" << fit.crop_x << fit.crop_y
              << fit.crop_width << fit.crop_height << "round-trip interior error" << err;
      PE_VERIFY_LE(err, 5e-4);  // a crop off by one pixel gives > 2.4e-3
      QVERIFY(at::equal(back.narrow(2, 0, fit.crop_x), photo.narrow(2, 0, fit.crop_x)));
    }
  }

  void eightBitOutputKeepsTheFilePixels() {
    test::TempDir dir;
    cv::Mat source(131, 203, CV_8UC3);
    cv::randu(source, cv::Scalar::all(0), cv::Scalar::all(256));
    QVERIFY(cv::imwrite((dir / "photo.png").string(), source));
    PhotoOptions options;
    options.fit.pixel_budget = 96 * 64;  // scaled and cropped
    const Photo photo = load_photo((dir / "photo.png").string(), options);
    const at::Tensor edited = 1.0 - photo.working;  // [3, H, W]
    const CompositeResult r = composite_photo(photo.original, edited, blob_mask(photo.fit), photo.fit, 3.0);
    write_image(dir / "out.png", r.image);
    const cv::Mat out = cv::imread((dir / "out.png").string(), cv::IMREAD_UNCHANGED);
    QCOMPARE(out.type(), CV_8UC3);
    const at::Tensor a = at::from_blob(out.data, {131, 203, 3}, at::kByte);     // [H0, W0, 3] BGR
    const at::Tensor b = at::from_blob(source.data, {131, 203, 3}, at::kByte);  // [H0, W0, 3] BGR
    const at::Tensor keep = (r.mask == 0).unsqueeze(-1).expand({131, 203, 3});
    const at::Tensor edit = (r.mask >= 1.0f).unsqueeze(-1).expand({131, 203, 3});
    const int64_t differ = (a != b).logical_and(keep).sum().item<int64_t>();
    const int64_t kept = keep.sum().item<int64_t>() / 3;
    qInfo() << "8-bit pixels with weight 0:" << kept << "differing from the file:" << differ;
    QVERIFY(kept > 131 * 203 / 2);
    QCOMPARE(differ, int64_t(0));
    // Sanity: where the edit has full weight the file changed.
    QVERIFY((a != b).logical_and(edit).sum().item<int64_t>() > edit.sum().item<int64_t>() / 2);
  }

  void shapeErrorsNameTheArgument() {
    const PhotoFit fit = fit_photo(96, 64, budget(1024 * 1024));
    const at::Tensor photo = at::zeros({3, 64, 96});
    const std::string e1 = test::error_of([&] { composite_photo(photo, at::zeros({3, 32, 48}), at::zeros({8, 12}), fit); });
    QVERIFY2(e1.find("working size") != std::string::npos, e1.c_str());
    const std::string e2 =
        test::error_of([&] { composite_photo(at::zeros({3, 65, 96}), at::zeros({3, 64, 96}), at::zeros({8, 12}), fit); });
    QVERIFY2(e2.find("original") != std::string::npos, e2.c_str());
    const std::string e3 =
        test::error_of([&] { composite_photo(photo, at::zeros({3, 64, 96}), at::zeros({2, 8, 12}), fit); });
    QVERIFY2(e3.find("mask") != std::string::npos, e3.c_str());
  }
};

PARTEDIT_TEST(TestCompositing);
}  // namespace test_compositing
#include "test_compositing.moc"
