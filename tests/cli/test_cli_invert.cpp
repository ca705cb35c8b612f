// partedit-cli invert on tiny-sdxl: the LEdits++ reference through the command line (PNG in,
// inversion file out), --replay, --timings, and bad input: unreadable image, wrong or foreign
// inversion files, bad --skip/--steps; every failure exits non-zero and writes nothing.
#include <QtTest>

#include <fstream>
#include <optional>

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include "io/image_io.h"
#include "io/safetensors.h"
#include "models/tiny_model.h"
#include "support/test_support.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_cli_invert {

using namespace partedit;
namespace fs = std::filesystem;

namespace {

// Fails with `message` and leaves `out` absent.
void expect_failure(const std::vector<std::string>& args, const std::string& message, const fs::path& out) {
  const auto r = test::run_cli(args);
  QVERIFY2(r.exit_code != 0, r.output.c_str());
  QVERIFY2(r.output.find(message) != std::string::npos,
           qPrintable(QString::fromStdString("expected '" + message + "' in: " + r.output)));
  QVERIFY2(!fs::exists(out), "nothing is written on failure");
}

}  // namespace

class TestCliInvert : public QObject {
  Q_OBJECT
 private:
  std::optional<test::TempDir> dir_;
  std::optional<test::ReferenceCase> ref_;
  fs::path image_, noise_, inversion_;

  std::vector<std::string> base(const fs::path& out) const {
    return {"invert", "--model", test::tiny_sdxl_dir().string(), "--image", image_.string(), "--out", out.string()};
  }

 private Q_SLOTS:
  void initTestCase() {
    if (qEnvironmentVariableIsEmpty("PARTEDIT_THREADS")) qputenv("PARTEDIT_THREADS", "1");
    dir_.emplace();
    ref_.emplace("ledits_sdxl_dpm_prompt");
    image_ = *dir_ / "photo.png";
    write_image(image_, ref_->in("image_u8").to(at::kFloat).div(255.0).permute({2, 0, 1}).contiguous());
    noise_ = *dir_ / "noise.safetensors";
    write_safetensors(noise_, {{"noise", ref_->in("inversion_noise")}});
  }

