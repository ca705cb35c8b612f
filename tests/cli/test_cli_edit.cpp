// partedit-cli edit on tiny-sdxl: the authors' reference runs through the command line
// (masks, Otsu thresholds, latents), the edit forms, library parts, several parts at once,
// and bad input.
#include <QtTest>

#include <fstream>

#include <ATen/ATen.h>

#include "editing/part_token.h"
#include "io/safetensors.h"
#include "support/test_support.h"

using namespace partedit;
namespace fs = std::filesystem;

namespace {

void write_token(const fs::path& path, const std::string& part, const at::Tensor& embedding) {
  PartToken token;
  token.embedding = embedding;
  token.part_name = part;
  write_part_token(path, token);
}

at::Tensor random_embedding(int64_t width, uint64_t seed) {
  auto generator = at::detail::createCPUGenerator(seed);
  return at::randn({2, width}, generator);
}

}  // namespace

class TestCliEdit : public QObject {
  Q_OBJECT
  test::TempDir dir_;

  std::vector<std::string> base_args(int steps = 2) const {
    return {"edit", "--model", test::tiny_sdxl_dir().string(), "--prompt", "a photo of a cat in a park", "--steps",
            std::to_string(steps), "--scheduler", "ddim", "--width", "64", "--height", "64", "--seed", "3",
            "--out", (dir_ / "out.png").string()};
  }
  std::vector<std::string> with(std::vector<std::string> args, const std::vector<std::string>& more) const {
    args.insert(args.end(), more.begin(), more.end());
    return args;
  }
  std::string token(const char* name) const { return (dir_ / "tokens" / (std::string(name) + ".safetensors")).string(); }

 private Q_SLOTS:
  void initTestCase() {
    if (qEnvironmentVariableIsEmpty("PARTEDIT_THREADS")) qputenv("PARTEDIT_THREADS", "1");
    fs::create_directories(dir_ / "tokens");
    fs::create_directories(dir_ / "two");
    write_token(token("quadruped-head"), "quadruped-head", random_embedding(64, 1));
    write_token(dir_ / "two" / "quadruped-head.safetensors", "quadruped-head", random_embedding(64, 1));
    write_token(dir_ / "two" / "human-head.safetensors", "human-head", random_embedding(64, 2));
    write_token(dir_ / "narrow.safetensors", "narrow", random_embedding(32, 3));
  }

