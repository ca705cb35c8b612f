// A cancel lands inside a step: at 1024x1024 one step of the tiny model takes seconds, and the
// UNet (between blocks and layers), a large attention (between chunks of queries) and the VAE
// (between blocks) check the request's token, so the run stops well within a second of the
// cancel instead of at the end of the step; the engine then serves the next request. A model
// load stops between tensors and keeps the model in use.
#include <atomic>
#include <chrono>
#include <thread>

#include "engine/engine.h"
#include "pipeline/diffusion_model.h"
#include "support/test_support.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_cancel_within_step {

using namespace partedit;
using Clock = std::chrono::steady_clock;

namespace {

// How a run on its own thread ended after a cancel sent `delay` after `trigger_step` reported.
struct CancelledRun {
  bool cancelled = false;
  std::string failure;        // another error, if any
  int last_step = 0;          // the last step reported
  double step_seconds = 0;    // how long the step before the cancel took
  double latency_seconds = 0; // from the cancel to the run's end
};

CancelledRun cancel_during(Engine& engine, const GenerateRequest& request, int trigger_step,
                           std::chrono::milliseconds delay) {
  CancelledRun run;
  CancelToken cancel;
  std::atomic<bool> triggered{false}, finished{false};
  std::atomic<int> last_step{0};
  Clock::time_point previous_report = Clock::now(), ended;
  EngineListener listener;
  listener.progress = [&](const EngineProgress& p) {
    const auto now = Clock::now();
    if (p.estimate.step == trigger_step) {
      run.step_seconds = std::chrono::duration<double>(now - previous_report).count();
      triggered = true;
    }
    previous_report = now;
    last_step = p.estimate.step;
  };
  std::thread engine_thread([&] {
    try {
      engine.generate(request, listener, cancel);
    } catch (const CancelledError&) {
      run.cancelled = true;
    } catch (const std::exception& e) {
      run.failure = e.what();
    }
    ended = Clock::now();
    finished = true;
  });
  while (!triggered && !finished)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  std::this_thread::sleep_for(delay);
  const auto cancelled_at = Clock::now();
  cancel.cancel();
  engine_thread.join();
  run.last_step = last_step;
  run.latency_seconds = std::chrono::duration<double>(ended - cancelled_at).count();
  return run;
}

GenerateRequest large_request(int steps) {
  GenerateRequest request;
  request.prompt = "a photo of a cat in a park";
  request.steps = steps;
  request.width = request.height = 1024;
  request.seed = 2;
  request.guidance = 1.0;  // one UNet batch per step: the test takes half as long
  request.preview = true;
  return request;
}

}  // namespace

class TestCancelWithinStep : public QObject {
  Q_OBJECT
  std::unique_ptr<Engine> engine_;

 private Q_SLOTS:
  void initTestCase() {
    engine_ = std::make_unique<Engine>(EngineOptions{});
    engine_->load_model(test::tiny_sdxl_dir(), ComputeOptions{});
  }

  // Cancelled a moment into step 2: step 2 never reports, and the run ends within a second.
  void aCancelInsideADenoisingStepAt1024StopsWithinASecond() {
    const CancelledRun run = cancel_during(*engine_, large_request(4), 1, std::chrono::milliseconds(150));
    qInfo("a 1024x1024 step took %.2f s; the cancel inside the next one %.3f s", run.step_seconds,
          run.latency_seconds);
    QVERIFY2(run.failure.empty(), run.failure.c_str());
    QVERIFY(run.cancelled);
    QCOMPARE(run.last_step, 1);  // the cancel landed inside step 2
    PE_VERIFY_LE(run.latency_seconds, 1.0);
  }

  // Cancelled while the VAE decodes the 1024x1024 image (after the only step).
  void aCancelDuringTheDecodeAt1024StopsWithinASecond() {
    const CancelledRun run = cancel_during(*engine_, large_request(1), 1, std::chrono::milliseconds(100));
    qInfo("a cancel during the 1024x1024 decode took %.3f s", run.latency_seconds);
    QVERIFY2(run.failure.empty(), run.failure.c_str());
    QVERIFY(run.cancelled);
    PE_VERIFY_LE(run.latency_seconds, 1.0);
  }

  // Loading (seconds for a real model) checks between tensors: a cancelled load of another
  // folder throws CancelledError and leaves the loaded model in place.
  void aCancelledLoadKeepsTheLoadedModel() {
    const test::TempDir dir;
    const std::filesystem::path copy = dir / "tiny-sdxl-copy";
    std::filesystem::copy(test::tiny_sdxl_dir(), copy, std::filesystem::copy_options::recursive);
    const DiffusionModel* before = &engine_->model();
    CancelToken cancel;
    cancel.cancel();
    bool cancelled = false;
    try {
      const CancelScope scope(cancel);
      engine_->load_model(copy, ComputeOptions{});
    } catch (const CancelledError&) {
      cancelled = true;
    }
    QVERIFY(cancelled);
    QCOMPARE(&engine_->model(), before);
    QVERIFY(engine_->model().folder() == test::tiny_sdxl_dir());
  }

  // The engine serves the next request as if nothing had happened.
  void theEngineStaysUsableAfterACancelInsideAStep() {
    GenerateRequest request = large_request(2);
    request.width = request.height = 64;
    const GenerateResult result = engine_->generate(request);
    QCOMPARE(result.image.sizes(), (at::IntArrayRef{3, 64, 64}));
    QVERIFY(result.image.isfinite().all().item<bool>());
  }
};

PARTEDIT_TEST(TestCancelWithinStep);
}  // namespace test_cancel_within_step
#include "test_cancel_within_step.moc"
