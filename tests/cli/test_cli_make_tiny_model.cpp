// partedit-cli make-tiny-model: writes a folder the loaders accept, refuses a non-empty
// --out and bad options with a non-zero exit code.
#include <QtTest>

#include <fstream>

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include "io/json_config.h"
#include "models/clip/clip_text_model.h"
#include "models/unet/unet_2d_condition.h"
#include "models/vae/autoencoder_kl.h"
#include "text/clip_tokenizer.h"
#include "support/test_support.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_cli_make_tiny_model {

using namespace partedit;
namespace fs = std::filesystem;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

class TestCliMakeTinyModel : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void writesLoadableFolder() {
    test::TempDir dir;
    const auto out = dir / "sd15";
    const auto r = test::run_cli({"make-tiny-model", "--family", "sd15", "--out", out.string(), "--seed", "3",
                                  "--widths", "16", "32", "32", "--groups", "16", "--size", "64"});
    qInfo("%s", r.output.c_str());
    QCOMPARE(r.exit_code, 0);
    QVERIFY(contains(r.output, "unet"));
    QVERIFY(contains(r.output, "text_encoder"));
    QVERIFY(contains(r.output, "parameters"));

    c10::InferenceMode guard;
    auto unet = load_unet(out / "unet");
    QCOMPARE(unet->config().block_out_channels, (std::vector<int64_t>{16, 32, 32}));
    QCOMPARE(unet->config().norm_num_groups, int64_t(16));
    QCOMPARE(unet->config().sample_size, int64_t(8));
    auto te = load_clip_text_model(out / "text_encoder");
    auto vae = load_vae(out / "vae", c10::kCPU, c10::kFloat, false);
    const auto tok = ClipTokenizer::load(out / "tokenizer");
    const auto ids = at::tensor(tok.encode_padded("a photo of a dog"), at::kLong).unsqueeze(0);  // [1, 77]
    const auto context = te(ids).last_hidden_state;                                               // [1, 77, 32]
    const auto eps = unet(at::randn({1, 4, 8, 8}), 999.0, context);
    QVERIFY(at::isfinite(eps).all().item<bool>());
    QCOMPARE(vae->decode(eps).size(2), int64_t(64));
    QCOMPARE(JsonConfig::load(out / "model_index.json").get<std::string>("_class_name"),
             std::string("StableDiffusionPipeline"));
  }

  void refusesNonEmptyOut() {
    test::TempDir dir;
    std::ofstream(dir / "keep.txt") << "mine";
    const auto r = test::run_cli({"make-tiny-model", "--family", "sdxl", "--out", dir.path().string()});
    qInfo("%s", r.output.c_str());
    QVERIFY(r.exit_code != 0);
    QVERIFY(contains(r.output, "not empty"));
    QVERIFY(!fs::exists(dir / "unet"));
    QVERIFY(fs::exists(dir / "keep.txt"));
  }

  void refusesBadOptions() {
    test::TempDir dir;
    const auto bad_family = test::run_cli({"make-tiny-model", "--family", "sd3", "--out", (dir / "a").string()});
    qInfo("%s", bad_family.output.c_str());
    QVERIFY(bad_family.exit_code != 0);
    QVERIFY(contains(bad_family.output, "sd3"));
    QVERIFY(!fs::exists(dir / "a"));

    const auto bad_widths =
        test::run_cli({"make-tiny-model", "--family", "sdxl", "--out", (dir / "b").string(), "--widths", "8", "x"});
    QVERIFY(bad_widths.exit_code != 0);
    QVERIFY(contains(bad_widths.output, "--widths"));

    const auto bad_size = test::run_cli({"make-tiny-model", "--family", "sdxl", "--out", (dir / "c").string(), "--size", "100"});
    QVERIFY(bad_size.exit_code != 0);
    QVERIFY(contains(bad_size.output, "--size"));

    const auto no_out = test::run_cli({"make-tiny-model", "--family", "sdxl"});
    QVERIFY(no_out.exit_code != 0);
    QVERIFY(contains(no_out.output, "--out"));
  }
};

PARTEDIT_TEST(TestCliMakeTinyModel);
}  // namespace test_cli_make_tiny_model
#include "test_cli_make_tiny_model.moc"
