// The edit evaluation protocol (core/eval/edit_scorer.h) on a tiny random CLIP: clip_fg and
// clip_bg against the same steps done by hand here (box, blanking and square padding by
// loops, the towers, the cosine), identical images (PSNR null, SSIM 1, clip_bg 100), the
// scorer without a model, and the JSON keys.
#include <QtTest>

#include <cmath>

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include "eval/clip_regions.h"
#include "eval/edit_scorer.h"
#include "eval/masked_metrics.h"
#include "models/clip/clip_model.h"
#include "models/clip/tiny_clip.h"
#include "support/test_support.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_edit_scorer {

using namespace partedit;
namespace fs = std::filesystem;

namespace {

// Smooth random images [3, H, W] in [0, 1] (bilinear up-sampling of a coarse grid).
at::Tensor smooth_image(int64_t H, int64_t W, uint64_t seed) {
  at::manual_seed(seed);
  const auto coarse = at::rand({1, 3, 5, 7});
  return at::upsample_bilinear2d(coarse, {H, W}, /*align_corners=*/true)[0].contiguous();
}

// A part: rows 10-21 x columns 30-37, plus the single pixel (25, 12), so the box is
// rows 10-25 x columns 12-37 (16 x 26) and holds background pixels.
at::Tensor part_mask(int64_t H, int64_t W) {
  auto m = at::zeros({H, W});
  m.narrow(0, 10, 12).narrow(1, 30, 8).fill_(1.0);
  m[25][12] = 1.0;
  return m;
}

double cosine100(const at::Tensor& a, const at::Tensor& b) {
  const auto x = a.to(at::kDouble).flatten(), y = b.to(at::kDouble).flatten();
  return 100.0 * (x.dot(y) / (x.norm() * y.norm())).item<double>();
}

}  // namespace

class TestEditScorer : public QObject {
  Q_OBJECT

  test::TempDir dir_;
  fs::path model_dir_;

 private Q_SLOTS:
  void initTestCase() {
    model_dir_ = dir_ / "tiny-clip";
    write_tiny_clip(model_dir_, TinyClipOptions{});
  }

  void clipScoresMatchHandSteps() {
    const int64_t H = 40, W = 56;
    const auto source = smooth_image(H, W, 1), edited = smooth_image(H, W, 2), mask = part_mask(H, W);
    const std::string prompt = "a red hat";
    const EditScorer scorer(model_dir_);
    QVERIFY(scorer.has_clip());
    ScoreTimings timings;
    const auto scores = scorer.score(source, edited, mask, prompt, &timings);
    QVERIFY(scores.clip_foreground && scores.clip_background);
    QVERIFY(timings.clip_seconds > 0 && timings.metrics_seconds > 0);

    auto clip = CLIPModelFolder::load(model_dir_);
    const auto& blank = clip.processor.image_mean;
    // the foreground by hand: box rows 10-25, columns 12-37 (16 x 26), non-part pixels
    // blanked, centred on a 26 x 26 square (5 blank rows above, 5 below)
    auto square = at::empty({3, 26, 26});
    for (int64_t ch = 0; ch < 3; ++ch) square[ch].fill_(float(blank[size_t(ch)]));
    for (int64_t i = 10; i <= 25; ++i)
      for (int64_t j = 12; j <= 37; ++j)
        if (mask[i][j].item<float>() >= 0.5)
          for (int64_t ch = 0; ch < 3; ++ch) square[ch][i - 10 + 5][j - 12] = edited[ch][i][j];
    PE_VERIFY_LE(test::max_abs_diff(square, clip_foreground_image(edited, mask, blank)), 0.0);
    // the backgrounds by hand: part pixels blanked
    auto source_bg = source.clone(), edited_bg = edited.clone();
    for (int64_t i = 0; i < H; ++i)
      for (int64_t j = 0; j < W; ++j)
        if (mask[i][j].item<float>() >= 0.5)
          for (int64_t ch = 0; ch < 3; ++ch) {
            source_bg[ch][i][j] = float(blank[size_t(ch)]);
            edited_bg[ch][i][j] = float(blank[size_t(ch)]);
          }
    c10::InferenceMode guard;
    const auto text = clip.model->text_features(clip.tokenize(prompt));
    const auto part = clip.model->image_features(clip_preprocess(square, clip.processor));
    const auto bg_a = clip.model->image_features(clip_preprocess(source_bg, clip.processor));
    const auto bg_b = clip.model->image_features(clip_preprocess(edited_bg, clip.processor));
    const double fg = cosine100(text, part), bg = cosine100(bg_a, bg_b);
    qInfo("clip_fg %.6f (hand %.6f), clip_bg %.6f (hand %.6f)", *scores.clip_foreground, fg, *scores.clip_background, bg);
    // the backgrounds are batched in the scorer, alone here: float32 sums may differ slightly
    QVERIFY(std::abs(*scores.clip_foreground - fg) < 1e-4);
    QVERIFY(std::abs(*scores.clip_background - bg) < 1e-4);
    QVERIFY(std::abs(*scores.clip_foreground) <= 100 && std::abs(*scores.clip_background) <= 100);

    // the metrics are the masked_metrics functions; the part fraction is 97 / 2240
    QCOMPARE(scores.background_mse, background_mse(source, edited, mask));
    QCOMPARE(scores.ssim, background_ssim(source, edited, mask));
    QVERIFY(scores.psnr && std::abs(*scores.psnr - 10 * std::log10(1 / scores.background_mse)) < 1e-12);
    QCOMPARE(scores.part_fraction, 97.0 / 2240.0);
  }

