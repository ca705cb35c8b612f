// partedit-cli tokens list|import|inspect: the library through the command line, with the
// user folder in a temporary directory (--library, or XDG_DATA_HOME) and the source tree's
// tokens/ as the shipped folder.
#include <QtTest>

#include <cmath>
#include <fstream>
#include <sstream>

#include <ATen/ATen.h>

#include "editing/part_token.h"
#include "support/test_support.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_cli_tokens {

using namespace partedit;
namespace fs = std::filesystem;

namespace {

fs::path token_data(const std::string& name) { return test::data_dir() / "tokens" / name; }

bool mentions(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

// The norm column printed for `row` ("0    BG    5.606242"), or -1.
double printed_norm(const std::string& output, int row) {
  std::istringstream lines(output);
  std::string line;
  const std::string prefix = std::to_string(row) + " ";
  while (std::getline(lines, line)) {
    if (line.rfind(prefix, 0) != 0) continue;
    std::istringstream words(line);
    std::string index, role;
    double norm = -1;
    if (words >> index >> role >> norm && (role == "BG" || role == "PART")) return norm;
  }
  return -1;
}

}  // namespace

#define VERIFY_OUTPUT(result, needle)                                                  \
  QVERIFY2(mentions((result).output, needle),                                          \
           qPrintable(QString::fromStdString(std::string(needle) + " not in:\n" + (result).output)))
#define VERIFY_RUN(result, code)                                                       \
  QVERIFY2((result).exit_code == (code),                                              \
           qPrintable(QString("exit code %1, expected %2:\n").arg((result).exit_code).arg(code) + \
                      QString::fromStdString((result).output)))

class TestCliTokens : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void initTestCase() {
    // Nothing here may touch the real user folder.
    home_ = std::make_unique<test::TempDir>();
    qputenv("XDG_DATA_HOME", QByteArray::fromStdString((home_->path() / "xdg").string()));
    qunsetenv("PARTEDIT_TOKENS_DIR");
  }
  void cleanupTestCase() { home_.reset(); }

  void help() {
    const auto top = test::run_cli({"--help"});
    VERIFY_RUN(top, 0);
    VERIFY_OUTPUT(top, "tokens");
    const auto help = test::run_cli({"tokens", "--help"});
    VERIFY_RUN(help, 0);
    VERIFY_OUTPUT(help, "import FILE|DIR");
    VERIFY_OUTPUT(help, "inspect FILE|PART");
    VERIFY_RUN(test::run_cli({"tokens", "import", "--help"}), 0);
    VERIFY_RUN(test::run_cli({"tokens"}), 2);
    const auto bad = test::run_cli({"tokens", "remove"});
    VERIFY_RUN(bad, 1);
    VERIFY_OUTPUT(bad, "unknown tokens subcommand 'remove'");
    const auto bad_option = test::run_cli({"tokens", "list", "--bogus"});
    VERIFY_RUN(bad_option, 1);
    VERIFY_OUTPUT(bad_option, "--bogus");
  }

  void listEmptyShowsCatalog() {
    test::TempDir dir;
    const auto r = test::run_cli({"tokens", "list", "--library", (dir / "lib").string()});
    VERIFY_RUN(r, 0);
    VERIFY_OUTPUT(r, "no part tokens yet");
    VERIFY_OUTPUT(r, (dir / "lib").string());
    VERIFY_OUTPUT(r, "not created yet");
    VERIFY_OUTPUT(r, "shipped");
    VERIFY_OUTPUT(r, "Aleksandar/PartEdit-extra");
    for (const char* file : {"partimage_human_head.pt", "partimage_human_hair.pt", "torso_custom.pt",
                             "partimage_quadruped_head.pt", "partimage_biped_head.pt", "partimage_carbody.pt",
                             "carhood_custom.pt", "chair_custom.pt"})
      VERIFY_OUTPUT(r, file);
  }

