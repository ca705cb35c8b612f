// Every pipeline runs in bf16 on the CPU (issue 23), end to end through partedit-cli on the
// tiny models: generate, a part edit, a photo edit (inversion and compositing), invert,
// caption, train-token (cached), locate and eval, each with --dtype bf16 --timings, whose
// JSON says the dtype used. Numbers are held against fp32 in editing/test_bf16_parity.
#include <QtTest>

#include <ATen/ATen.h>

#include "editing/part_token.h"
#include "io/image_io.h"
#include "support/test_support.h"
#include "training/synthetic_parts.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_cli_bf16 {

using namespace partedit;
namespace fs = std::filesystem;

class TestCliBf16 : public QObject {
  Q_OBJECT
  test::TempDir dir_;

  // Runs the command with --dtype bf16 --timings; true when it succeeded and its timings
  // say bf16.
  bool runs_in_bf16(std::vector<std::string> args) {
    args.insert(args.end(), {"--dtype", "bf16", "--timings"});
    const auto r = test::run_cli(args);
    if (r.exit_code != 0) {
      qWarning("%s failed: %s", args[0].c_str(), r.output.c_str());
      return false;
    }
    const std::string last = test::last_line(r.output);
    if (last.find("\"dtype\":\"bf16\"") == std::string::npos) {
      qWarning("%s: no \"dtype\":\"bf16\" in its timings: %s", args[0].c_str(), last.c_str());
      return false;
    }
    return true;
  }

 private Q_SLOTS:
  void initTestCase() {
    fs::create_directories(dir_ / "set" / "images");
    fs::create_directories(dir_ / "set" / "masks");
    for (int i = 0; i < 3; ++i) {
      const auto e = test::synthetic_part_example(i);
      write_image(dir_ / "set" / "images" / (e.name + ".png"), e.image);
      write_image(dir_ / "set" / "masks" / (e.name + ".png"), e.mask.unsqueeze(0).expand({3, -1, -1}));
    }
    PartToken token;
    auto generator = at::detail::createCPUGenerator(4);
    token.embedding = at::randn({2, 64}, generator);
    token.part_name = "head";
    fs::create_directories(dir_ / "tokens");
    write_part_token(dir_ / "tokens" / "head.safetensors", token);
    auto square = at::zeros({3, 64, 64});
    square.slice(1, 16, 48).slice(2, 16, 48).fill_(1.0);
    write_image(dir_ / "square.png", square);  // eval's mask at the generated size
  }

  void everyCommandRunsInBf16() {
    const std::string model = test::tiny_sdxl_dir().string(), photo = (dir_ / "set" / "images").string();
    const std::string image = (dir_ / "set" / "images" / (test::synthetic_part_example(0).name + ".png")).string();
    const std::string library = (dir_ / "tokens").string();
    QVERIFY(runs_in_bf16({"generate", "--model", model, "--prompt", "a photo of a cat", "--steps", "2", "--width", "64",
                          "--height", "64", "--out", (dir_ / "generated.png").string()}));
    QVERIFY(runs_in_bf16({"edit", "--model", model, "--prompt", "a photo of a cat in a park", "--edit",
                          "with a robotic <head>", "--library", library, "--steps", "2", "--width", "64", "--height",
                          "64", "--out", (dir_ / "edited.png").string()}));
    QVERIFY(runs_in_bf16({"edit", "--model", model, "--image", image, "--prompt", "a bright disc", "--edit",
                          "with a robotic <head>", "--library", library, "--steps", "2", "--out",
                          (dir_ / "photo_edited.png").string()}));
    QVERIFY(runs_in_bf16({"invert", "--model", model, "--image", image, "--prompt", "a bright disc", "--steps", "2",
                          "--out", (dir_ / "inversion.safetensors").string()}));
    QVERIFY(runs_in_bf16({"caption", "--model", test::tiny_blip2_dir().string(), "--image", image,
                          "--max-new-tokens", "4"}));
    QVERIFY(runs_in_bf16({"train-token", "--model", model, "--images", photo, "--masks",
                          (dir_ / "set" / "masks").string(), "--part", "disc", "--out",
                          (dir_ / "disc.safetensors").string(), "--steps", "3", "--timesteps", "20:0",
                          "--timestep-stride", "10", "--validate-every", "3"}));
    QVERIFY(runs_in_bf16({"locate", "--model", model, "--image", image, "--token", (dir_ / "disc.safetensors").string(),
                          "--out", (dir_ / "located.png").string(), "--timesteps", "20:0", "--timestep-stride", "10"}));
    const auto clip = dir_ / "clip";
    QCOMPARE(test::run_cli({"make-tiny-model", "--family", "clip", "--out", clip.string()}).exit_code, 0);
    QVERIFY(runs_in_bf16({"eval", "--source", (dir_ / "generated.png").string(), "--edited",
                          (dir_ / "edited.png").string(), "--mask", (dir_ / "square.png").string(), "--prompt",
                          "a robotic head", "--clip-model", clip.string()}));
  }
};

PARTEDIT_TEST(TestCliBf16);
}  // namespace test_cli_bf16
#include "test_cli_bf16.moc"