  // The model in bfloat16: the ids and pixels follow it there; the scores stay near fp32's.
  void reducedPrecisionModel() {
    const int64_t H = 40, W = 56;
    const auto source = smooth_image(H, W, 1), edited = smooth_image(H, W, 2), mask = part_mask(H, W);
    const auto full = EditScorer(model_dir_).score(source, edited, mask, "a red hat");
    const auto half = EditScorer(model_dir_, ComputeOptions::parse("cpu", "bf16")).score(source, edited, mask, "a red hat");
    qInfo("clip_fg fp32 %.4f bf16 %.4f; clip_bg fp32 %.4f bf16 %.4f", *full.clip_foreground, *half.clip_foreground,
          *full.clip_background, *half.clip_background);
    // bfloat16 keeps 8 significant bits (relative rounding 2^-9 per operation): measured 0.10
    // on the 100 scale for both scores (AMD EPYC); 1.0 leaves room for other kernels.
    QVERIFY(std::abs(*half.clip_foreground - *full.clip_foreground) < 1.0);
    QVERIFY(std::abs(*half.clip_background - *full.clip_background) < 1.0);
    QCOMPARE(half.ssim, full.ssim);  // the pixel metrics do not use the model
  }

  void identicalImages() {
    const auto image = smooth_image(40, 56, 3), mask = part_mask(40, 56);
    const EditScorer scorer(model_dir_);
    const auto scores = scorer.score(image, image, mask, "a hat");
    QVERIFY(!scores.psnr.has_value());
    QCOMPARE(scores.background_mse, 0.0);
    QVERIFY(std::abs(scores.ssim - 1.0) < 1e-12);
    QVERIFY(std::abs(*scores.clip_background - 100.0) < 1e-4);
    const auto json = scores_json(scores);
    QVERIFY(json.at("psnr").is_null());
    for (const char* key : {"clip_fg", "clip_bg", "psnr", "background_mse", "ssim", "part_fraction"})
      QVERIFY2(json.contains(key), key);
    QCOMPARE(json.size(), size_t(6));
  }

  void withoutClip() {
    const auto a = smooth_image(20, 20, 4), b = smooth_image(20, 20, 5);
    const EditScorer scorer;
    QVERIFY(!scorer.has_clip());
    const auto scores = scorer.score(a, b, part_mask(40, 56).narrow(0, 8, 20).narrow(1, 28, 20), "x");
    QVERIFY(!scores.clip_foreground && !scores.clip_background);
    QVERIFY(scores.psnr.has_value());
    const auto json = scores_json(scores);
    QVERIFY(json.at("clip_fg").is_null() && json.at("clip_bg").is_null());
    // the inputs are checked before anything is computed
    const auto error = test::error_of([&] { scorer.score(a, b, at::zeros({20, 20}), "x"); });
    QVERIFY2(error.find("the mask has no part pixel") != std::string::npos, error.c_str());
  }

  void badFolder() {
    const auto error = test::error_of([&] { EditScorer scorer(dir_ / "nowhere"); });
    QVERIFY2(error.find("nowhere") != std::string::npos, error.c_str());
  }
};

PARTEDIT_TEST(TestEditScorer);
}  // namespace test_edit_scorer
#include "test_edit_scorer.moc"
