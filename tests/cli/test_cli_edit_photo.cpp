// partedit-cli edit --image / --inversion on tiny-sdxl: the photo's pixels outside the mask
// survive exactly, the second edit reuses the inversion, the source prompt comes from
// --prompt, a BLIP-2 caption or the inversion file, and bad input is refused.
#include <QtTest>

#include <fstream>

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include "io/image_io.h"
#include "support/test_support.h"

using namespace partedit;
namespace fs = std::filesystem;

namespace {

nlohmann::json timings_of(const std::string& output) {
  std::string t = output;
  while (!t.empty() && t.back() == '\n') t.pop_back();
  return nlohmann::json::parse(t.substr(t.rfind('\n') + 1));
}

fs::path token_file() { return test::data_dir() / "tokens" / "valid_2x64.pt"; }

}  // namespace

class TestCliEditPhoto : public QObject {
  Q_OBJECT
  test::TempDir dir_;

  std::vector<std::string> photo_args(const std::string& out) const {
    return {"edit", "--model", test::tiny_sdxl_dir().string(), "--image", (dir_ / "photo.png").string(),
            "--subject", "cat", "--edit-word", "dog", "--token", token_file().string(), "--steps", "4",
            "--cache-dir", (dir_ / "cache").string(), "--out", (dir_ / out).string()};
  }
  static std::vector<std::string> with(std::vector<std::string> args, const std::vector<std::string>& more) {
    args.insert(args.end(), more.begin(), more.end());
    return args;
  }

 private Q_SLOTS:
  void initTestCase() {
    if (qEnvironmentVariableIsEmpty("PARTEDIT_THREADS")) qputenv("PARTEDIT_THREADS", "1");
    // A 8-bit photo of an odd size: the working size is cropped and the result mapped back.
    auto generator = at::detail::createCPUGenerator(3);
    const auto photo = at::rand({3, 1, 1}, generator) * 0.6 + 0.2 * at::rand({3, 70, 101}, generator);
    write_image(dir_ / "photo.png", photo);
  }

  void keepsThePhotosPixelsAndReusesTheInversion() {
    const auto first = test::run_cli(with(photo_args("first.png"), {"--prompt", "a photo of a cat", "--mask-out",
                                                                     (dir_ / "mask.png").string(), "--timings"}));
    QVERIFY2(first.exit_code == 0, first.output.c_str());
    // The first edit inverts the photo within its own pass and keeps the inversion.
    QVERIFY(first.output.find("within the edit") != std::string::npos);
    QVERIFY(first.output.find("cached the inversion") != std::string::npos);
    QCOMPARE(timings_of(first.output).at("inversion_reused").get<double>(), 0.0);

    const auto original = read_image(dir_ / "photo.png"), edited = read_image(dir_ / "first.png");
    const auto mask = read_image(dir_ / "mask.png")[0];  // [H, W]
    QCOMPARE(edited.sizes(), original.sizes());           // the original size, not the working size
    const auto outside = mask.eq(0);
    const auto kept = (edited - original).abs().amax(0).masked_select(outside);
    qInfo("%lld of %lld pixels outside the mask; largest change there %.3g", (long long)kept.numel(),
          (long long)mask.numel(), kept.numel() ? kept.max().item<double>() : 0.0);
    QVERIFY(kept.numel() > 0);
    QCOMPARE(kept.max().item<double>(), 0.0);  // weight 0: the photo's pixels are copied

    const auto second = test::run_cli(with(photo_args("second.png"), {"--prompt", "a photo of a cat", "--timings"}));
    QVERIFY2(second.exit_code == 0, second.output.c_str());
    QVERIFY(second.output.find("reusing the inversion") != std::string::npos);
    QCOMPARE(timings_of(second.output).at("inversion_reused").get<double>(), 1.0);
    // the kept inversion replays the first edit's batch with the same inputs: the same computation
    QCOMPARE(test::max_abs_diff(read_image(dir_ / "second.png"), edited), 0.0);
  }