  void matchesTheAuthors_data() {
    QTest::addColumn<QString>("name");
    for (const char* name : {"partedit_ddim_te10", "partedit_ddim_te5", "partedit_euler_te10", "partedit_euler_te5",
                             "partedit_ddim_te10_maskres1024"})
      QTest::newRow(name) << name;
  }
  void matchesTheAuthors() {
    QFETCH(QString, name);
    test::ReferenceCase ref(name.toStdString());
    const auto& p = ref.params();
    test::TempDir run;
    write_safetensors(run / "noise.safetensors", {{"latents", ref.in("latents").slice(0, 0, 1)}});
    write_token(run / "part.safetensors", "part", ref.in("embedding"));
    const auto r = test::run_cli(
        {"edit", "--model", test::tiny_sdxl_dir().string(), "--prompt", p.at("source_prompt").get<std::string>(),
         "--subject", p.at("subject").get<std::string>(), "--edit-word", p.at("edit").get<std::string>(),
         "--token", (run / "part.safetensors").string(), "--steps", std::to_string(p.at("num_inference_steps").get<int>()),
         "--guidance", "7.5", "--scheduler", p.at("scheduler").get<std::string>(), "--init-latents",
         (run / "noise.safetensors").string(), "--t-e", std::to_string(p.at("extra_kwargs").at("edit_steps").get<int>()),
         "--omega", "1.5", "--cross-replace", "0.4", "--mask-size", std::to_string(p.at("mask_res").get<int>()),
         "--out", (run / "edited.png").string(), "--save-masks", (run / "masks.safetensors").string(),
         "--save-latents", (run / "latents.safetensors").string()});
    QVERIFY2(r.exit_code == 0, r.output.c_str());
    QVERIFY(r.output.find("edit prompt: " + p.at("prompts").at(1).get<std::string>()) != std::string::npos);

    SafetensorsFile masks_file(run / "masks.safetensors"), latents_file(run / "latents.safetensors");
    at::Tensor masks = masks_file.tensor("masks").to(at::kFloat);  // stored as float16
    at::Tensor expected_masks;
    if (ref.has("out.masks")) {
      expected_masks = ref.out("masks");
    } else {  // 1024² aggregation, stored 8 x 8 average-pooled
      masks = at::avg_pool2d(masks.unsqueeze(1), {8, 8}).squeeze(1);
      expected_masks = ref.out("masks_pooled8");
    }
    const auto diff = (masks - expected_masks).abs();
    const double mean_abs = diff.mean().item<double>();
    const double off = (diff > 0.05).to(at::kFloat).mean().item<double>();
    const double otsu = test::max_abs_diff(masks_file.tensor("otsu"), ref.out("otsu"));
    const auto final_latents = ref.out("final_latents");
    const double source_rel = test::max_relative_diff(latents_file.tensor("source"), final_latents.slice(0, 0, 1));
    const double edit_rel = test::max_relative_diff(latents_file.tensor("edit"), final_latents.slice(0, 1, 2));
    qInfo("masks mean |diff| %.3g, %.3g%% > 0.05; otsu %.3g; final latents rel: source %.3g, edit %.3g", mean_abs,
          100 * off, otsu, source_rel, edit_rel);
    // The masks are stored in float16: rounding a value in [0, 1] to half moves it by at most
    // 2^-12 = 2.44e-4 (11 significant bits); the rounding alone gives the measured 9.5e-5
    // (1.4e-5 after 8 x 8 pooling), float32 differences add < 1e-6 here. A pixel whose value
    // sits at the threshold may flip on another CPU (by <= 1, counted in `off`), so the bound
    // is half's rounding + the flipped fraction + 1e-5 of margin.
    PE_VERIFY_LE(mean_abs, 0x1p-12 + off + 1e-5);
    PE_VERIFY_LE(off, 0.005);
    PE_VERIFY_LE(otsu, 1e-3);
    PE_VERIFY_LE(source_rel, 1e-3);
    PE_VERIFY_LE(edit_rel, 1e-3);
  }

  void appendedEditResolvesThePartInTheLibrary() {
    const auto r = test::run_cli(with(base_args(), {"--edit", "with a robotic <head>", "--library",
                                                    (dir_ / "tokens").string(), "--mask-out",
                                                    (dir_ / "mask.png").string()}));
    QVERIFY2(r.exit_code == 0, r.output.c_str());
    QVERIFY(r.output.find("edit prompt: a photo of a cat in a park with a robotic head") != std::string::npos);
    QVERIFY(r.output.find("parts: quadruped-head") != std::string::npos);
    QVERIFY(fs::exists(dir_ / "mask.png"));
    // Without brackets the final words name the part.
    const auto plain = test::run_cli(with(base_args(), {"--edit", "with a robotic quadruped head", "--library",
                                                        (dir_ / "tokens").string()}));
    QVERIFY2(plain.exit_code == 0, plain.output.c_str());
    QVERIFY(plain.output.find("with a robotic quadruped head\n") != std::string::npos);
  }

  void severalPartsAtOnce() {
    const auto r = test::run_cli(with(base_args(), {"--edit-prompt", "a photo of a dog in a park", "--library",
                                                    (dir_ / "two").string(), "--part", "human-head", "--part",
                                                    "quadruped-head", "--save-masks",
                                                    (dir_ / "multi.safetensors").string()}));
    QVERIFY2(r.exit_code == 0, r.output.c_str());
    QVERIFY(r.output.find("parts: human-head quadruped-head") != std::string::npos);
    SafetensorsFile masks(dir_ / "multi.safetensors");
    QCOMPARE(masks.tensor("masks").size(0), int64_t(2));
    QCOMPARE(masks.tensor("masks").size(1), int64_t(64));
  }

