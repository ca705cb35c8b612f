// PartEdit on a photo (algorithm.md §4): the source path replays the inversion exactly, and
// an edit that asks for nothing new (the source prompt, the inversion's guidance, no
// prompt-to-prompt) follows the photo's latents through the edit path too. The random tiny
// UNet amplifies float differences (batch 4 here, 2 in the inversion) about tenfold per
// late step, so the edit path is held to 1e-5 after the first step and 1e-2 at the end.
#include <QtTest>

#include <ATen/ATen.h>

#include "editing/part_edit_pipeline.h"
#include "pipeline/diffusion_model.h"
#include "pipeline/inversion.h"
#include "runtime/compute.h"
#include "support/test_support.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_photo_edit {

using namespace partedit;

class TestPhotoEdit : public QObject {
  Q_OBJECT
  std::optional<DiffusionModel> model_;

  std::shared_ptr<const Inversion> invert_photo(const std::string& scheduler, const std::string& prompt, int zero_steps) {
    auto generator = at::detail::createCPUGenerator(5);
    InvertRequest r;
    r.image = at::rand({3, 64, 96}, generator);  // [3, H, W]
    r.prompt = prompt;
    r.steps = 6;
    r.scheduler = scheduler;
    r.zero_noise_steps = zero_steps;
    r.seed = 1;
    return std::make_shared<const Inversion>(invert(*model_, r));
  }

  EditRequest request_for(const std::shared_ptr<const Inversion>& inversion, const std::string& edit_prompt) {
    EditRequest r;
    r.origin = KeptInversion{inversion};
    r.source.guidance = 3.5;
    r.edit_prompt = edit_prompt;
    r.p2p = PromptToPrompt::None;
    auto generator = at::detail::createCPUGenerator(9);
    r.part_embedding = at::randn({2, 64}, generator);
    return r;
  }

 private Q_SLOTS:
  void initTestCase() { model_.emplace(DiffusionModel::load(test::tiny_sdxl_dir(), ComputeOptions::parse("cpu", "fp32"))); }

  void reconstructsThePhoto_data() {
    QTest::addColumn<QString>("scheduler");
    QTest::addColumn<QString>("prompt");
    QTest::newRow("dpmpp-sde, prompt") << "dpmpp-sde" << "a photo of a cat";
    QTest::newRow("ddim, prompt") << "ddim" << "a photo of a cat";
  }
  void reconstructsThePhoto() {
    QFETCH(QString, scheduler);
    QFETCH(QString, prompt);
    const auto inversion = invert_photo(scheduler.toStdString(), prompt.toStdString(), 0);
    // An empty prompt inverts unconditionally; the edit path then needs guidance 1 to match.
    auto request = request_for(inversion, prompt.toStdString());
    double first_step = -1;
    const EditResult r = edit(*model_, request, [&](const EditProgress& p) {
      if (p.step == 1)
        first_step = test::max_relative_diff(p.latents[1].unsqueeze(0), inversion->xts[inversion->steps - 1]);
    });
    const double source = test::max_relative_diff(r.source_latents, inversion->x0);
    const double edited = test::max_relative_diff(r.edit_latents, inversion->x0);
    qInfo("latents vs the inversion (relative): source %.3g; edit path %.3g after step 1, %.3g at the end", source,
          first_step, edited);
    QCOMPARE(source, 0.0);  // the source row is copied from the inversion's latents: exact
    PE_VERIFY_LE(first_step, 3e-5);  // measured 3.0e-6 (the same step, another batch); bound ~10x
    PE_VERIFY_LE(edited, 2e-2);      // measured 0.004-0.0096 by BLAS kernel: the edit path is not tied
    QCOMPARE(r.width, int64_t(96));
    QCOMPARE(r.height, int64_t(64));
    QCOMPARE(r.masks.size(0), int64_t(6));
  }

