// partedit-cli edit --image / --inversion on tiny-sdxl: the photo's pixels outside the mask
// survive exactly, the second edit reuses the inversion, the source prompt comes from
// --prompt, a BLIP-2 caption or the inversion file, and bad input is refused.
#include <QtTest>

#include <cctype>
#include <fstream>

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include "io/image_io.h"
#include "io/safetensors.h"
#include "support/sanitizer_skip.h"
#include "support/test_support.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_cli_edit_photo {

using namespace partedit;
namespace fs = std::filesystem;

namespace {

nlohmann::json timings_of(const std::string& output) {
  std::string t = output;
  while (!t.empty() && t.back() == '\n') t.pop_back();
  return nlohmann::json::parse(t.substr(t.rfind('\n') + 1));
}

fs::path token_file() { return test::data_dir() / "tokens" / "valid_2x64.pt"; }

// The seed in "wrote FILE (..., seed N)", or "".
std::string printed_seed(const std::string& output) {
  const size_t at = output.find(", seed ");
  return at == std::string::npos ? "" : output.substr(at + 7, output.find(')', at) - at - 7);
}

bool has(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

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

  void seedIsRandomReportedAndRecorded() {
    // Without --seed a photo edit used to use seed 0 silently; it now draws one, prints it and
    // records it in the parameters and the (cached) inversion file; a second edit without
    // --seed reuses that inversion and reports the same seed.
    const fs::path cache = dir_ / "seed-cache";
    auto args = photo_args("seeded.png");
    args[args.size() - 3] = cache.string();  // --cache-dir
    args = with(args, {"--prompt", "a photo of a cat", "--source-out", (dir_ / "seeded-source.png").string(),
                       "--caption-model", test::tiny_blip2_dir().string(), "--timings"});
    const auto r = test::run_cli(args);
    QVERIFY2(r.exit_code == 0, r.output.c_str());
    const std::string seed = printed_seed(r.output);
    QVERIFY2(!seed.empty(), r.output.c_str());
    const auto text = read_image_parameters(dir_ / "seeded.png").value_or("");
    const std::string settings = text.substr(text.rfind('\n') + 1);
    QVERIFY2(has(settings, "Seed: " + seed + ","), text.c_str());
    QVERIFY2(has(settings, "Photo: \"photo.png\"") && has(settings, "Composited: feather 4"), settings.c_str());
    size_t cached = 0;
    for (const auto& f : fs::directory_iterator(cache)) {
      if (f.path().extension() != ".safetensors") continue;
      QCOMPARE(SafetensorsFile(f.path()).metadata().at("seed"), seed);
      ++cached;
    }
    QCOMPARE(cached, size_t(1));
    // --caption-model beside --prompt is said to be unused (and nothing is captioned).
    QVERIFY2(has(r.output, "warning: --caption-model is not used: --prompt gives the source prompt"), r.output.c_str());
    QVERIFY(!has(r.output, "captioning with"));
    // The first edit inverted within its own pass: that work is reported, not 0.
    const double invert = timings_of(r.output).at("invert").get<double>();
    qInfo("invert within the edit: %.3g s", invert);
    QVERIFY(invert > 0);
    // --source-out has the photo's size, like --out, and its own parameters.
    const auto original = read_image(dir_ / "photo.png"), source = read_image(dir_ / "seeded-source.png");
    QCOMPARE(source.sizes(), original.sizes());
    const auto source_text = read_image_parameters(dir_ / "seeded-source.png").value_or("");
    QVERIFY2(!has(source_text, "Edit prompt") && has(source_text, "Seed: " + seed + ","), source_text.c_str());

    auto again_args = photo_args("seeded-again.png");
    again_args[again_args.size() - 3] = cache.string();
    const auto again = test::run_cli(with(again_args, {"--prompt", "a photo of a cat"}));
    QVERIFY2(again.exit_code == 0, again.output.c_str());
    QVERIFY(has(again.output, "reusing the inversion"));
    QCOMPARE(printed_seed(again.output), seed);
  }

  void editWordsOutsideTheWindowFailBeforeTheInversion() {
    std::string prompt;
    for (int i = 0; i < 20; ++i) prompt += "a photo of a park ";
    const auto r = test::run_cli(with(photo_args("long.png"), {"--prompt", prompt + "with a cat"}));
    QVERIFY2(r.exit_code != 0, r.output.c_str());
    QVERIFY2(has(r.output, "CLIP reads 75: the edit word 'dog' falls outside"), r.output.c_str());
    QVERIFY2(!has(r.output, "inverting"), r.output.c_str());
    QVERIFY(!fs::exists(dir_ / "long.png"));
  }

  void helpSaysWhichSchedulersPhotosTake() {
    const auto r = test::run_cli({"edit", "--help"});
    QCOMPARE(r.exit_code, 0);
    // The help wraps descriptions to its width: compare with single spaces.
    std::string help;
    for (char c : r.output)
      if (!std::isspace(static_cast<unsigned char>(c))) help += c;
      else if (!help.empty() && help.back() != ' ') help += ' ';
    QVERIFY2(has(help, "photos (--image): dpmpp-sde | ddim (default dpmpp-sde)"), r.output.c_str());
    QVERIFY2(has(help, "for photos of the inversion's noising draws (default: random, reported"), r.output.c_str());
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
    // §3.5: the working size differs from the photo's: one line says so.
    QVERIFY2(r.output.find("note: photo.png is 101x70 pixels; it is edited at 96x64 (trimmed by 5x6 pixels") !=
                 std::string::npos,
             r.output.c_str());
  }

  void smallPhotoIsScaledUpWithANote() {
    // §4.4: photos under 64 px were refused. The tiny model's smallest working side is 32
    // (its native 128 / 4): a 20 x 24 photo is edited at 32 x 32 and written at 20 x 24.
    auto generator = at::detail::createCPUGenerator(4);
    write_image(dir_ / "small.png", at::rand({3, 24, 20}, generator));
    auto args = photo_args("small_out.png");
    args[4] = (dir_ / "small.png").string();
    const auto r = test::run_cli(with(args, {"--prompt", "a photo of a cat", "--no-cache"}));
    QVERIFY2(r.exit_code == 0, r.output.c_str());
    QVERIFY2(r.output.find("note: small.png is 20x24 pixels; it is edited at 32x32 (scaled up") != std::string::npos,
             r.output.c_str());
    QCOMPARE(read_image(dir_ / "small_out.png").sizes().vec(), (std::vector<int64_t>{3, 24, 20}));
  }

  void damagedPhotosAreReportedInOurWords() {
    // §4.6: libpng's own lines reached stderr, and a folder or /dev/null gave "no such file".
    // A PNG whose compressed data is damaged under a valid CRC passes the header check and
    // fails in libpng, after the model is loaded.
    write_image(dir_ / "good.png", at::rand({3, 40, 48}));
    std::ifstream in(dir_ / "good.png", std::ios::binary);
    std::string png((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const size_t idat = png.find("IDAT") - 4;
    const uint32_t length = (uint8_t(png[idat]) << 24) | (uint8_t(png[idat + 1]) << 16) | (uint8_t(png[idat + 2]) << 8) |
                            uint8_t(png[idat + 3]);
    png[idat + 8] ^= 0x0F;  // the zlib stream's header
    const uint32_t crc = crc32(png.data() + idat + 4, length + 4);
    for (int i = 0; i < 4; ++i) png[idat + 8 + length + i] = char(crc >> (24 - 8 * i));
    std::ofstream(dir_ / "bad_data.png", std::ios::binary) << png;
    fs::create_directory(dir_ / "album");
    for (const auto& [image, message] : std::vector<std::pair<std::string, std::string>>{
             {(dir_ / "bad_data.png").string(), "bad_data.png is damaged or not a PNG: the compressed image data (IDAT chunk) is corrupt"},
             {(dir_ / "album").string(), "album is a folder, not an image"},
             {"/dev/null", "/dev/null is not a regular file"}}) {
      auto args = photo_args("x.png");
      args[4] = image;
      const auto r = test::run_cli(with(args, {"--prompt", "a photo of a cat", "--no-cache"}));
      QVERIFY2(r.exit_code != 0 && r.output.find(message) != std::string::npos, r.output.c_str());
      QVERIFY2(r.output.find("libpng") == std::string::npos, r.output.c_str());
    }
    QVERIFY(!fs::exists(dir_ / "x.png"));
  }

  void captionsThePhotoWhenNoPromptIsGiven() {
    PARTEDIT_SKIP_IN_ASAN_BUILD("needs the T5 tokenizer");
    // The tiny captioner's words are random, so the edit prompt is given in full.
    const auto ok = test::run_cli({"edit", "--model", test::tiny_sdxl_dir().string(), "--image",
                                   (dir_ / "photo.png").string(), "--caption-model", test::tiny_blip2_dir().string(),
                                   "--edit-prompt", "a photo of a dog", "--token", token_file().string(), "--steps", "3",
                                   "--no-cache", "--out", (dir_ / "captioned.png").string()});
    QVERIFY2(ok.exit_code == 0, ok.output.c_str());
    QVERIFY(ok.output.find("source prompt (BLIP-2 caption): ") != std::string::npos);
  }

  void aCaptionIsCutSoThatTheAppendedEditFits() {
    PARTEDIT_SKIP_IN_ASAN_BUILD("needs the T5 tokenizer");
    // 70 edit words: the edit prompt leaves the caption a few tokens; without the cut the
    // appended words would fall outside CLIP's window (and, before, the edit did nothing).
    std::string filler;
    for (int i = 0; i < 68; ++i) filler += "a ";
    const std::string library = (dir_ / "library").string();
    QCOMPARE(test::run_cli({"tokens", "import", token_file().string(), "--name", "quadruped-head", "--library", library})
                 .exit_code,
             0);
    const auto r = test::run_cli({"edit", "--model", test::tiny_sdxl_dir().string(), "--image",
                                  (dir_ / "photo.png").string(), "--caption-model", test::tiny_blip2_dir().string(),
                                  "--edit", "with " + filler + "robotic <head>", "--library", library, "--steps", "2",
                                  "--no-cache", "--out", (dir_ / "cut.png").string()});
    QVERIFY2(r.exit_code == 0, r.output.c_str());
    QVERIFY2(has(r.output, "words so that the edit fits CLIP's 75 tokens") ||
                 has(r.output, "word so that the edit fits CLIP's 75 tokens"),
             r.output.c_str());
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
    QVERIFY(!has(r.output, "inverted without a source prompt"));
    // An inversion made without --prompt: the edit says its source prompt is empty.
    const auto blank = test::run_cli({"invert", "--model", test::tiny_sdxl_dir().string(), "--image",
                                      (dir_ / "photo.png").string(), "--steps", "2", "--seed", "0", "--out",
                                      (dir_ / "blank.inversion.safetensors").string()});
    QVERIFY2(blank.exit_code == 0, blank.output.c_str());
    const auto from_blank = test::run_cli({"edit", "--model", test::tiny_sdxl_dir().string(), "--inversion",
                                           (dir_ / "blank.inversion.safetensors").string(), "--edit-prompt",
                                           "a photo of a dog", "--token", token_file().string(), "--out",
                                           (dir_ / "from_blank.png").string()});
    QVERIFY2(from_blank.exit_code == 0, from_blank.output.c_str());
    QVERIFY2(has(from_blank.output, "was inverted without a source prompt: the edit's source prompt is empty"),
             from_blank.output.c_str());
    QVERIFY2(has(from_blank.output, ", seed 0)"), from_blank.output.c_str());
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

PARTEDIT_TEST(TestCliEditPhoto);
}  // namespace test_cli_edit_photo
#include "test_cli_edit_photo.moc"