  void importFileListInspect() {
    test::TempDir dir;
    const std::string lib = (dir / "lib").string();
    fs::create_directories(dir / "dl");
    fs::copy_file(token_data("valid_2x64.pt"), dir / "dl" / "partimage_human_head.pt");
    const auto imported = test::run_cli({"tokens", "import", (dir / "dl" / "partimage_human_head.pt").string(),
                                         "--library", lib});
    VERIFY_RUN(imported, 0);
    VERIFY_OUTPUT(imported, "imported human-head");
    VERIFY_OUTPUT(imported, "64 wide");
    QVERIFY(fs::exists(dir / "lib" / "human-head.safetensors"));

    const auto list = test::run_cli({"tokens", "list", "--library", lib});
    VERIFY_RUN(list, 0);
    VERIFY_OUTPUT(list, "human-head        Human head");
    VERIFY_OUTPUT(list, "(1 token files)");
    QVERIFY2(!mentions(list.output, "partimage_human_head.pt"), list.output.c_str());  // no longer "not imported"

    // The catalog word, as --edit "<head>" takes it, names the same token.
    const auto by_word = test::run_cli({"tokens", "inspect", "head", "--library", lib});
    VERIFY_RUN(by_word, 0);
    VERIFY_OUTPUT(by_word, "part name       human-head");

    const auto inspect = test::run_cli({"tokens", "inspect", "human-head", "--library", lib});
    VERIFY_RUN(inspect, 0);
    VERIFY_OUTPUT(inspect, "part token (safetensors with metadata)");
    VERIFY_OUTPUT(inspect, "width           64");
    VERIFY_OUTPUT(inspect, "rows            2 (1 part");
    VERIFY_OUTPUT(inspect, "localises");
    VERIFY_OUTPUT(inspect, "embedding_dim = 64");
    // The printed norms against the generated values (make_token_pickles.py).
    for (int row = 0; row < 2; ++row) {
      double sum = 0;
      for (int j = 0; j < 64; ++j) {
        const double v = std::round(std::sin(0.1 * (j + 1) * (row + 1)) * 1e6) / 1e6 * (row + 1);
        sum += v * v;
      }
      const double err = std::abs(printed_norm(inspect.output, row) - std::sqrt(sum));
      qInfo() << "row" << row << "printed norm error" << err;
      PE_VERIFY_LE(err, 1e-5);
    }

    const auto raw = test::run_cli({"tokens", "inspect", (dir / "dl" / "partimage_human_head.pt").string(),
                                    "--library", lib});
    VERIFY_RUN(raw, 0);
    VERIFY_OUTPUT(raw, "torch.save file");
    VERIFY_OUTPUT(raw, "part name       human-head");
    QVERIFY(printed_norm(raw.output, 1) > 0);

    const auto unknown = test::run_cli({"tokens", "inspect", "car-wheel", "--library", lib});
    VERIFY_RUN(unknown, 1);
    VERIFY_OUTPUT(unknown, "no part token 'car-wheel'");
    VERIFY_OUTPUT(unknown, "available: human-head");
    const auto missing = test::run_cli({"tokens", "inspect", (dir / "none.pt").string(), "--library", lib});
    VERIFY_RUN(missing, 1);
    VERIFY_OUTPUT(missing, "no such token file");
    const auto ambiguous = test::run_cli({"tokens", "inspect", token_data("dict_two_tensors.pt").string()});
    VERIFY_RUN(ambiguous, 1);
    VERIFY_OUTPUT(ambiguous, "2 tensors");
  }

  void importRefusesOverwrite() {
    test::TempDir dir;
    const std::string lib = (dir / "lib").string();
    fs::create_directories(dir / "dl");
    fs::copy_file(token_data("valid_2x64.pt"), dir / "dl" / "chair_custom.pt");
    VERIFY_RUN(test::run_cli({"tokens", "import", (dir / "dl" / "chair_custom.pt").string(), "--library", lib}), 0);
    // The same file again: nothing to do, and not an error.
    const auto again = test::run_cli({"tokens", "import", (dir / "dl" / "chair_custom.pt").string(), "--library", lib});
    VERIFY_RUN(again, 0);
    VERIFY_OUTPUT(again, "chair-seat already installed, unchanged");
    fs::create_directories(dir / "dl2");
    fs::copy_file(dir / "dl" / "chair_custom.pt", dir / "dl2" / "chair_custom.pt");
    const auto folder_again = test::run_cli({"tokens", "import", (dir / "dl2").string(), "--library", lib});
    VERIFY_RUN(folder_again, 0);
    VERIFY_OUTPUT(folder_again, "(1 already installed, unchanged)");
    // Another token for the same part is refused without --force.
    fs::copy_file(token_data("valid_half_2x64.pt"), dir / "dl" / "other.pt");  // the same rows in float16: other values
    const auto different = test::run_cli({"tokens", "import", (dir / "dl" / "other.pt").string(), "--name",
                                          "chair-seat", "--library", lib});
    VERIFY_RUN(different, 1);
    VERIFY_OUTPUT(different, "'chair-seat' is already in the library");
    VERIFY_RUN(test::run_cli({"tokens", "import", (dir / "dl" / "chair_custom.pt").string(), "--force", "--library", lib}),
               0);
    // --name: a part the catalog does not know.
    const auto named = test::run_cli({"tokens", "import", (dir / "dl" / "chair_custom.pt").string(), "--name",
                                      "car-wheel", "--library", lib});
    VERIFY_RUN(named, 0);
    VERIFY_OUTPUT(named, "imported car-wheel");
    QCOMPARE(read_part_token(dir / "lib" / "car-wheel.safetensors").part_name, std::string("car-wheel"));
    const auto bad = test::run_cli({"tokens", "import", token_data("legacy_2x64.pt").string(), "--library", lib});
    VERIFY_RUN(bad, 1);
    VERIFY_OUTPUT(bad, "legacy torch.save format");
    const auto two = test::run_cli({"tokens", "import", "a.pt", "b.pt", "--library", lib});
    VERIFY_RUN(two, 1);
    VERIFY_OUTPUT(two, "exactly one file or folder");
  }

