// The engine object (core/engine): one progress type and one cancellation convention for
// every request, the photo workflow (caption → inversion cache → edit → compositing, a stage
// with its own progress), model swapping that keeps the loaded model when a folder fails, and
// instant t_e: a re-render from the kept per-step state equals a full edit with the new t_e.
#include <atomic>

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include "editing/part_token.h"
#include "engine/engine.h"
#include "io/image_io.h"
#include "pipeline/diffusion_model.h"
#include "support/sanitizer_skip.h"
#include "support/test_support.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_engine {

using namespace partedit;
namespace fs = std::filesystem;

namespace {

PartToken random_token(const std::string& part, uint64_t seed) {
  auto generator = at::detail::createCPUGenerator(seed);
  PartToken token;
  token.embedding = at::randn({2, 64}, generator);  // the tiny model's text width
  token.part_name = part;
  token.embedding_dim = 64;
  return token;
}

EditJob generated_edit(int steps, std::optional<int64_t> t_e, const std::string& scheduler) {
  EditJob job;
  job.generation.prompt = "a photo of a cat in a park";
  job.generation.steps = steps;
  job.generation.scheduler = scheduler;
  job.generation.width = job.generation.height = 64;
  job.generation.seed = 3;
  job.instruction = EditInstruction::appended_edit({"a robotic", "head", true});
  job.parts = {random_token("head", 1)};
  job.edit_end_step = t_e;
  return job;
}

// A listener that records what arrives.
struct Recorder {
  std::vector<EngineProgress> progress;
  std::vector<std::string> status, notes, warnings;
  EngineListener listener() {
    EngineListener l;
    l.progress = [this](const EngineProgress& p) { progress.push_back(p); };
    l.status = [this](const std::string& s) { status.push_back(s); };
    l.note = [this](const std::string& s) { notes.push_back(s); };
    l.warning = [this](const std::string& s) { warnings.push_back(s); };
    return l;
  }
  bool said(const std::string& text) const {
    for (const auto& s : status)
      if (s.find(text) != std::string::npos) return true;
    return false;
  }
};

}  // namespace

class TestEngine : public QObject {
  Q_OBJECT
  test::TempDir dir_;
  std::unique_ptr<Engine> engine_;

  Engine& engine() { return *engine_; }

 private Q_SLOTS:
  void initTestCase() {
    EngineOptions options;
    options.token_dirs = {dir_ / "tokens"};
    options.inversion_cache = InversionCache(dir_ / "cache");
    options.caption_model = test::tiny_blip2_dir();
    engine_ = std::make_unique<Engine>(std::move(options));
    QVERIFY(!engine().has_model());
    QVERIFY(test::error_of([&] { engine().model(); }).find("no diffusion model is loaded") != std::string::npos);
    engine().load_model(test::tiny_sdxl_dir(), ComputeOptions{});
    QVERIFY(engine().has_model());
  }

  void aFolderThatFailsToLoadKeepsTheLoadedModel() {
    DiffusionModel* before = &engine().model();
    const std::string error = test::error_of([&] { engine().load_model(dir_ / "no-such-model", ComputeOptions{}); });
    QVERIFY2(!error.empty(), "loading a missing folder must fail");
    QVERIFY(engine().has_model());
    QCOMPARE(&engine().model(), before);
    // The same folder again is the loaded model, not a reload.
    QCOMPARE(&engine().load_model(test::tiny_sdxl_dir(), ComputeOptions{}), before);
  }

  void generateReportsEveryStepWithAPreview() {
    GenerateRequest request;
    request.prompt = "a cat";
    request.steps = 3;
    request.width = request.height = 64;
    request.seed = 1;
    Recorder recorder;
    const GenerateResult result = engine().generate(request, recorder.listener());
    QCOMPARE(int(recorder.progress.size()), 3);
    for (int i = 0; i < 3; ++i) {
      const EngineProgress& p = recorder.progress[i];
      QCOMPARE(p.stage, EngineStage::Generating);
      QCOMPARE(p.estimate.step, i + 1);
      QCOMPARE(p.estimate.total, 3);
      QVERIFY(p.preview.defined());
      QCOMPARE(p.preview.size(0), int64_t(3));
    }
    QCOMPARE(result.image.size(1), int64_t(64));
  }

