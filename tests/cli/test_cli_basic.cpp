// partedit-cli basics: help, unknown commands, and `inspect` on a file, a model folder and
// a corrupt file.
#include <QtTest>

#include <fstream>
#include <sstream>

#include "io/safetensors.h"
#include "support/test_support.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_cli_basic {

using namespace partedit;

namespace {

bool mentions(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

std::string shape_text(const std::vector<int64_t>& shape) {
  std::ostringstream out;
  out << "[";
  for (size_t i = 0; i < shape.size(); ++i) out << (i ? ", " : "") << shape[i];
  out << "]";
  return out.str();
}

}  // namespace

#define VERIFY_OUTPUT(result, needle) \
  QVERIFY2(mentions((result).output, needle), qPrintable(QString::fromStdString(std::string(needle) + " not in:\n" + (result).output)))

class TestCliBasic : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void helpListsCommands() {
    const auto result = test::run_cli({"--help"});
    QCOMPARE(result.exit_code, 0);
    VERIFY_OUTPUT(result, "usage: partedit-cli");
    VERIFY_OUTPUT(result, "inspect");
    const auto inspect_help = test::run_cli({"inspect", "--help"});
    QCOMPARE(inspect_help.exit_code, 0);
    VERIFY_OUTPUT(inspect_help, "partedit-cli inspect");
  }
  void unknownCommandFails() {
    const auto result = test::run_cli({"frobnicate"});
    QVERIFY(result.exit_code != 0);
    VERIFY_OUTPUT(result, "frobnicate");
    QVERIFY(test::run_cli({}).exit_code != 0);
    const auto bad_option = test::run_cli({"inspect", "--no-such-option", "x"});
    QVERIFY(bad_option.exit_code != 0);
    VERIFY_OUTPUT(bad_option, "--no-such-option");
  }
  void inspectFileListsTensors() {
    const auto file = test::tiny_sdxl_dir() / "unet" / "diffusion_pytorch_model.safetensors";
    const SafetensorsFile unet(file);
    const auto& entry = unet.entry("conv_in.weight");
    const auto result = test::run_cli({"inspect", file.string()});
    QCOMPARE(result.exit_code, 0);
    VERIFY_OUTPUT(result, "conv_in.weight  " + entry.dtype + "  " + shape_text(entry.shape));
    qInfo("conv_in.weight %s %s", entry.dtype.c_str(), shape_text(entry.shape).c_str());
  }
  void inspectFolderPrintsConfigs() {
    const auto dir = test::tiny_sdxl_dir();
    const auto result = test::run_cli({"inspect", dir.string()});
    QCOMPARE(result.exit_code, 0);
    VERIFY_OUTPUT(result, (dir / "model_index.json").string());
    VERIFY_OUTPUT(result, (dir / "unet" / "config.json").string());
    VERIFY_OUTPUT(result, (dir / "scheduler" / "scheduler_config.json").string());
    VERIFY_OUTPUT(result, "\"_class_name\"");
    VERIFY_OUTPUT(result, "conv_in.weight");
  }
  void inspectCorruptFileFails() {
    test::TempDir dir;
    const auto path = dir / "corrupt.safetensors";
    const std::string header = "{\"broken\": tru";  // the length field is right, the JSON is not
    std::string bytes(8, '\0');
    bytes[0] = static_cast<char>(header.size());
    std::ofstream(path, std::ios::binary) << bytes << header;
    const auto result = test::run_cli({"inspect", path.string()});
    qInfo("%s", result.output.c_str());
    QVERIFY(result.exit_code != 0);
    VERIFY_OUTPUT(result, path.string());
    const auto missing = test::run_cli({"inspect", (dir / "absent.safetensors").string()});
    QVERIFY(missing.exit_code != 0);
    VERIFY_OUTPUT(missing, (dir / "absent.safetensors").string());
  }
};

PARTEDIT_TEST(TestCliBasic);
#undef VERIFY_OUTPUT
}  // namespace test_cli_basic
#include "test_cli_basic.moc"
