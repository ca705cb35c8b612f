// partedit-cli on bad input (issue 9, §3.2, §3.5, §4.1, §4.6, §4.7): an allocation failure is
// one line in our words without LibTorch's stack trace; sizes and steps no model can serve
// are refused, with the limit, before the model is loaded; the messages about a file given as
// --model, a folder given as --out and an option without its value say what is wrong;
// outputs that name one file or an input are refused and the input is left as it was;
// --version and `<command> -h`.
#include <QtTest>

#include <array>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <sys/wait.h>

#include <ATen/ATen.h>

#include "io/image_io.h"
#include "io/safetensors.h"
#include "support/sanitizer_skip.h"
#include "support/test_support.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_cli_errors {

using namespace partedit;
namespace fs = std::filesystem;

namespace {

bool mentions(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

std::string quoted(const std::string& word) {
  std::string out = "'";
  for (char c : word) out += (c == '\'') ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// partedit-cli under `ulimit -v kib` (address space), stdout and stderr together.
test::CliResult run_cli_with_memory_limit(const std::vector<std::string>& args, long kib) {
  std::string command = "ulimit -v " + std::to_string(kib) + " && exec " + quoted(test::cli_path().string());
  for (const auto& a : args) command += " " + quoted(a);
  command += " 2>&1";
  test::CliResult result;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return result;
  std::array<char, 4096> buffer{};
  size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) result.output.append(buffer.data(), n);
  const int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

std::vector<std::string> lines_with(const std::string& text, const std::string& needle) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (mentions(line, needle)) out.push_back(line);
  return out;
}

std::string file_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// LibTorch's stack trace, in any of its forms.
bool has_stack_trace(const std::string& output) {
  return mentions(output, "frame #") || mentions(output, "Exception raised from") ||
         mentions(output, "(most recent call first)");
}

}  // namespace

#define VERIFY_OUTPUT(result, needle) \
  QVERIFY2(mentions((result).output, needle), qPrintable(QString::fromStdString(std::string(needle) + " not in:\n" + (result).output)))

class TestCliErrors : public QObject {
  Q_OBJECT
  test::TempDir dir_;
  // 1.5 GiB of address space: a 64² run peaks at about 0.9 GiB (VmPeak, one thread); decoding
  // a 1024² image needs several 128 MiB activations more. (Attention runs in bounded chunks,
  // so the UNet no longer asks for gigabytes at once: the decode is where memory runs out.)
  static constexpr long kMemoryLimitKiB = 1536L * 1024;

  std::vector<std::string> generate_args(const std::string& out) const {
    return {"generate", "--model", test::tiny_sdxl_dir().string(), "--prompt", "a cat", "--steps", "1",
            "--seed", "1", "--out", out};
  }
  static std::vector<std::string> with(std::vector<std::string> args, const std::vector<std::string>& more) {
    args.insert(args.end(), more.begin(), more.end());
    return args;
  }
  // Fails without loading the model (nothing says "loading"), naming `message`.
  static void verify_refused_before_loading(const std::vector<std::string>& args, const std::string& message) {
    const auto start = std::chrono::steady_clock::now();
    const auto r = test::run_cli(args);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    QVERIFY2(r.exit_code == 1, r.output.c_str());
    QVERIFY2(mentions(r.output, message), qPrintable(QString::fromStdString("expected '" + message + "' in: " + r.output)));
    QVERIFY2(!mentions(r.output, "loading"), r.output.c_str());
    QVERIFY2(!has_stack_trace(r.output), r.output.c_str());
    qInfo("%.2f s: %s", seconds, r.output.c_str());
  }

 private Q_SLOTS:
  void initTestCase() {
    if (qEnvironmentVariableIsEmpty("PARTEDIT_THREADS")) qputenv("PARTEDIT_THREADS", "1");
    write_image(dir_ / "photo.png", at::rand({3, 64, 64}));
  }

