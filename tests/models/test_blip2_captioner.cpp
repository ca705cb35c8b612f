// The engine's CaptionProvider over tiny-blip2-flan-t5: the reference captions from a
// [3, H, W] float image, lazy loading and release after use, cancellation, bad images.
#include <QtTest>

#include <ATen/ATen.h>

#include "pipeline/captioner.h"
#include "runtime/error.h"
#include "support/sanitizer_skip.h"
#include "support/test_support.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_blip2_captioner {

using namespace partedit;

namespace {

at::Tensor reference_image() {  // [3, 72, 96] in [0, 1]
  test::ReferenceCase ref("blip2_preprocess");
  return ref.in("image_u8").permute({2, 0, 1}).to(at::kFloat) / 255.0;
}

CaptionRequest greedy12(const std::string& prompt) {
  CaptionRequest r;
  r.prompt = prompt;
  r.generation.max_new_tokens = 12;
  return r;
}

}  // namespace

class TestBlip2Captioner : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void initTestCase() { PARTEDIT_SKIP_IN_ASAN_BUILD("needs the T5 tokenizer"); }

  void captionsMatchReferenceAndRelease() {
    test::ReferenceCase ref("blip2_generate_greedy");
    Blip2Captioner captioner(test::tiny_blip2_dir(), ComputeOptions{}, greedy12("a photo of"));
    QVERIFY(!captioner.loaded());
    CancelToken cancel;
    const auto text = captioner.caption(reference_image(), cancel);
    qInfo("caption: '%s' (load %.3f s, generate %.3f s)", text.c_str(), captioner.last_load_seconds(),
          captioner.last_timings().generate);
    QCOMPARE(text, ref.params().at("caption_prompt").get<std::string>());
    QVERIFY(!captioner.loaded());  // released after use
    Blip2Captioner no_prompt(test::tiny_blip2_dir(), ComputeOptions{}, greedy12(""), /*keep_loaded=*/true);
    QCOMPARE(no_prompt.caption(reference_image(), cancel), ref.params().at("caption_noprompt").get<std::string>());
    QVERIFY(no_prompt.loaded());
    QCOMPARE(no_prompt.caption(reference_image(), cancel), ref.params().at("caption_noprompt").get<std::string>());
    QCOMPARE(no_prompt.last_load_seconds(), 0.0);  // reused
    no_prompt.release();
    QVERIFY(!no_prompt.loaded());
  }

  // Batched captions of one model equal the single-image ones.
  void batchOfImages() {
    auto model = Blip2CaptionModel::load(test::tiny_blip2_dir(), ComputeOptions{});
    const auto a = reference_image();
    const auto b = a.flip(2);
    const auto both = model.caption(at::stack({a, b}), greedy12("a photo of"));
    QCOMPARE(both.size(), size_t(2));
    QCOMPARE(both[0], model.caption(a, greedy12("a photo of")).at(0));
    QCOMPARE(both[1], model.caption(b, greedy12("a photo of")).at(0));
  }

  void cancelledBeforeWork() {
    Blip2Captioner captioner(test::tiny_blip2_dir(), ComputeOptions{});
    CancelToken cancel;
    cancel.cancel();
    bool cancelled = false;
    try {
      captioner.caption(reference_image(), cancel);
    } catch (const CancelledError&) {
      cancelled = true;
    }
    QVERIFY(cancelled);
    QVERIFY(!captioner.loaded());
  }

  void badImagesAreRejected() {
    Blip2Captioner captioner(test::tiny_blip2_dir(), ComputeOptions{});
    CancelToken cancel;
    QVERIFY(test::error_of([&] { captioner.caption(at::zeros({4, 8, 8}), cancel); }).find("[3, H, W]") !=
            std::string::npos);
    auto nan = reference_image();
    nan[0][0][0] = std::numeric_limits<float>::quiet_NaN();
    QVERIFY(test::error_of([&] { captioner.caption(nan, cancel); }).find("non-finite") != std::string::npos);
    QVERIFY(!captioner.loaded());  // released after the failure too
    Blip2Captioner nowhere("/nonexistent/blip2", ComputeOptions{});
    QVERIFY(test::error_of([&] { nowhere.caption(reference_image(), cancel); }).find("/nonexistent/blip2") !=
            std::string::npos);
  }
};

PARTEDIT_TEST(TestBlip2Captioner);
}  // namespace test_blip2_captioner
#include "test_blip2_captioner.moc"