  void truncatedJpegInvertsWithAWarning() {
    // §4.5: a JPEG cut short passed silently; it is used as far as its data goes, and the
    // warning says, in our words, that the file is damaged and which part is missing.
    write_image(*dir_ / "whole.jpg", read_image(image_));
    std::ifstream in(*dir_ / "whole.jpg", std::ios::binary);
    const std::string jpg((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::ofstream(*dir_ / "cut.jpg", std::ios::binary) << jpg.substr(0, jpg.size() / 2);
    auto args = base(*dir_ / "cut.safetensors");
    args[4] = (*dir_ / "cut.jpg").string();
    args.insert(args.end(), {"--steps", "2", "--seed", "0"});
    const auto r = test::run_cli(args);
    QVERIFY2(r.exit_code == 0, r.output.c_str());
    QVERIFY2(r.output.find("warning: " + (*dir_ / "cut.jpg").string() +
                           " is damaged: the file ends before the end of the image data; the bottom ") !=
                 std::string::npos,
             r.output.c_str());
    QVERIFY2(r.output.find("Premature end") == std::string::npos, r.output.c_str());
  }

  void invertsLikeTheReference() {
    inversion_ = *dir_ / "inv.safetensors";
    const auto r = test::run_cli({"invert", "--model", test::tiny_sdxl_dir().string(), "--image", image_.string(),
                                  "--prompt", "a photo of a cat in a park", "--source-guidance", "3.5", "--steps", "10",
                                  "--skip", "0.15", "--scheduler", "dpmpp-sde", "--noise", noise_.string(),
                                  "--zero-noise-steps", "3", "--out", inversion_.string(), "--timings"});
    QVERIFY2(r.exit_code == 0, r.output.c_str());
    QVERIFY(r.output.find("step 10/10") != std::string::npos);
    QVERIFY2(QString::fromStdString(r.output).contains(
                 QRegularExpression(R"(step 10/10, [^,]+ elapsed, [0-9.]+ s/step, 0\.0 s left \(t=)")),
             r.output.c_str());
    SafetensorsFile file(inversion_);
    const double e_x0 = test::max_relative_diff(file.tensor("x0"), ref_->out("x0"));
    const double e_zs = test::max_relative_diff(file.tensor("zs"), ref_->out("zs"));
    QVERIFY(at::equal(file.tensor("timesteps"), ref_->out("inversion_timesteps")));
    qInfo("CLI inversion of the PNG: x0 rel err %.3g, noise maps %.3g", e_x0, e_zs);
    PE_VERIFY_LE(e_x0, 2e-5);  // measured 2.2e-6 (OpenBLAS Haswell/SkylakeX/generic, 1-2 threads); bound ~10x
    PE_VERIFY_LE(e_zs, 2e-5);  // measured 2.0e-6
    QCOMPARE(file.metadata().at("model_name"), std::string("tiny-sdxl"));
    QCOMPARE(file.metadata().at("source_image"), std::string("photo.png"));
    QCOMPARE(file.metadata().at("width"), std::string("128"));
    const auto t = nlohmann::json::parse(test::last_line(r.output));
    for (const char* key : {"load", "encode", "invert", "invert_step_s", "total_after_load", "peak_rss_mb"})
      QVERIFY2(t.contains(key) && t.at(key).is_number(), key);
    QCOMPARE(t.at("invert_steps_s").size(), size_t(10));
    qInfo() << "timings" << QString::fromStdString(t.dump());
  }

  void replayWritesTheReconstruction() {
    const fs::path out = *dir_ / "replay.png";
    const auto r = test::run_cli({"invert", "--model", test::tiny_sdxl_dir().string(), "--replay",
                                  inversion_.string(), "--out", out.string()});
    QVERIFY2(r.exit_code == 0, r.output.c_str());
    const auto image = read_image(out);
    QCOMPARE(image.sizes().vec(), (std::vector<int64_t>{3, 128, 128}));
  }

  void seedIsReported() {
    const fs::path out = *dir_ / "seeded.safetensors";
    auto args = base(out);
    args.insert(args.end(), {"--steps", "2", "--seed", "7", "--scheduler", "ddim"});
    const auto r = test::run_cli(args);
    QVERIFY2(r.exit_code == 0, r.output.c_str());
    QVERIFY(r.output.find("seed 7") != std::string::npos);
    QCOMPARE(SafetensorsFile(out).metadata().at("scheduler"), std::string("ddim"));
    // No --prompt: said, since every edit of this inversion has an empty source prompt.
    QVERIFY2(r.output.find("note: no source prompt was given (--prompt)") != std::string::npos, r.output.c_str());
    QVERIFY2(r.output.find("--caption-model") != std::string::npos, r.output.c_str());
  }

  void randomSeedIsReportedAndRecorded() {
    const fs::path out = *dir_ / "random.safetensors";
    auto args = base(out);
    args.insert(args.end(), {"--steps", "2", "--scheduler", "ddim", "--prompt", "a photo"});
    const auto r = test::run_cli(args);
    QVERIFY2(r.exit_code == 0, r.output.c_str());
    const size_t at = r.output.find(", seed ");
    QVERIFY2(at != std::string::npos, r.output.c_str());
    const std::string seed = r.output.substr(at + 7, r.output.find(')', at) - at - 7);
    QCOMPARE(SafetensorsFile(out).metadata().at("seed"), seed);
    QVERIFY2(r.output.find("no source prompt") == std::string::npos, r.output.c_str());
  }

  void badInput() {
    const fs::path out = *dir_ / "bad.safetensors";
    const fs::path png = *dir_ / "bad.png";
    auto with = [&](std::vector<std::string> extra) {
      auto args = base(out);
      if (std::find(extra.begin(), extra.end(), "--steps") == extra.end()) extra.insert(extra.end(), {"--steps", "2"});
      args.insert(args.end(), extra.begin(), extra.end());
      return args;
    };
    // images
    {
      std::ofstream(*dir_ / "garbage.png") << "not an image at all";
      auto args = base(out);
      args[4] = (*dir_ / "garbage.png").string();
      expect_failure(args, "garbage.png", out);
      args[4] = (*dir_ / "missing.png").string();
      expect_failure(args, "no such file", out);
    }
    // numbers
    expect_failure(with({"--skip", "1.5"}), "--skip must be in [0, 1)", out);
    expect_failure(with({"--skip", "-0.1"}), "--skip must be in [0, 1)", out);
    expect_failure(with({"--skip", "abc"}), "expects a number", out);
    expect_failure(with({"--steps", "0"}), "--steps must be at least 1", out);
    expect_failure(with({"--steps", "x"}), "expects a number", out);
    expect_failure(with({"--steps", "900"}), "train timesteps", out);
    expect_failure(with({"--zero-noise-steps", "5"}), "--zero-noise-steps", out);
    expect_failure(with({"--scheduler", "euler"}), "--scheduler must be one of dpmpp-sde, ddim", out);
    expect_failure(with({"--seed", "1", "--noise", noise_.string()}), "not both", out);
    expect_failure(with({"--noise", noise_.string()}), "noising draws", out);  // 10 draws for 2 steps
    {
      auto args = base(*dir_ / "inv.bin");
      expect_failure(args, "unknown extension", *dir_ / "inv.bin");
      args = base(*dir_ / "no-folder" / "inv.safetensors");
      expect_failure(args, "does not exist", *dir_ / "no-folder" / "inv.safetensors");
    }
    // inversion files given to --replay
    const std::vector<std::string> replay = {"invert", "--model", test::tiny_sdxl_dir().string(), "--replay"};
    auto replay_of = [&](const fs::path& file) {
      auto a = replay;
      a.insert(a.end(), {file.string(), "--out", png.string()});
      return a;
    };
    expect_failure(replay_of(noise_), "not a PartEdit inversion file", png);
    expect_failure(replay_of(*dir_ / "missing.safetensors"), "no such file", png);
    std::ofstream(*dir_ / "broken.safetensors") << "garbage";
    expect_failure(replay_of(*dir_ / "broken.safetensors"), "broken.safetensors", png);
    TinyModelOptions o;
    o.seed = 9;
    write_tiny_model(o, *dir_ / "other-model");
    auto foreign = replay_of(inversion_);
    foreign[2] = (*dir_ / "other-model").string();
    expect_failure(foreign, "invert the photo again", png);
  }
};

PARTEDIT_TEST(TestCliInvert);
}  // namespace test_cli_invert
#include "test_cli_invert.moc"
