// partedit-cli caption on tiny-blip2-flan-t5: the reference captions through the command
// line (PNG of the reference image, greedy, with and without the prompt), beam search,
// --timings, and bad input (missing spiece.model, broken config, unreadable image, overlong
// prompt, bad options).
#include <QtTest>

#include <fstream>

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include "io/image_io.h"
#include "io/json_config.h"
#include "pipeline/captioner.h"
#include "runtime/compute.h"
#include "support/sanitizer_skip.h"
#include "support/test_support.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_cli_caption {

using namespace partedit;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::string line;
  for (char c : text) {
    if (c == '\n') {
      lines.push_back(line);
      line.clear();
    } else {
      line += c;
    }
  }
  if (!line.empty()) lines.push_back(line);
  return lines;
}

// The reference image (uint8 HWC) as a lossless PNG.
fs::path write_reference_png(const test::TempDir& dir) {
  test::ReferenceCase ref("blip2_preprocess");
  const auto image = ref.in("image_u8").permute({2, 0, 1}).to(at::kFloat) / 255.0;  // [3, 72, 96]
  write_image(dir / "photo.png", image);
  return dir / "photo.png";
}

void copy_model(const fs::path& dest, const std::string& skip_file = "") {
  fs::create_directories(dest);
  for (const auto& e : fs::directory_iterator(test::tiny_blip2_dir()))
    if (e.path().filename() != skip_file) fs::copy_file(e.path(), dest / e.path().filename());
}

void expect_failure(const std::vector<std::string>& args, const std::string& message) {
  const auto r = test::run_cli(args);
  QVERIFY2(r.exit_code != 0, r.output.c_str());
  QVERIFY2(r.output.find(message) != std::string::npos,
           qPrintable(QString::fromStdString("expected '" + message + "' in: " + r.output)));
  qInfo("%s", lines_of(r.output).back().c_str());
}

}  // namespace

