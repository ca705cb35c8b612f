// Issue 21: a model with NaN/Inf weights wrote an all-black image with exit code 0 (generate)
// or ended in "internal error: torch.histc ..." (edit). Every denoising loop now stops at the
// first step whose values are not finite, naming the step and the likely causes; the VAE's
// outputs are checked the same way; and `inspect` names the tensors holding NaN/Inf.
#include <QtTest>

#include <cmath>
#include <limits>

#include <ATen/ATen.h>

#include "io/image_io.h"
#include "io/safetensors.h"
#include "support/test_support.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_cli_damaged_weights {

using namespace partedit;
namespace fs = std::filesystem;

namespace {

const std::string kStepMessage =
    "the model produced NaN/Inf at step 1 (its weights may be damaged, or fp16 overflowed: try fp32/bf16)";

// A copy of tiny-sdxl in `dest` whose `component` weights get `value` at the first element of
// each named tensor.
void write_damaged_copy(const fs::path& dest, const std::string& component, const std::vector<std::string>& tensors,
                        const std::vector<float>& values) {
  fs::copy(test::tiny_sdxl_dir(), dest, fs::copy_options::recursive);
  const fs::path weights = dest / component / "diffusion_pytorch_model.safetensors";
  NamedTensors all;
  {
    const SafetensorsFile file(weights);
    for (const auto& e : file.entries()) all.emplace_back(e.name, file.tensor(e.name));
  }
  for (size_t i = 0; i < tensors.size(); ++i) {
    bool found = false;
    for (auto& [name, t] : all)
      if (name == tensors[i]) {
        t.view({-1})[0] = values[i];
        found = true;
      }
    QVERIFY2(found, tensors[i].c_str());
  }
  write_safetensors(weights, all);
}

bool has(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

}  // namespace

class TestCliDamagedWeights : public QObject {
  Q_OBJECT
  test::TempDir dir_;
  fs::path nan_unet_, nan_vae_;

  std::string token() const { return (test::data_dir() / "tokens" / "valid_2x64.pt").string(); }

  // Fails with `message`, never as an internal error, and writes no image.
  void verify_stops(const std::vector<std::string>& args, const fs::path& out, const std::string& message) {
    const auto r = test::run_cli(args);
    QVERIFY2(r.exit_code != 0, r.output.c_str());
    QVERIFY2(has(r.output, message), r.output.c_str());
    QVERIFY2(!has(r.output, "internal error") && !has(r.output, "histc"), r.output.c_str());
    QVERIFY2(!fs::exists(out), out.c_str());
  }

 private Q_SLOTS:
  void initTestCase() {
    if (qEnvironmentVariableIsEmpty("PARTEDIT_THREADS")) qputenv("PARTEDIT_THREADS", "1");
    nan_unet_ = dir_ / "nan-unet";
    write_damaged_copy(nan_unet_, "unet", {"conv_in.weight", "conv_out.bias"},
                       {std::nanf(""), std::numeric_limits<float>::infinity()});
    nan_vae_ = dir_ / "nan-vae";
    write_damaged_copy(nan_vae_, "vae", {"decoder.conv_out.weight"}, {std::nanf("")});
    write_image(dir_ / "photo.png", at::rand({3, 64, 64}, at::detail::createCPUGenerator(8)));
  }

  void generateStopsAtTheFirstStep() {
    const fs::path out = dir_ / "generated.png";
    verify_stops({"generate", "--model", nan_unet_.string(), "--prompt", "a cat", "--steps", "2", "--seed", "1",
                  "--out", out.string()},
                 out, kStepMessage);
  }

  void editStopsAtTheFirstStepNotInTheMasksHistogram() {
    const fs::path out = dir_ / "edited.png";
    verify_stops({"edit", "--model", nan_unet_.string(), "--prompt", "a photo of a cat", "--subject", "cat",
                  "--edit-word", "dog", "--token", token(), "--steps", "2", "--seed", "1", "--out", out.string()},
                 out, kStepMessage);
    // A photo: the inversion within the edit stops the same way.
    verify_stops({"edit", "--model", nan_unet_.string(), "--image", (dir_ / "photo.png").string(), "--prompt",
                  "a photo of a cat", "--subject", "cat", "--edit-word", "dog", "--token", token(), "--steps", "2",
                  "--seed", "1", "--no-cache", "--out", out.string()},
                 out, kStepMessage);
  }

  void invertStopsAtTheFirstStep() {
    const fs::path out = dir_ / "photo.inversion.safetensors";
    verify_stops({"invert", "--model", nan_unet_.string(), "--image", (dir_ / "photo.png").string(), "--prompt",
                  "a photo of a cat", "--steps", "2", "--seed", "0", "--out", out.string()},
                 out, kStepMessage);
  }

  void aDamagedVaeIsNamedInsteadOfABlackImage() {
    const fs::path out = dir_ / "black.png";
    verify_stops({"generate", "--model", nan_vae_.string(), "--prompt", "a cat", "--steps", "1", "--seed", "1",
                  "--out", out.string()},
                 out, "the VAE produced NaN/Inf while decoding the latents (its weights may be damaged");
  }

  void inspectNamesTheDamagedTensors() {
    const auto r = test::run_cli({"inspect", nan_unet_.string()});
    QVERIFY2(r.exit_code == 0, r.output.c_str());
    QVERIFY2(has(r.output, "non-finite values (NaN/Inf) in 2 of "), r.output.c_str());
    QVERIFY2(has(r.output, "    conv_in.weight: 1 NaN, 0 Inf of "), r.output.c_str());
    QVERIFY2(has(r.output, "    conv_out.bias: 0 NaN, 1 Inf of "), r.output.c_str());
    // The undamaged components say so.
    QVERIFY2(has(r.output, "values: all finite"), r.output.c_str());
    const auto healthy =
        test::run_cli({"inspect", (test::tiny_sdxl_dir() / "unet" / "diffusion_pytorch_model.safetensors").string()});
    QVERIFY2(healthy.exit_code == 0 && has(healthy.output, "  values: all finite ("), healthy.output.c_str());
    QVERIFY2(!has(healthy.output, "non-finite"), healthy.output.c_str());
  }
};

PARTEDIT_TEST(TestCliDamagedWeights);
}  // namespace test_cli_damaged_weights
#include "test_cli_damaged_weights.moc"