  // --save-masks stores the masks in half precision (half the bytes of float32) and the
  // Otsu thresholds in float32; progress lines give elapsed, s/step and the time left.
  void savedMasksAreHalfPrecision() {
    const fs::path path = dir_ / "half.safetensors";
    const auto r = test::run_cli(with(base_args(3), {"--edit", "with a robotic <head>", "--library",
                                                     (dir_ / "tokens").string(), "--save-masks", path.string()}));
    QVERIFY2(r.exit_code == 0, r.output.c_str());
    QVERIFY2(QString::fromStdString(r.output).contains(QRegularExpression(
                 R"(step 3/3, [^,]+ elapsed, [0-9.]+ s/step, 0\.0 s left \(mask covers )")),
             r.output.c_str());
    SafetensorsFile file(path);
    QCOMPARE(file.entry("masks").dtype, std::string("F16"));
    QCOMPARE(file.entry("otsu").dtype, std::string("F32"));
    const at::Tensor masks = file.tensor("masks");
    QVERIFY(masks.sizes() == at::IntArrayRef({3, 64, 64}));
    QVERIFY(masks.min().item<double>() >= 0 && masks.max().item<double>() <= 1);
    // The file is its 8-byte length, the JSON header, then exactly steps·H·W·2 bytes of masks
    // and steps·4 of thresholds (float32 masks took steps·H·W·4).
    std::ifstream in(path, std::ios::binary);
    unsigned char length[8] = {};
    in.read(reinterpret_cast<char*>(length), 8);
    uint64_t header = 0;
    for (int i = 7; i >= 0; --i) header = header << 8 | length[i];
    QVERIFY(header < 4096);
    QCOMPARE(uint64_t(fs::file_size(path)), 8 + header + 3 * 64 * 64 * 2 + 3 * 4);
  }

  void unknownPartListsTheAvailableOnes() {
    test::verify_cli_fails(with(base_args(), {"--edit", "with a robotic <wing>", "--library", (dir_ / "tokens").string()}),
                   "available: quadruped-head");
    test::verify_cli_fails(with(base_args(), {"--edit", "with a robotic <head>", "--library", (dir_ / "two").string()}),
                   "could mean several parts (human-head, quadruped-head)");
  }

  void tokenOfAnotherWidthIsRefused() {
    test::verify_cli_fails(with(base_args(), {"--edit-prompt", "a photo of a dog in a park", "--token",
                                      (dir_ / "narrow.safetensors").string()}),
                   "has embedding width 32 but the model's text conditioning is 64 wide");
  }

  void editEndOutsideTheSteps() {
    const auto args = with(base_args(4), {"--subject", "cat", "--edit-word", "dog", "--token", token("quadruped-head")});
    test::verify_cli_fails(with(args, {"--t-e", "0"}), "t_e must be between 1 and the number of steps (4), got 0");
    test::verify_cli_fails(with(args, {"--t-e", "5"}), "t_e must be between 1 and the number of steps (4), got 5");
  }

  void editThatDoesNotParse() {
    const auto lib = std::vector<std::string>{"--library", (dir_ / "tokens").string()};
    test::verify_cli_fails(with(with(base_args(), lib), {"--edit", "a robotic head"}), "does not start with \"with\"");
    test::verify_cli_fails(with(with(base_args(), lib), {"--edit", "with <head>"}), "does not say what the part should become");
    test::verify_cli_fails(with(with(base_args(), lib), {"--edit", "with a <robotic> head"}), "words after the <part>");
    test::verify_cli_fails(with(base_args(), {"--token", token("quadruped-head")}), "say what to change");
    test::verify_cli_fails(with(base_args(), {"--edit-prompt", "a dog", "--subject", "cat", "--edit-word", "dog"}),
                   "give only one of");
  }

  void subjectMissingFromThePrompt() {
    test::verify_cli_fails(with(base_args(), {"--subject", "horse", "--edit-word", "dragon", "--token", token("quadruped-head")}),
                   "the subject 'horse' is not a word of the source prompt");
  }

  void noPartGiven() {
    test::verify_cli_fails(with(base_args(), {"--edit-prompt", "a photo of a dog in a park"}), "name the part to edit");
  }
};

QTEST_APPLESS_MAIN(TestCliEdit)
#include "test_cli_edit.moc"