  // §3.2: the reported failure was a 30-frame trace for a 4096² generation on the medium
  // model. Here the tiny model at 1024² under an address-space limit: one step, then the
  // decode's full-resolution activations do not fit.
  void outOfMemoryIsOneLineInOurWords() {
    PARTEDIT_SKIP_IN_ASAN_BUILD("the CLI runs under ulimit -v");
    const auto ok = run_cli_with_memory_limit(with(generate_args((dir_ / "small.png").string()),
                                                   {"--width", "64", "--height", "64"}),
                                              kMemoryLimitKiB);
    QVERIFY2(ok.exit_code == 0, qPrintable(QString::fromStdString("the limit must let a small run through: " +
                                                                  ok.output)));
    const auto r = run_cli_with_memory_limit(with(generate_args((dir_ / "big.png").string()),
                                                  {"--width", "1024", "--height", "1024"}),
                                             kMemoryLimitKiB);
    qInfo("%s", r.output.c_str());
    QCOMPARE(r.exit_code, 1);
    QVERIFY2(!has_stack_trace(r.output), r.output.c_str());
    const auto errors = lines_with(r.output, "error");
    QCOMPARE(int(errors.size()), 1);
    const std::string& line = errors[0];
    QVERIFY2(mentions(line, "partedit-cli generate: error: out of memory while "), line.c_str());
    QVERIFY2(mentions(line, "step 1 of 1") || mentions(line, "decoding"), line.c_str());  // what was being done
    QVERIFY2(mentions(line, "could not be allocated on the CPU"), line.c_str());         // how much, where
    QVERIFY2(mentions(line, "--width/--height") && mentions(line, "--dtype"), line.c_str());  // what to change
    QVERIFY(!fs::exists(dir_ / "big.png"));
  }

  // §4.1: sizes and steps beyond the limits are refused at once, saying the limit.
  void sizesBeyondTheLimitsAreRefusedBeforeLoading() {
    const auto out = (dir_ / "limits.png").string();
    verify_refused_before_loading(with(generate_args(out), {"--width", "100000"}), "64 to 4096 pixels");
    verify_refused_before_loading(with(generate_args(out), {"--width", "65536", "--height", "8"}), "4096");
    verify_refused_before_loading(with(generate_args(out), {"--width", "4096", "--height", "256"}), "at most 8:1");
    verify_refused_before_loading(with(generate_args(out), {"--width", "8", "--height", "8"}), "64 to 4096 pixels");
    verify_refused_before_loading({"generate", "--model", test::tiny_sdxl_dir().string(), "--prompt", "a cat",
                                   "--steps", "5000", "--out", out},
                                  "at most 1000");
    verify_refused_before_loading({"edit", "--model", test::tiny_sdxl_dir().string(), "--prompt", "a cat",
                                   "--edit-prompt", "a dog", "--token",
                                   (test::data_dir() / "tokens" / "valid_2x64.pt").string(), "--mask-size", "100000",
                                   "--out", out},
                                  "range of 1 to 4096");
    verify_refused_before_loading({"invert", "--model", test::tiny_sdxl_dir().string(), "--image",
                                   (dir_ / "photo.png").string(), "--steps", "5000", "--out",
                                   (dir_ / "inv.safetensors").string()},
                                  "at most 1000");
  }

  // §4.6: the messages say what is wrong.
  void modelFileIsNamedAsAFile() {
    const auto checkpoint = test::tiny_sdxl_dir() / "unet" / "diffusion_pytorch_model.safetensors";
    const auto out = (dir_ / "m.png").string();
    test::verify_cli_fails({"generate", "--model", checkpoint.string(), "--prompt", "a cat", "--out", out},
                           "Its names are those of one component of a diffusers model: give the model folder");
    test::verify_cli_fails({"generate", "--model", (test::tiny_sdxl_dir() / "model_index.json").string(), "--prompt",
                            "a cat", "--out", out},
                           "is a file; give the model folder that holds it");
    const auto text = dir_ / "notes.txt";
    std::ofstream(text) << "not a model";
    test::verify_cli_fails({"generate", "--model", text.string(), "--prompt", "a cat", "--out", out},
                           "is a file, not a model folder");
    test::verify_cli_fails({"caption", "--model", text.string(), "--image", out}, "is a file, not a BLIP-2 model folder");
  }
  void outputFolderIsNamedAsAFolder() {
    const auto r = test::run_cli(generate_args(dir_.path().string()));
    QVERIFY(r.exit_code != 0);
    VERIFY_OUTPUT(r, "is a folder; give a file name in it");
    QVERIFY2(!mentions(r.output, "unknown extension"), r.output.c_str());
  }
  void optionWithoutItsValueSaysSo() {
    const auto r = test::run_cli({"generate", "--model", test::tiny_sdxl_dir().string(), "--prompt", "a cat",
                                  "--steps", "--out", (dir_ / "o.png").string()});
    QVERIFY(r.exit_code != 0);
    VERIFY_OUTPUT(r, "option --steps needs a value");
    QVERIFY2(!mentions(r.output, "unexpected argument"), r.output.c_str());
    // The = form still takes a value that starts with --.
    const auto eq = test::run_cli({"generate", "--model", test::tiny_sdxl_dir().string(), "--prompt=--a cat",
                                   "--steps", "0", "--out", (dir_ / "o.png").string()});
    VERIFY_OUTPUT(eq, "steps must be at least 1");
  }

