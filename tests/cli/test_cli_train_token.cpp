// partedit-cli train-token and locate on the tiny model: a token trained from image and mask
// files, its metadata, locate with --token and --part and how well it finds the known part
// of unseen images, resume, Ctrl-C (checkpoint kept, no token written), and bad input refused
// before the model loads.
#include <csignal>

#include <QProcess>

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include "editing/part_token.h"
#include "io/image_io.h"
#include "io/image_mask.h"
#include "support/test_support.h"
#include "training/synthetic_parts.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_cli_train_token {

using namespace partedit;
namespace fs = std::filesystem;

namespace {

at::Tensor grey(const at::Tensor& mask) { return mask.unsqueeze(0).expand({3, -1, -1}); }

// images/ and masks/ with `count` synthetic pairs (a bright disc on a dark background).
void write_set(const fs::path& dir, int count) {
  fs::create_directories(dir / "images");
  fs::create_directories(dir / "masks");
  for (int i = 0; i < count; ++i) {
    const auto e = test::synthetic_part_example(i);
    write_image(dir / "images" / (e.name + ".png"), e.image);
    write_image(dir / "masks" / (e.name + ".png"), grey(e.mask));
  }
}

std::vector<std::string> train_args(const fs::path& dir, int steps) {
  return {"train-token", "--model", test::tiny_sdxl_dir().string(), "--images", (dir / "images").string(),
          "--masks", (dir / "masks").string(), "--part", "bright-disc", "--out", (dir / "disc.safetensors").string(),
          "--steps", std::to_string(steps), "--timesteps", "20:0", "--timestep-stride", "10", "--validate-every", "10"};
}

// Intersection over union of two [H, W] masks (values above 0.5 are the part).
double intersection_over_union(const at::Tensor& a, const at::Tensor& b) {
  const auto x = a.gt(0.5), y = b.gt(0.5);
  return (x & y).sum().item<double>() / (x | y).sum().item<double>();
}

// `locate`'s mask of `image` for the token file `token`, [H, W] in {0, 1}; undefined when
// locate fails (its output then in `log`).
at::Tensor located(const fs::path& image, const fs::path& token, const fs::path& out, std::string& log) {
  const auto r = test::run_cli({"locate", "--model", test::tiny_sdxl_dir().string(), "--image", image.string(),
                                "--token", token.string(), "--out", out.string(), "--timesteps", "20:0",
                                "--timestep-stride", "10"});
  log = r.output;
  return r.exit_code == 0 ? read_image(out)[0] : at::Tensor();
}

}  // namespace

class TestCliTrainToken : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void trainsLocatesAndResumes() {
    test::TempDir dir;
    write_set(dir.path(), 4);
    auto r = test::run_cli(train_args(dir.path(), 20));
    QVERIFY2(r.exit_code == 0, r.output.c_str());
    QVERIFY2(r.output.find("step 20/20, loss ") != std::string::npos, r.output.c_str());
    QVERIFY(r.output.find("validation at step 20: loss ") != std::string::npos);
    QVERIFY(r.output.find("(1 held-out image)") != std::string::npos);
    QVERIFY(r.output.find("wrote " + (dir / "disc.safetensors").string() + " (part 'bright-disc', 3 images, 20 steps") !=
            std::string::npos);
    const PartToken token = read_part_token(dir / "disc.safetensors");
    QCOMPARE(token.training.steps, int64_t(20));
    QCOMPARE(token.training.mode, std::string("cached"));
    QCOMPARE(token.base_model_family, std::string("sdxl"));
    QCOMPARE(token.timestep_range, (std::pair<int64_t, int64_t>{0, 20}));