  void editReportsEveryStepWithAMaskOfTheImageSize() {
    Recorder recorder;
    const EditJobResult result = engine().edit(generated_edit(4, std::nullopt, "ddim"), recorder.listener());
    QCOMPARE(int(recorder.progress.size()), 4);
    for (const auto& p : recorder.progress) {
      QCOMPARE(p.stage, EngineStage::Editing);
      QVERIFY(p.mask.defined());
      QCOMPARE(p.mask.sizes(), (at::IntArrayRef{64, 64}));
    }
    QVERIFY(recorder.said("edit prompt: a photo of a cat in a park with a robotic head"));
    QCOMPARE(result.edit.edited.sizes(), (at::IntArrayRef{3, 64, 64}));
    QVERIFY(!result.composited.defined());  // a generated source is not composited
  }

  void cancelStopsWithinOneStepAndTheEngineStaysUsable() {
    CancelToken cancel;
    Recorder recorder;
    EngineListener listener = recorder.listener();
    listener.progress = [&](const EngineProgress& p) {
      recorder.progress.push_back(p);
      if (p.estimate.step == 2) cancel.cancel();
    };
    bool cancelled = false;
    try {
      engine().edit(generated_edit(6, std::nullopt, "ddim"), listener, cancel);
    } catch (const CancelledError&) {
      cancelled = true;
    }
    QVERIFY(cancelled);
    QCOMPARE(int(recorder.progress.size()), 2);  // no step ran after the one that cancelled
    const EditJobResult again = engine().edit(generated_edit(2, std::nullopt, "ddim"));
    QCOMPARE(again.edit.masks.size(0), int64_t(2));
  }

  void aPhotoIsCaptionedInvertedOnceAndComposited() {
    PARTEDIT_SKIP_IN_ASAN_BUILD("needs the T5 tokenizer");
    const fs::path photo = dir_ / "photo.png";
    auto generator = at::detail::createCPUGenerator(4);
    write_image(photo, at::rand({3, 70, 101}, generator));  // not a multiple of 8: fitted, then composited back
    EditJob job = generated_edit(3, std::nullopt, "");
    EditFromPhoto from;
    from.image = photo.string();
    from.inversion.steps = 3;
    from.inversion.seed = 11;
    job.from = from;
    job.instruction = EditInstruction::explicit_prompt("a dog");  // whatever the tiny caption says
    job.instruction.p2p = PromptToPrompt::None;
    Recorder first;
    const EditJobResult a = engine().edit(job, first.listener());
    QVERIFY(first.said("captioning with"));
    QVERIFY(a.prompt_origin == PromptOrigin::Caption);
    QVERIFY(first.said("source prompt (BLIP-2 caption): " + a.source_prompt));
    QVERIFY(first.said("within the edit"));
    QVERIFY(first.said("cached the inversion"));
    QVERIFY(!a.inversion_reused);
    QVERIFY(a.inversion != nullptr);
    QVERIFY(a.composited.defined());
    QCOMPARE(a.composited.sizes(), (at::IntArrayRef{3, 70, 101}));  // the photo's own size
    QCOMPARE(a.image().sizes(), a.composited.sizes());
    QVERIFY(!first.notes.empty());  // the working size differs from the photo's: said so
    // Compositing (seconds for a large photo) is a stage of its own, reported as it goes.
    std::vector<int> compositing_steps;
    for (const auto& p : first.progress)
      if (p.stage == EngineStage::Compositing) compositing_steps.push_back(p.estimate.step);
    QCOMPARE(compositing_steps, (std::vector<int>{0, 1, 2}));
    QCOMPARE(first.progress.back().stage, EngineStage::Compositing);

    // The same photo with its (now typed) prompt: the inversion is reused, not computed.
    job.from = [&] {
      EditFromPhoto again = from;
      again.prompt = a.source_prompt;
      return again;
    }();
    Recorder second;
    const EditJobResult b = engine().edit(job, second.listener());
    QVERIFY(second.said("reusing the inversion"));
    QVERIFY(!second.said("captioning"));
    QVERIFY(b.inversion_reused);
    for (const auto& p : second.progress) QVERIFY(p.stage != EngineStage::Inverting);
    // Replaying the cached inversion gives the source the first edit's fused inversion gave.
    PE_VERIFY_LE(test::max_abs_diff(b.edit.source_latents, a.edit.source_latents), 1e-5);
  }