  // §4.7: colliding outputs are refused before any work; the input stays as it was.
  void outputsNamingOneFileAreRefused() {
    const fs::path out = dir_ / "same.png";
    test::verify_cli_fails({"edit", "--model", test::tiny_sdxl_dir().string(), "--prompt", "a cat", "--edit-prompt",
                            "a dog", "--part", "quadruped-head", "--out", out.string(), "--source-out",
                            (dir_.path() / "." / "same.png").string()},
                           "name the same file");
    QVERIFY(!fs::exists(out));
  }
  void outputOverwritingAnInputIsRefused() {
    const fs::path photo = dir_ / "photo.png";
    const std::string before = file_bytes(photo);
    const auto model = test::tiny_sdxl_dir().string();
    test::verify_cli_fails({"edit", "--model", model, "--image", photo.string(), "--prompt", "a cat", "--edit-prompt",
                            "a dog", "--part", "quadruped-head", "--out", photo.string()},
                           "would overwrite the input --image");
    test::verify_cli_fails({"edit", "--model", model, "--image", photo.string(), "--prompt", "a cat", "--edit-prompt",
                            "a dog", "--part", "quadruped-head", "--out", (dir_ / "edited.png").string(),
                            "--mask-out", "./" + fs::relative(photo).string()},
                           "would overwrite the input --image");
    QVERIFY(file_bytes(photo) == before);

    const fs::path latents = dir_ / "latents.safetensors";
    write_safetensors(latents, {{"latents", at::randn({1, 4, 8, 8})}});
    const std::string latents_before = file_bytes(latents);
    test::verify_cli_fails({"generate", "--model", model, "--prompt", "a cat", "--init-latents", latents.string(),
                            "--out", (dir_ / "g.png").string(), "--save-latents", latents.string()},
                           "would overwrite the input --init-latents");
    QVERIFY(file_bytes(latents) == latents_before);
    test::verify_cli_fails({"invert", "--model", model, "--image", photo.string(), "--noise", latents.string(), "--out",
                            latents.string()},
                           "would overwrite the input --noise");
    QVERIFY(file_bytes(latents) == latents_before);

    // A file of the model folder (a copy: if the check failed, the run would replace it).
    const fs::path copy = dir_ / "model-copy";
    fs::copy(test::tiny_sdxl_dir(), copy, fs::copy_options::recursive);
    const fs::path weights = copy / "unet" / "diffusion_pytorch_model.safetensors";
    const std::string weights_before = file_bytes(weights);
    test::verify_cli_fails({"generate", "--model", copy.string(), "--prompt", "a cat", "--out",
                            (dir_ / "g.png").string(), "--save-latents", weights.string()},
                           "would overwrite a file of the input --model");
    QVERIFY(file_bytes(weights) == weights_before);
  }

  // §3.5: --version, and -h as --help for every command.
  void versionIsPrinted() {
    const auto r = test::run_cli({"--version"});
    QCOMPARE(r.exit_code, 0);
    VERIFY_OUTPUT(r, "partedit-cli 0.1.0");
    VERIFY_OUTPUT(r, "(LibTorch ");
  }
  void dashHIsHelpForEveryCommand() {
    for (const char* command : {"edit", "generate", "invert", "caption", "inspect", "make-tiny-model"}) {
      const auto r = test::run_cli({command, "-h"});
      QVERIFY2(r.exit_code == 0, r.output.c_str());
      VERIFY_OUTPUT(r, std::string("usage: partedit-cli ") + command);
    }
  }
};

PARTEDIT_TEST(TestCliErrors);
#undef VERIFY_OUTPUT
}  // namespace test_cli_errors
#include "test_cli_errors.moc"
