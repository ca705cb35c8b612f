// End to end through the command line for every model family: make-tiny-model, then
// generate with each scheduler, including SD 2.x's v-prediction and each folder's own
// scheduler (an empty kind: no --scheduler), which for SD 1.5 is PNDM.
#include <QtTest>

#include <ATen/ATen.h>

#include "io/image_io.h"
#include "io/json_config.h"
#include "io/safetensors.h"
#include "support/checkpoint_writer.h"
#include "support/test_support.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_cli_families {

using namespace partedit;
namespace fs = std::filesystem;

class TestCliFamilies : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void generatesWithEveryFamilyAndScheduler_data() {
    QTest::addColumn<QString>("family");
    QTest::addColumn<QString>("scheduler");
    QTest::addColumn<QString>("prediction");
    QTest::addColumn<QString>("sampler");  // as the parameters text names it
    QTest::newRow("sdxl-euler") << "sdxl" << "euler" << "epsilon" << "Euler";
    QTest::newRow("sdxl-own") << "sdxl" << "" << "epsilon" << "Euler";
    QTest::newRow("sd15-ddim") << "sd15" << "ddim" << "epsilon" << "DDIM";
    QTest::newRow("sd15-euler") << "sd15" << "euler" << "epsilon" << "Euler";
    QTest::newRow("sd15-own") << "sd15" << "" << "epsilon" << "PNDM";
    QTest::newRow("sd15-pndm") << "sd15" << "pndm" << "epsilon" << "PNDM";
    QTest::newRow("sd21-ddim") << "sd21" << "ddim" << "v_prediction" << "DDIM";
    QTest::newRow("sd21-euler") << "sd21" << "euler" << "v_prediction" << "Euler";
    QTest::newRow("sd21-own") << "sd21" << "" << "v_prediction" << "DDIM";
    QTest::newRow("sd21-pndm") << "sd21" << "pndm" << "v_prediction" << "PNDM";
  }
  void generatesWithEveryFamilyAndScheduler() {
    QFETCH(QString, family);
    QFETCH(QString, scheduler);
    QFETCH(QString, prediction);
    QFETCH(QString, sampler);
    test::TempDir dir;
    const auto model = dir / "model";
    auto made = test::run_cli({"make-tiny-model", "--family", family.toStdString(), "--out", model.string(),
                               "--seed", "5"});
    QVERIFY2(made.exit_code == 0, made.output.c_str());
    const auto scheduler_config = JsonConfig::load(model / "scheduler" / "scheduler_config.json");
    QCOMPARE(QString::fromStdString(scheduler_config.get_or<std::string>("prediction_type", "epsilon")), prediction);

    const auto image = dir / "out.png";
    const auto latents = dir / "latents.safetensors";
    std::vector<std::string> args = {"generate", "--model", model.string(), "--prompt", "a photo of a red cat",
                                     "--steps", "4", "--seed", "7", "--width", "64", "--height", "72",
                                     "--out", image.string(), "--save-latents", latents.string()};
    if (!scheduler.isEmpty()) args.insert(args.end(), {"--scheduler", scheduler.toStdString()});
    auto run = test::run_cli(args);
    QVERIFY2(run.exit_code == 0, run.output.c_str());
    const auto pixels = read_image(image);  // [3, H, W]
    QCOMPARE(pixels.size(1), int64_t(72));  // 9 latent rows: odd sizes through the UNet
    QCOMPARE(pixels.size(2), int64_t(64));
    const auto saved = SafetensorsFile(latents).tensor("latents");
    QCOMPARE(saved.sizes().vec(), (std::vector<int64_t>{1, 4, 9, 8}));
    QVERIFY(at::isfinite(saved).all().item<bool>());
    QVERIFY(saved.abs().max().item<double>() > 0.0);
    const auto parameters = read_image_parameters(image);
    QVERIFY(parameters.has_value());
    QVERIFY(parameters->find("a photo of a red cat") != std::string::npos);
    QVERIFY(parameters->find("Seed: 7") != std::string::npos);
    QVERIFY2(parameters->find("Sampler: " + sampler.toStdString() + ",") != std::string::npos, parameters->c_str());
  }

  // --model FILE.safetensors: the same latents as the folder it was written from; --config
  // gives the tiny shapes, which no shipped config has.
  void generatesFromASingleFileCheckpoint() {
    test::TempDir dir;
    const auto folder = dir / "model";
    auto made = test::run_cli({"make-tiny-model", "--family", "sd15", "--out", folder.string(), "--seed", "5"});
    QVERIFY2(made.exit_code == 0, made.output.c_str());
    const auto file = dir / "tiny-sd15.safetensors";
    test::CheckpointWriteOptions options;
    options.family = CheckpointFamily::SD1;
    test::write_single_file_checkpoint(folder, file, options);

    auto generate = [&](const std::vector<std::string>& model_args, const fs::path& latents) {
      std::vector<std::string> args = {"generate", "--prompt", "a photo of a red cat", "--steps", "3", "--seed", "7",
                                       "--out", (dir / "out.png").string(), "--save-latents", latents.string()};
      args.insert(args.end(), model_args.begin(), model_args.end());
      return test::run_cli(args);
    };
    auto from_folder = generate({"--model", folder.string()}, dir / "a.safetensors");
    QVERIFY2(from_folder.exit_code == 0, from_folder.output.c_str());
    auto from_file = generate({"--model", file.string(), "--config", folder.string()}, dir / "b.safetensors");
    QVERIFY2(from_file.exit_code == 0, from_file.output.c_str());
    QVERIFY(at::equal(SafetensorsFile(dir / "a.safetensors").tensor("latents"),
                      SafetensorsFile(dir / "b.safetensors").tensor("latents")));
    // --prediction-type reaches the scheduler: other latents.
    auto sample = generate({"--model", file.string(), "--config", folder.string(), "--prediction-type", "v_prediction"},
                           dir / "c.safetensors");
    QVERIFY2(sample.exit_code == 0, sample.output.c_str());
    QVERIFY(!at::equal(SafetensorsFile(dir / "a.safetensors").tensor("latents"),
                       SafetensorsFile(dir / "c.safetensors").tensor("latents")));
    // Without --config: the shipped SD 1.5 shapes, which the tiny weights do not have.
    test::verify_cli_fails({"generate", "--model", file.string(), "--prompt", "x", "--out", (dir / "o.png").string()},
                           "model.diffusion_model.input_blocks.0.0.weight (file [8, 4, 3, 3], model [320, 4, 3, 3])");
    const auto inspected = test::run_cli({"inspect", file.string()});
    QVERIFY2(inspected.output.find("single-file checkpoint: SD 1.x, shipped configs sd-1.5") != std::string::npos,
             inspected.output.c_str());
  }
};

PARTEDIT_TEST(TestCliFamilies);
}  // namespace test_cli_families
#include "test_cli_families.moc"
