// partedit-cli eval and make-tiny-model --family clip: one pair on the command line and a
// --pairs file (a bad line reported with its number, the others printed, exit code 1), the
// printed values against the library's EditScorer on the same files, --timings, and bad
// options.
#include <QtTest>

#include <fstream>

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include "eval/edit_scorer.h"
#include "io/image_io.h"
#include "io/image_mask.h"
#include "support/test_support.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_cli_eval {

using namespace partedit;
namespace fs = std::filesystem;

namespace {

// The lines of the output that are JSON objects (stderr's progress lines are not).
std::vector<nlohmann::json> json_lines(const std::string& output) {
  std::vector<nlohmann::json> out;
  std::istringstream in(output);
  for (std::string line; std::getline(in, line);)
    if (!line.empty() && line.front() == '{') out.push_back(nlohmann::json::parse(line));
  return out;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

void compare_with_library(const nlohmann::json& printed, const EditScores& expected) {
  QVERIFY(std::abs(printed.at("clip_fg").get<double>() - *expected.clip_foreground) < 1e-9);
  QVERIFY(std::abs(printed.at("clip_bg").get<double>() - *expected.clip_background) < 1e-9);
  QVERIFY(std::abs(printed.at("psnr").get<double>() - *expected.psnr) < 1e-9);
  QVERIFY(std::abs(printed.at("background_mse").get<double>() - expected.background_mse) < 1e-12);
  QVERIFY(std::abs(printed.at("ssim").get<double>() - expected.ssim) < 1e-12);
  QVERIFY(std::abs(printed.at("part_fraction").get<double>() - expected.part_fraction) < 1e-12);
}

}  // namespace

class TestCliEval : public QObject {
  Q_OBJECT

  test::TempDir dir_;
  fs::path model_, source_, edited_, mask_;

 private Q_SLOTS:
  void initTestCase() {
    if (qEnvironmentVariableIsEmpty("PARTEDIT_THREADS")) qputenv("PARTEDIT_THREADS", "1");
    model_ = dir_ / "tiny-clip";
    const auto made = test::run_cli({"make-tiny-model", "--family", "clip", "--out", model_.string(), "--seed", "3"});
    QVERIFY2(made.exit_code == 0, made.output.c_str());
    QVERIFY2(contains(made.output, "tiny CLIP"), made.output.c_str());
    // images: a gradient and its edit (the part recoloured, a little noise outside)
    at::manual_seed(5);
    const int64_t H = 36, W = 48;
    const auto ramp = at::linspace(0, 1, W).view({1, 1, W}).expand({3, H, W}).contiguous();
    auto edited = (ramp + 0.03 * at::randn({3, H, W})).clamp(0, 1);
    auto mask = at::zeros({H, W});
    mask.narrow(0, 8, 14).narrow(1, 10, 20).fill_(1.0);
    edited.narrow(1, 8, 14).narrow(2, 10, 20).select(0, 0).fill_(0.9);
    source_ = dir_ / "source.png", edited_ = dir_ / "edited.png", mask_ = dir_ / "mask.png";
    write_image(source_, ramp);
    write_image(edited_, edited);
    write_image(mask_, mask.unsqueeze(0).expand({3, H, W}));
  }

  void refusesUnetOptions() {
    test::verify_cli_fails({"make-tiny-model", "--family", "clip", "--out", (dir_ / "x").string(), "--widths", "8", "16"},
                           "CLIP family takes none of them");
  }

  void singlePair() {
    const auto r = test::run_cli({"eval", "--source", source_.string(), "--edited", edited_.string(), "--mask",
                                  mask_.string(), "--prompt", "a red door", "--clip-model", model_.string()});
    QVERIFY2(r.exit_code == 0, r.output.c_str());
    const auto lines = json_lines(r.output);
    QCOMPARE(lines.size(), size_t(1));
    qInfo("%s", lines[0].dump().c_str());
    QCOMPARE(lines[0].at("source").get<std::string>(), source_.string());
    QCOMPARE(lines[0].at("prompt").get<std::string>(), std::string("a red door"));
    const EditScorer scorer(model_);
    compare_with_library(lines[0], scorer.score(read_image(source_), read_image(edited_), read_part_mask(mask_), "a red door"));

    // without a CLIP model the CLIP scores are null
    const auto plain = test::run_cli({"eval", "--source", source_.string(), "--edited", edited_.string(), "--mask",
                                      mask_.string(), "--prompt", "a red door", "--timings"});
    QVERIFY2(plain.exit_code == 0, plain.output.c_str());
    const auto plain_lines = json_lines(plain.output);
    QCOMPARE(plain_lines.size(), size_t(2));
    QVERIFY(plain_lines[0].at("clip_fg").is_null() && plain_lines[0].at("clip_bg").is_null());
    QVERIFY(plain_lines[0].contains("timings"));
    const auto timings = nlohmann::json::parse(test::last_line(plain.output));
    QVERIFY(timings.contains("load") && timings.contains("metrics") && timings.contains("peak_rss_mb"));
  }