  void rerenderEqualsAFullEditWithTheNewTe_data() {
    QTest::addColumn<QString>("scheduler");
    QTest::addColumn<int>("firstTe");
    QTest::addColumn<int>("newTe");
    QTest::newRow("ddim, 6 -> 3") << "ddim" << 6 << 3;
    QTest::newRow("dpmpp-2m, 6 -> 4 (multistep history restored)") << "dpmpp-2m" << 6 << 4;
    QTest::newRow("euler, 2 -> 5 (t_e raised)") << "euler" << 2 << 5;
    QTest::newRow("ddim, 1 -> 6") << "ddim" << 1 << 6;
    QTest::newRow("ddim, unchanged") << "ddim" << 4 << 4;
  }
  void rerenderEqualsAFullEditWithTheNewTe() {
    QFETCH(QString, scheduler);
    QFETCH(int, firstTe);
    QFETCH(int, newTe);
    EditJob job = generated_edit(6, firstTe, scheduler.toStdString());
    job.keep_state = true;
    const EditJobResult first = engine().edit(job);
    Recorder recorder;
    const EditJobResult instant = engine().rerender(first, newTe, recorder.listener());
    job.edit_end_step = newTe;
    job.keep_state = false;
    const EditJobResult full = engine().edit(job);
    // Only the steps from min(old, new) - 1 on ran again.
    QCOMPARE(int(recorder.progress.size()), 6 - int(first_changed_step(firstTe, newTe)));
    // The same steps from the same state; past the new t_e the re-render's batch has three
    // rows instead of four, so BLAS may round differently. The tiny random-weight UNet
    // amplifies that (its latents reach ~20): measured ≤ 2.1e-7 relative, 4.8e-6 absolute
    // here; the medium model in bench_rerender: 3.8e-6 absolute. Bound: 2e-6 relative.
    const double latents = test::max_relative_diff(instant.edit.edit_latents, full.edit.edit_latents);
    qInfo("instant vs full edit latents: %.3g relative, %.3g absolute", latents,
          test::max_abs_diff(instant.edit.edit_latents, full.edit.edit_latents));
    PE_VERIFY_LE(latents, 2e-6);
    PE_VERIFY_LE(test::max_abs_diff(instant.edit.edited, full.edit.edited), 1e-5);
    // The masks depend on the source path only: the first run's are reused, bit for bit.
    QCOMPARE(test::max_abs_diff(instant.edit.masks, full.edit.masks), 0.0);
    QCOMPARE(instant.edit.parameters, full.edit.parameters);  // t_e recorded as the new value
    // t_e changes the edit: a re-render that kept the old result would fail the checks above
    // unless the two t_e give the same image.
    if (firstTe != newTe) QVERIFY(test::max_abs_diff(instant.edit.edit_latents, first.edit.edit_latents) > 0);
    // A re-render keeps its state: it can move again.
    const EditJobResult back = engine().rerender(instant, firstTe);
    PE_VERIFY_LE(test::max_relative_diff(back.edit.edit_latents, first.edit.edit_latents), 2e-6);
  }

  void rerenderOfAPhotoEditEqualsAFullEdit() {
    const fs::path photo = dir_ / "photo2.png";
    auto generator = at::detail::createCPUGenerator(6);
    write_image(photo, at::rand({3, 64, 64}, generator));
    EditJob job = generated_edit(5, 5, "");
    EditFromPhoto from;
    from.image = photo.string();
    from.prompt = "a photo of a cat";
    from.inversion.steps = 5;
    from.inversion.seed = 2;
    job.from = from;
    job.use_cache = false;  // the first edit inverts within its pass (the fused path)
    job.keep_state = true;
    const EditJobResult first = engine().edit(job);
    const EditJobResult instant = engine().rerender(first, 2);
    job.edit_end_step = 2;
    job.keep_state = false;
    const EditJobResult full = engine().edit(job);
    PE_VERIFY_LE(test::max_relative_diff(instant.edit.edit_latents, full.edit.edit_latents), 2e-6);  // as above
    PE_VERIFY_LE(test::max_abs_diff(instant.composited, full.composited), 1e-5);
  }

  void rerenderWithoutKeptStateOrOutOfRangeIsRefused() {
    const EditJobResult plain = engine().edit(generated_edit(2, std::nullopt, "ddim"));
    QVERIFY(test::error_of([&] { engine().rerender(plain, 1); }).find("kept no per-step state") != std::string::npos);
    EditJob job = generated_edit(2, std::nullopt, "ddim");
    job.keep_state = true;
    const EditJobResult kept = engine().edit(job);
    QVERIFY(test::error_of([&] { engine().rerender(kept, 3); }).find("t_e must be between 1 and") != std::string::npos);
  }
};

PARTEDIT_TEST(TestEngine);
}  // namespace test_engine
#include "test_engine.moc"
