// Crafted files through the commands users run (issue 21, items 1, 2, 3 and 10): the 43-byte
// PNG (SIGSEGV in eval, locate and every command opening an image), the crafted torch.save
// tokens of tests/data/crashers/pt_token (SIGSEGV, heap memory imported into the token,
// gigabytes allocated) and a training checkpoint with a NaN embedding ("internal error" on
// resume) each end the command with exit code 1 and an error naming the file and the fault;
// nothing is written into the token library.
#include <QtTest>

#include <ATen/ATen.h>

#include "io/image_io.h"
#include "support/test_support.h"
#include "training/synthetic_parts.h"
#include "training/token_checkpoint.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_cli_crafted_files {

using namespace partedit;
namespace fs = std::filesystem;

namespace {

fs::path crashers() { return test::data_dir() / "crashers"; }

// Exit code 1 (not a signal, not "internal error") and `message` in the output.
void verify_refused(const test::CliResult& r, const std::string& message) {
  QVERIFY2(r.exit_code == 1, qPrintable(QString::fromStdString("exit " + std::to_string(r.exit_code) + ": " + r.output)));
  QVERIFY2(r.output.find("internal error") == std::string::npos, r.output.c_str());
  QVERIFY2(r.output.find(message) != std::string::npos,
           qPrintable(QString::fromStdString("expected '" + message + "' in: " + r.output)));
}

}  // namespace

class TestCliCraftedFiles : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void pngWithChunkPastTheEnd() {
    const std::string png = (crashers() / "image_header" / "png_text_chunk_length_past_end.png").string();
    test::TempDir dir;
    write_image(dir / "ok.png", at::full({3, 16, 16}, 0.5));
    const std::string ok = (dir / "ok.png").string();
    const std::string damaged = png + " is damaged or not a PNG: the file is truncated: it ends inside the tEXt chunk";
    verify_refused(test::run_cli({"eval", "--source", png, "--edited", ok, "--mask", ok, "--prompt", "a door"}), damaged);
    verify_refused(test::run_cli({"eval", "--source", ok, "--edited", ok, "--mask", png, "--prompt", "a door"}), damaged);
    verify_refused(test::run_cli({"locate", "--model", test::tiny_sdxl_dir().string(), "--image", png, "--token",
                                  (test::data_dir() / "tokens" / "valid_2x64.pt").string(), "--out",
                                  (dir / "where.png").string()}),
                   damaged);
    QVERIFY(!fs::exists(dir / "where.png"));
  }

  void craftedTokens() {
    test::TempDir dir;
    const std::string library = (dir / "library").string();
    int files = 0;
    for (const auto& entry : fs::directory_iterator(crashers() / "pt_token")) {
      if (entry.path().extension() != ".pt") continue;
      ++files;
      const std::string file = entry.path().string();
      verify_refused(test::run_cli({"tokens", "inspect", file}), file);
      verify_refused(test::run_cli({"tokens", "import", file, "--library", library}), file);
    }
    QVERIFY(files >= 8);
    // Nothing was imported.
    QVERIFY(!fs::exists(library) || fs::is_empty(library));
  }

  // A real run's checkpoint whose embedding was given a NaN: refused on --resume, naming it.
  void resumeFromCheckpointWithNan() {
    test::TempDir dir;
    fs::create_directories(dir / "images");
    fs::create_directories(dir / "masks");
    for (int i = 0; i < 3; ++i) {
      const auto e = test::synthetic_part_example(i);
      write_image(dir / "images" / (e.name + ".png"), e.image);
      write_image(dir / "masks" / (e.name + ".png"), e.mask.unsqueeze(0).expand({3, -1, -1}));
    }
    std::vector<std::string> args{"train-token", "--model", test::tiny_sdxl_dir().string(), "--images",
                                  (dir / "images").string(), "--masks", (dir / "masks").string(), "--part", "bright-disc",
                                  "--out", (dir / "disc.safetensors").string(), "--timesteps", "20:0",
                                  "--timestep-stride", "10", "--steps"};
    auto first = args;
    first.insert(first.end(), {"2", "--validate-every", "2"});
    const auto trained = test::run_cli(first);
    QVERIFY2(trained.exit_code == 0, trained.output.c_str());
    const fs::path checkpoint = dir / "disc.checkpoint.safetensors";
    TokenCheckpoint c = read_token_checkpoint(checkpoint);
    c.embedding[1][3] = std::nan("");
    write_token_checkpoint(checkpoint, c);

    auto resume = args;
    resume.insert(resume.end(), {"4", "--validate-every", "2", "--resume", checkpoint.string()});
    verify_refused(test::run_cli(resume), checkpoint.string() + " is damaged: its 'embedding' holds 1 non-finite values");
  }
};

PARTEDIT_TEST(TestCliCraftedFiles);
}  // namespace test_cli_crafted_files
#include "test_cli_crafted_files.moc"