  void anEditChangesThePhotoAndKeepsTheSource() {
    const auto inversion = invert_photo("dpmpp-sde", "a photo of a cat", 3);
    auto request = request_for(inversion, "a photo of a dog");
    request.source.guidance = 7.5;
    request.p2p = PromptToPrompt::Replace;
    const EditResult r = edit(*model_, request);
    QCOMPARE(test::max_abs_diff(r.source_latents, inversion->x0), 0.0);  // tied
    const double changed = test::max_relative_diff(r.edit_latents, inversion->x0);
    qInfo("edit path vs x0 (relative): %.3g", changed);
    QVERIFY(changed > 1e-2);
    // The inversion's settings and seed are in the parameters' settings line (the last one).
    const std::string settings = r.parameters.substr(r.parameters.rfind('\n') + 1);
    for (const char* key : {"Sampler: DPM++ 2M SDE", "Seed: 1", "Photo: ", "Source guidance: 3.5", "Edit prompt: "})
      QVERIFY2(settings.find(key) != std::string::npos, settings.c_str());
    QCOMPARE(r.seed, uint64_t(1));
    QVERIFY(r.noise_from_seed);
  }

  void invertingWithinTheEditEqualsInvertingFirst() {
    auto generator = at::detail::createCPUGenerator(5);
    auto photo = std::make_shared<InvertRequest>();
    photo->image = at::rand({3, 64, 96}, generator);  // [3, H, W]
    photo->prompt = "a photo of a cat";
    photo->steps = 6;
    photo->seed = 1;
    EditRequest fused = request_for(nullptr, "a photo of a dog");
    fused.origin = PhotoToInvert{photo};
    fused.p2p = PromptToPrompt::Replace;
    const EditResult first = edit(*model_, fused);
    QVERIFY(first.inversion != nullptr);
    QCOMPARE(test::max_abs_diff(first.source_latents, first.inversion->x0), 0.0);  // a copy: exact
    // The inversion's own share of the pass is measured (it was reported as 0 before).
    qInfo("fused inversion: %.3g s of the pass's %.3g s", first.invert_seconds, first.timings.total);
    QVERIFY(first.invert_seconds > 0);
    QVERIFY(first.invert_seconds < first.timings.total);
    QCOMPARE(first.seed, uint64_t(1));
    // The same inversion as invert() computes (the source rows ran in a batch of 4, not 2).
    const Inversion separate = invert(*model_, *photo);
    const double zs = test::max_relative_diff(first.inversion->zs, separate.zs);
    const double xts = test::max_relative_diff(first.inversion->xts, separate.xts);
    qInfo("fused inversion vs invert(): zs %.3g, xts %.3g (relative)", zs, xts);
    PE_VERIFY_LE(zs, 2e-5);  // measured 1.4e-6; bound ~10x
    PE_VERIFY_LE(xts, 5e-6);  // measured 3.0e-7
    QCOMPARE(first.inversion->timesteps.equal(separate.timesteps), true);  // the same host schedule twice
    // A second edit from the kept inversion reproduces the first exactly: the same batch of
    // four rows with the same inputs (the kept latents and noise maps are the ones the first
    // edit computed and used), so the very same computation.
    EditRequest again = request_for(first.inversion, "a photo of a dog");
    again.p2p = PromptToPrompt::Replace;
    const EditResult second = edit(*model_, again);
    QCOMPARE(test::max_abs_diff(second.edit_latents, first.edit_latents), 0.0);
    QCOMPARE(test::max_abs_diff(second.masks, first.masks), 0.0);
  }

  void photoWithoutPrompt() {
    const auto inversion = invert_photo("dpmpp-sde", "", 3);
    const EditResult r = edit(*model_, request_for(inversion, "a photo of a dog"));
    QCOMPARE(test::max_abs_diff(r.source_latents, inversion->x0), 0.0);  // tied: a copy
    QCOMPARE(r.masks.size(0), int64_t(6));
  }

  void editEndIsCheckedAgainstTheInversionSteps() {
    const auto inversion = invert_photo("ddim", "a photo of a cat", 3);
    auto request = request_for(inversion, "a photo of a dog");
    request.edit_end_step = 7;
    QVERIFY(test::error_of([&] { edit(*model_, request); }).find("between 1 and the number of steps (6)") !=
            std::string::npos);
  }
};

PARTEDIT_TEST(TestPhotoEdit);
}  // namespace test_photo_edit
#include "test_photo_edit.moc"