    // locate: a 0/255 mask at the image's size, by file and by library name
    const auto image = (dir / "images" / "synthetic-0.png").string();
    r = test::run_cli({"locate", "--model", test::tiny_sdxl_dir().string(), "--image", image, "--token",
                       (dir / "disc.safetensors").string(), "--out", (dir / "where.png").string(), "--map-out",
                       (dir / "map.png").string(), "--timesteps", "20:0", "--timestep-stride", "10"});
    QVERIFY2(r.exit_code == 0, r.output.c_str());
    QVERIFY(r.output.find("part 'bright-disc': ") != std::string::npos);
    const auto where = read_image(dir / "where.png");
    QCOMPARE(where.sizes(), at::IntArrayRef({3, 128, 128}));
    QVERIFY(where.eq(0).logical_or(where.eq(1)).all().item<bool>());
    QVERIFY(fs::exists(dir / "map.png"));
    fs::create_directories(dir / "library");
    fs::copy_file(dir / "disc.safetensors", dir / "library" / "bright-disc.safetensors");
    r = test::run_cli({"locate", "--model", test::tiny_sdxl_dir().string(), "--image", image, "--part", "bright-disc",
                       "--library", (dir / "library").string(), "--out", (dir / "where2.png").string(), "--timesteps",
                       "20:0", "--timestep-stride", "10"});
    QVERIFY2(r.exit_code == 0, r.output.c_str());
    QCOMPARE(test::max_abs_diff(read_image(dir / "where2.png"), where), 0.0);