  // edit's --mask-out is the mean of the steps' masks, a soft map: refused as a part mask,
  // read with --mask-threshold as part where its value >= the threshold.
  void softMaskWithThreshold() {
    const int64_t H = 36, W = 48;
    auto soft = at::full({H, W}, 0.3);
    soft.narrow(0, 4, 20).narrow(1, 6, 30).fill_(0.8);
    const fs::path path = dir_ / "soft.png";
    write_image(path, soft.unsqueeze(0).expand({3, H, W}));
    const std::vector<std::string> args = {"eval", "--source", source_.string(), "--edited", edited_.string(), "--mask",
                                           path.string(), "--prompt", "a red door"};
    test::verify_cli_fails(args, "give --mask-threshold 0.5");
    auto with = args;
    with.insert(with.end(), {"--mask-threshold", "0.5"});
    const auto r = test::run_cli(with);
    QVERIFY2(r.exit_code == 0, r.output.c_str());
    const auto lines = json_lines(r.output);
    QCOMPARE(lines.size(), size_t(1));
    QCOMPARE(lines[0].at("part_fraction").get<double>(), 20.0 * 30.0 / double(H * W));
    const EditScores expected =
        EditScorer().score(read_image(source_), read_image(edited_), (soft >= 0.5).to(at::kFloat), "a red door");
    QVERIFY(std::abs(lines[0].at("ssim").get<double>() - expected.ssim) < 1e-12);
    auto outside = args;
    outside.insert(outside.end(), {"--mask-threshold", "1.5"});
    test::verify_cli_fails(outside, "--mask-threshold");
  }

  void pairsFile() {
    // line 1 good (relative paths), line 2 blank (skipped), line 3 a missing file, line 4
    // not JSON, line 5 good (absolute paths), line 6 a key missing
    fs::create_directories(dir_ / "lists");
    const fs::path pairs = dir_ / "lists" / "pairs.jsonl";
    {
      std::ofstream out(pairs);
      out << nlohmann::json{{"source", "../source.png"}, {"edited", "../edited.png"}, {"mask", "../mask.png"}, {"prompt", "a red door"}}.dump() << "\n\n";
      out << nlohmann::json{{"source", "../source.png"}, {"edited", "../gone.png"}, {"mask", "../mask.png"}, {"prompt", "x"}}.dump() << "\n";
      out << "{not json\n";
      out << nlohmann::json{{"source", source_.string()}, {"edited", source_.string()}, {"mask", mask_.string()}, {"prompt", "a door"}}.dump() << "\n";
      out << nlohmann::json{{"source", "../source.png"}, {"edited", "../edited.png"}, {"prompt", "x"}}.dump() << "\n";
    }
    const auto r = test::run_cli({"eval", "--pairs", pairs.string(), "--clip-model", model_.string()});
    QCOMPARE(r.exit_code, 1);
    qInfo("%s", r.output.c_str());
    QVERIFY2(contains(r.output, "line 3: ") && contains(r.output, "gone.png"), r.output.c_str());
    QVERIFY2(contains(r.output, "line 4: not a JSON object"), r.output.c_str());
    QVERIFY2(contains(r.output, "line 6: missing key 'mask'"), r.output.c_str());
    QVERIFY2(contains(r.output, "3 of 5 pairs failed"), r.output.c_str());
    const auto lines = json_lines(r.output);
    QCOMPARE(lines.size(), size_t(2));
    QCOMPARE(lines[0].at("line").get<int>(), 1);
    QCOMPARE(lines[0].at("source").get<std::string>(), std::string("../source.png"));
    QCOMPARE(lines[1].at("line").get<int>(), 5);
    const EditScorer scorer(model_);
    compare_with_library(lines[0], scorer.score(read_image(source_), read_image(edited_), read_part_mask(mask_), "a red door"));
    // line 5 compares the source with itself
    QVERIFY(lines[1].at("psnr").is_null());
    QVERIFY(std::abs(lines[1].at("ssim").get<double>() - 1.0) < 1e-12);
    QVERIFY(std::abs(lines[1].at("clip_bg").get<double>() - 100.0) < 1e-4);
  }

  void badOptions() {
    test::verify_cli_fails({"eval", "--source", source_.string(), "--edited", edited_.string(), "--mask", mask_.string()},
                           "give --prompt");
    test::verify_cli_fails({"eval", "--pairs", (dir_ / "none.jsonl").string()}, "none.jsonl: no such file");
    test::verify_cli_fails({"eval", "--pairs", (dir_ / "none.jsonl").string(), "--source", source_.string()},
                           "--source and --pairs exclude each other");
    test::verify_cli_fails({"eval", "--source", source_.string(), "--edited", edited_.string(), "--mask", mask_.string(),
                            "--prompt", "x", "--clip-model", (dir_ / "nowhere").string()},
                           "nowhere");
    // sizes differ: the message names both
    write_image(dir_ / "small.png", at::zeros({3, 20, 20}));
    test::verify_cli_fails({"eval", "--source", source_.string(), "--edited", (dir_ / "small.png").string(), "--mask",
                            mask_.string(), "--prompt", "x"},
                           "[3, 20, 20]");
  }
};

PARTEDIT_TEST(TestCliEval);
}  // namespace test_cli_eval
#include "test_cli_eval.moc"