  void importFolder() {
    test::TempDir dir;
    const std::string lib = (dir / "lib").string();
    fs::create_directories(dir / "dl");
    for (const char* name : {"partimage_human_hair.pt", "torso_custom.pt", "partimage_human_torso.pt"})
      fs::copy_file(token_data("valid_2x64.pt"), dir / "dl" / name);
    const auto r = test::run_cli({"tokens", "import", (dir / "dl").string(), "--library", lib});
    VERIFY_RUN(r, 0);  // the less preferred torso file is skipped, not a failure
    VERIFY_OUTPUT(r, "imported human-hair");
    VERIFY_OUTPUT(r, "imported human-torso");
    VERIFY_OUTPUT(r, "which the authors prefer");
    VERIFY_OUTPUT(r, "imported 2 of 3 files");
    const auto named = test::run_cli({"tokens", "import", (dir / "dl").string(), "--name", "x", "--library", lib});
    VERIFY_RUN(named, 1);
    VERIFY_OUTPUT(named, "--name applies to a single file");
    // A folder with a bad file: the good ones still import, the command fails.
    fs::copy_file(token_data("garbage.pt"), dir / "dl" / "garbage.pt");
    const auto mixed = test::run_cli({"tokens", "import", (dir / "dl").string(), "--force", "--library", lib});
    VERIFY_RUN(mixed, 1);
    VERIFY_OUTPUT(mixed, "garbage.pt is not a PyTorch torch.save file");
    VERIFY_OUTPUT(mixed, "imported 2 of 4 files");
    VERIFY_OUTPUT(mixed, "1 file(s) could not be imported");
  }

  void defaultFolders() {
    // Without --library the user folder is $XDG_DATA_HOME/partedit/tokens.
    test::TempDir dir;
    qputenv("XDG_DATA_HOME", QByteArray::fromStdString((dir / "data").string()));
    fs::create_directories(dir / "dl");
    fs::copy_file(token_data("valid_2x64.pt"), dir / "dl" / "carhood_custom.pt");
    VERIFY_RUN(test::run_cli({"tokens", "import", (dir / "dl" / "carhood_custom.pt").string()}), 0);
    QVERIFY(fs::exists(dir / "data" / "partedit" / "tokens" / "car-hood.safetensors"));
    const auto list = test::run_cli({"tokens", "list"});
    VERIFY_RUN(list, 0);
    VERIFY_OUTPUT(list, "user    " + (dir / "data" / "partedit" / "tokens").string());
    VERIFY_OUTPUT(list, "car-hood");

    // PARTEDIT_TOKENS_DIR replaces the shipped folder.
    fs::create_directories(dir / "shipped");
    PartToken t;
    t.embedding = at::randn({2, 8});
    t.part_name = "dog-tail";
    write_part_token(dir / "shipped" / "dog-tail.safetensors", t);
    qputenv("PARTEDIT_TOKENS_DIR", QByteArray::fromStdString((dir / "shipped").string()));
    const auto shipped = test::run_cli({"tokens", "list"});
    qunsetenv("PARTEDIT_TOKENS_DIR");
    qputenv("XDG_DATA_HOME", QByteArray::fromStdString((home_->path() / "xdg").string()));
    VERIFY_RUN(shipped, 0);
    VERIFY_OUTPUT(shipped, "shipped " + (dir / "shipped").string());
    VERIFY_OUTPUT(shipped, "dog-tail");
  }

 private:
  std::unique_ptr<test::TempDir> home_;
};

PARTEDIT_TEST(TestCliTokens);
#undef VERIFY_OUTPUT
#undef VERIFY_RUN
}  // namespace test_cli_tokens
#include "test_cli_tokens.moc"