    // resume: the same run, five steps more
    auto args = train_args(dir.path(), 25);
    args.insert(args.end(), {"--resume", (dir / "disc.checkpoint.safetensors").string()});
    r = test::run_cli(args);
    QVERIFY2(r.exit_code == 0, r.output.c_str());
    QVERIFY(r.output.find("resuming at step 20 of 25") != std::string::npos);
    QVERIFY(r.output.find("step 21/25") != std::string::npos && r.output.find("step 20/25") == std::string::npos);
    QCOMPARE(read_part_token(dir / "disc.safetensors").training.steps, int64_t(25));
    // another run's checkpoint is refused before the preparation
    args.insert(args.end(), {"--seed", "3"});
    r = test::run_cli(args);
    QVERIFY2(r.exit_code != 0 && r.output.find("belongs to a different training run") != std::string::npos &&
                 r.output.find("seed was 0, now 3") != std::string::npos,
             r.output.c_str());
    QVERIFY2(r.output.find("Encoding images") == std::string::npos, r.output.c_str());
    // a new run must not silently replace the checkpoint of an earlier one
    test::verify_cli_fails(train_args(dir.path(), 25), "a checkpoint of an earlier run exists at");
  }

  // locate against the part's known place: on six synthetic images the token never saw, the
  // located mask's IoU with the disc (computed here, not by core) beats marking the whole
  // image (whose IoU is the disc's share of the image, 0.16 to 0.23 here) on every image, and
  // the same locate with an untrained token on average. Measured with 150 steps (1 thread):
  // 0.32, 0.46, 0.27, 0.42, 0.43, 0.49, mean 0.40; untrained token mean 0.14. The bounds
  // (mean >= 0.30 and >= twice the untrained mean) leave room for other thread counts'
  // rounding; they are low in absolute terms because the tiny model's weights are random.
  void locatedPartOverlapsTheKnownPart() {
    test::TempDir dir;
    write_set(dir.path(), 4);  // synthetic-0 to -3
    const auto r = test::run_cli(train_args(dir.path(), 150));
    QVERIFY2(r.exit_code == 0, r.output.c_str());
    PartToken untrained;
    untrained.embedding = at::randn({2, 64}, at::detail::createCPUGenerator(3));
    untrained.part_name = "bright-disc";
    write_part_token(dir / "untrained.safetensors", untrained);
    double trained_sum = 0, untrained_sum = 0;
    const int first = 10, count = 6;
    for (int i = first; i < first + count; ++i) {
      const auto e = test::synthetic_part_example(i);
      const fs::path image = dir / ("unseen-" + std::to_string(i) + ".png");
      write_image(image, e.image);
      std::string log;
      const auto mask = located(image, dir / "disc.safetensors", dir / "m.png", log);
      QVERIFY2(mask.defined(), log.c_str());
      const auto untrained_mask = located(image, dir / "untrained.safetensors", dir / "m.png", log);
      QVERIFY2(untrained_mask.defined(), log.c_str());
      const double trained = intersection_over_union(mask, e.mask);
      const double baseline = intersection_over_union(untrained_mask, e.mask);
      const double everything = e.mask.mean().item<double>();  // IoU of a mask of every pixel
      qInfo("synthetic-%d: IoU %.3f (untrained token %.3f, whole image %.3f)", i, trained, baseline, everything);
      QVERIFY2(trained > everything,
               qPrintable(QStringLiteral("synthetic-%1: IoU %2 <= %3").arg(i).arg(trained).arg(everything)));
      trained_sum += trained;
      untrained_sum += baseline;
    }
    const double mean = trained_sum / count, untrained_mean = untrained_sum / count;
    qInfo("mean IoU %.3f, untrained token %.3f", mean, untrained_mean);
    PE_VERIFY_LE(0.30, mean);
    PE_VERIFY_LE(2 * untrained_mean, mean);
  }

  void ctrlCKeepsTheCheckpointAndWritesNoToken() {
    test::TempDir dir;
    write_set(dir.path(), 3);
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    QStringList args;
    for (const auto& a : train_args(dir.path(), 100000)) args << QString::fromStdString(a);
    process.start(QString::fromStdString(test::cli_path().string()), args);
    QVERIFY(process.waitForStarted());
    QByteArray output;
    while (!output.contains("(step 50)")) {
      QVERIFY2(process.waitForReadyRead(60000), output.right(2000).constData());
      output += process.readAll();
    }
    ::kill(static_cast<pid_t>(process.processId()), SIGINT);
    QVERIFY(process.waitForFinished(60000));
    output += process.readAll();
    QCOMPARE(process.exitCode(), 130);
    QVERIFY2(output.contains("keeps the last checkpoint: continue with --resume"), output.right(2000).constData());
    QVERIFY(!fs::exists(dir / "disc.safetensors"));
    const auto r = test::run_cli({"tokens", "inspect", (dir / "disc.checkpoint.safetensors").string()});
    QVERIFY(r.exit_code != 0);  // a checkpoint is not a token
    QVERIFY2(r.output.find("this is a training checkpoint, not a token") != std::string::npos, r.output.c_str());
  }

  void badInputIsRefusedBeforeTheModelLoads() {
    test::TempDir dir;
    write_set(dir.path(), 2);
    const auto expect = [&](const std::string& message) {
      const auto r = test::run_cli(train_args(dir.path(), 5));
      QVERIFY2(r.exit_code != 0, r.output.c_str());
      QVERIFY2(r.output.find(message) != std::string::npos, r.output.c_str());
      QVERIFY2(r.output.find("loading") == std::string::npos, "the model was not loaded");
    };
    const auto mask = dir / "masks" / "synthetic-0.png";
    const auto good = test::synthetic_part_example(0).mask;
    write_image(mask, grey(at::zeros({128, 128})));
    expect("synthetic-0.png has no part pixels");
    write_image(mask, grey(at::ones({128, 128})));
    expect("marks every pixel as the part");
    write_image(mask, grey(at::linspace(0, 1, 128).view({1, 128}).expand({128, 128})));
    expect("is not a binary mask");
    write_image(mask, grey(good.slice(0, 0, 64)));
    expect("is 128x64 pixels but its image synthetic-0.png is 128x128");
    write_image(mask, grey(good * (1.0 / 255)));  // a 0/1 label file: 1 is the part
    QCOMPARE(test::max_abs_diff(read_part_mask(mask), good), 0.0);
    fs::remove(mask);
    expect("synthetic-0.png has no mask: expected a file named synthetic-0.png");
    fs::remove_all(dir / "images");
    expect("the images folder " + (dir / "images").string() + " does not exist");
    fs::create_directories(dir / "images");
    expect("holds no PNG, JPEG, WebP or TIFF image");
  }

  void locateRefusesATokenForAnotherFamily() {
    test::TempDir dir;
    PartToken token;
    token.embedding = at::randn({2, 64});
    token.part_name = "head";
    token.base_model_family = "sd15";
    write_part_token(dir / "head.safetensors", token);
    write_image(dir / "photo.png", test::synthetic_part_example(0).image);
    test::verify_cli_fails({"locate", "--model", test::tiny_sdxl_dir().string(), "--image", (dir / "photo.png").string(),
                            "--token", (dir / "head.safetensors").string(), "--out", (dir / "m.png").string()},
                           "token 'head' was trained for SD 1.x but the model is SDXL");
    QVERIFY(!fs::exists(dir / "m.png"));
  }
};

PARTEDIT_TEST(TestCliTrainToken);
}  // namespace test_cli_train_token
#include "test_cli_train_token.moc"