  void aNegativePromptInvertsFirst() {
    const auto r = test::run_cli(with(photo_args("negative.png"), {"--prompt", "a photo of a cat", "--negative",
                                                                   "blurry", "--no-cache", "--timings"}));
    QVERIFY2(r.exit_code == 0, r.output.c_str());
    QVERIFY(r.output.find("inversion step 4/4") != std::string::npos);
    QVERIFY(timings_of(r.output).at("invert").get<double>() > 0);
  }

  void withoutCompositingTheWorkingSizeIsWritten() {
    const auto r = test::run_cli(with(photo_args("raw.png"), {"--prompt", "a photo of a cat", "--no-composite"}));
    QVERIFY2(r.exit_code == 0, r.output.c_str());
    QCOMPARE(read_image(dir_ / "raw.png").size(2), int64_t(96));
  }

  void captionsThePhotoWhenNoPromptIsGiven() {
    // The tiny captioner's words are random, so the edit prompt is given in full.
    const auto ok = test::run_cli({"edit", "--model", test::tiny_sdxl_dir().string(), "--image",
                                   (dir_ / "photo.png").string(), "--caption-model", test::tiny_blip2_dir().string(),
                                   "--edit-prompt", "a photo of a dog", "--token", token_file().string(), "--steps", "3",
                                   "--no-cache", "--out", (dir_ / "captioned.png").string()});
    QVERIFY2(ok.exit_code == 0, ok.output.c_str());
    QVERIFY(ok.output.find("source prompt (BLIP-2 caption): ") != std::string::npos);
  }

  void editsFromAnInversionFile() {
    const auto inv = test::run_cli({"invert", "--model", test::tiny_sdxl_dir().string(), "--image",
                                    (dir_ / "photo.png").string(), "--prompt", "a photo of a cat", "--steps", "4",
                                    "--seed", "0", "--out", (dir_ / "photo.inversion.safetensors").string()});
    QVERIFY2(inv.exit_code == 0, inv.output.c_str());
    const auto r = test::run_cli({"edit", "--model", test::tiny_sdxl_dir().string(), "--inversion",
                                  (dir_ / "photo.inversion.safetensors").string(), "--image",
                                  (dir_ / "photo.png").string(), "--subject", "cat", "--edit-word", "dog", "--token",
                                  token_file().string(), "--out", (dir_ / "from_file.png").string()});
    QVERIFY2(r.exit_code == 0, r.output.c_str());
    QVERIFY(r.output.find("source prompt (the inversion file): a photo of a cat") != std::string::npos);
    test::verify_cli_fails({"edit", "--model", test::tiny_sdxl_dir().string(), "--inversion",
                    (dir_ / "photo.inversion.safetensors").string(), "--prompt", "a photo of a horse", "--subject",
                    "cat", "--edit-word", "dog", "--token", token_file().string(), "--out",
                    (dir_ / "x.png").string()},
                   "--prompt differs from the prompt the inversion was made with");
  }

  void badInput() {
    test::verify_cli_fails(with(photo_args("x.png"), {}), "a photo edit needs its source prompt");
    test::verify_cli_fails({"edit", "--model", test::tiny_sdxl_dir().string(), "--image", (dir_ / "missing.png").string(),
                    "--prompt", "a cat", "--edit-prompt", "a dog", "--token", token_file().string(), "--out",
                    (dir_ / "x.png").string()},
                   "no such file");
    {
      std::ofstream junk(dir_ / "junk.png");
      junk << "this is not an image";
    }
    test::verify_cli_fails({"edit", "--model", test::tiny_sdxl_dir().string(), "--image", (dir_ / "junk.png").string(),
                    "--prompt", "a cat", "--edit-prompt", "a dog", "--token", token_file().string(), "--out",
                    (dir_ / "x.png").string()},
                   "junk.png");
    test::verify_cli_fails(with(photo_args("x.png"), {"--prompt", "a photo of a cat", "--width", "64"}),
                   "--width does not apply to photo edits");
    test::verify_cli_fails(with(photo_args("x.png"), {"--prompt", "a photo of a cat", "--scheduler", "euler"}),
                   "photos are inverted with --scheduler dpmpp-sde or ddim");
    QVERIFY(!fs::exists(dir_ / "x.png"));
  }
};

QTEST_APPLESS_MAIN(TestCliEditPhoto)
#include "test_cli_edit_photo.moc"