class TestCliCaption : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void initTestCase() {
    PARTEDIT_SKIP_IN_ASAN_BUILD("needs the T5 tokenizer");
    if (qEnvironmentVariableIsEmpty("PARTEDIT_THREADS")) qputenv("PARTEDIT_THREADS", "1");
  }

  void captionsMatchReference() {
    test::TempDir dir;
    const auto png = write_reference_png(dir);
    test::ReferenceCase ref("blip2_generate_greedy");
    const std::string model = test::tiny_blip2_dir().string();
    auto r = test::run_cli({"caption", "--model", model, "--image", png.string(), "--prompt", "a photo of",
                            "--max-new-tokens", "12"});
    QVERIFY2(r.exit_code == 0, r.output.c_str());
    QCOMPARE(lines_of(r.output).back(), ref.params().at("caption_prompt").get<std::string>());
    r = test::run_cli({"caption", "--model", model, "--image", png.string(), "--max-new-tokens", "12"});
    QVERIFY2(r.exit_code == 0, r.output.c_str());
    QCOMPARE(lines_of(r.output).back(), ref.params().at("caption_noprompt").get<std::string>());
  }

  void beamsAndTimings() {
    test::TempDir dir;
    const auto png = write_reference_png(dir);
    const auto r = test::run_cli({"caption", "--model", test::tiny_blip2_dir().string(), "--image", png.string(),
                                  "--beams", "3", "--max-new-tokens", "8", "--no-repeat-ngram", "2", "--timings"});
    QVERIFY2(r.exit_code == 0, r.output.c_str());
    const auto lines = lines_of(r.output);
    QVERIFY(lines.size() >= 2);
    const auto timings = nlohmann::json::parse(lines.back());
    for (const char* key : {"load", "preprocess", "generate", "total_after_load", "peak_rss_mb"})
      QVERIFY2(timings.contains(key), key);
    const auto caption = lines[lines.size() - 2];
    qInfo("beam caption: '%s', timings %s", caption.c_str(), lines.back().c_str());
    QVERIFY(!caption.empty());
  }

  void captionsWithAnOptModelMadeByTheCommandLine() {
    // make-tiny-model --family blip2-opt writes a complete OPT folder (GPT-2 tokenizer
    // included); the command line's caption is the library's greedy caption of the same image.
    test::TempDir dir;
    const auto png = write_reference_png(dir);
    const auto model = dir / "opt";
    auto made = test::run_cli({"make-tiny-model", "--family", "blip2-opt", "--out", model.string(), "--seed", "4"});
    QVERIFY2(made.exit_code == 0, made.output.c_str());
    QVERIFY(made.output.find("BLIP-2 (OPT)") != std::string::npos);
    const auto r = test::run_cli({"caption", "--model", model.string(), "--image", png.string(), "--prompt",
                                  "a photo of", "--max-new-tokens", "6"});
    QVERIFY2(r.exit_code == 0, r.output.c_str());
    auto captioner = Blip2CaptionModel::load(model, ComputeOptions{});
    CaptionRequest request;
    request.prompt = "a photo of";
    request.generation.max_new_tokens = 6;
    const auto image = read_image(png);
    const auto expected = captioner.caption(image, request).at(0);
    QCOMPARE(lines_of(r.output).back(), expected);
    QVERIFY(expected.rfind("a photo of", 0) == 0);  // OPT's caption keeps its prompt
    // UNet options do not apply to a BLIP-2 family.
    expect_failure({"make-tiny-model", "--family", "blip2-opt", "--out", (dir / "x").string(), "--widths", "8", "16"},
                   "BLIP-2 family takes none of them");
  }

  void helpWorks() {
    const auto r = test::run_cli({"caption", "--help"});
    QCOMPARE(r.exit_code, 0);
    QVERIFY(r.output.find("--max-new-tokens") != std::string::npos);
    QVERIFY(test::run_cli({"--help"}).output.find("caption") != std::string::npos);
  }

  void missingSentencepieceModel() {
    test::TempDir dir;
    const auto png = write_reference_png(dir);
    copy_model(dir / "m", "spiece.model");
    expect_failure({"caption", "--model", (dir / "m").string(), "--image", png.string()},
                   (dir / "m" / "spiece.model").string());
  }

  void brokenConfig() {
    test::TempDir dir;
    const auto png = write_reference_png(dir);
    copy_model(dir / "m", "config.json");
    auto config = read_json_file(test::tiny_blip2_dir() / "config.json");
    config["text_config"].erase("num_heads");
    std::ofstream(dir / "m" / "config.json") << config.dump(2);
    expect_failure({"caption", "--model", (dir / "m").string(), "--image", png.string()}, "num_heads");
  }

  void unreadableImage() {
    test::TempDir dir;
    const std::string model = test::tiny_blip2_dir().string();
    expect_failure({"caption", "--model", model, "--image", (dir / "missing.png").string()},
                   (dir / "missing.png").string());
    std::ofstream(dir / "garbage.png") << "this is not a PNG file";
    expect_failure({"caption", "--model", model, "--image", (dir / "garbage.png").string()},
                   (dir / "garbage.png").string());
  }

  void promptTooLong() {
    test::TempDir dir;
    const auto png = write_reference_png(dir);
    std::string prompt;
    for (int i = 0; i < 600; ++i) prompt += "a photo of ";
    expect_failure({"caption", "--model", test::tiny_blip2_dir().string(), "--image", png.string(), "--prompt", prompt},
                   "prompt");
  }

  void badOptions() {
    test::TempDir dir;
    const auto png = write_reference_png(dir);
    const std::string model = test::tiny_blip2_dir().string();
    expect_failure({"caption", "--model", model, "--image", png.string(), "--beams", "0"}, "--beams");
    expect_failure({"caption", "--model", model, "--image", png.string(), "--max-new-tokens", "0"}, "--max-new-tokens");
    expect_failure({"caption", "--model", (dir / "nowhere").string(), "--image", png.string()}, "nowhere");
    expect_failure({"caption", "--image", png.string()}, "model");
  }
};

PARTEDIT_TEST(TestCliCaption);
}  // namespace test_cli_caption
#include "test_cli_caption.moc"
