// Replays every input that once crashed a parser (tests/data/crashers/<target>/) and every
// fuzzing seed (tests/fuzz/corpus/<target>/) through the fuzz target functions, in the normal
// build: no clang needed, so CI catches a regression of any crash the fuzzers or a bad-input
// sweep found. An input may be refused with partedit::Error; a crash fails the suite (QtTest
// names the row it was in), any other exception fails its row.
#include <QtTest>

#include <algorithm>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "fuzz/fuzz_targets.h"
#include "support/test_support.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_crashers {

using namespace partedit;
namespace fs = std::filesystem;

namespace {

fs::path crashers_dir() { return test::data_dir() / "crashers"; }
fs::path corpus_dir() { return test::data_dir().parent_path() / "fuzz" / "corpus"; }

const fuzz::FuzzTarget* target_named(const std::string& name) {
  for (const fuzz::FuzzTarget& target : fuzz::fuzz_targets())
    if (target.name == name) return &target;
  return nullptr;
}

// The files of `dir` in name order (none when it does not exist).
std::vector<fs::path> files_in(const fs::path& dir) {
  std::vector<fs::path> files;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return files;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.is_regular_file()) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

class TestCrashers : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  // A folder named after no target would silently never be replayed.
  void everyFolderNamesATarget() {
    for (const fs::path& root : {crashers_dir(), corpus_dir()}) {
      std::error_code ec;
      if (!fs::is_directory(root, ec)) continue;
      for (const auto& entry : fs::directory_iterator(root)) {
        const std::string name = entry.path().filename().string();
        if (entry.is_directory() && !target_named(name))
          QFAIL(qPrintable(QString::fromStdString(entry.path().string() + " names no fuzz target (see tests/fuzz/fuzz_targets.h)")));
      }
    }
  }

  void everyTargetHasSeeds() {
    for (const fuzz::FuzzTarget& target : fuzz::fuzz_targets())
      QVERIFY2(!files_in(corpus_dir() / target.name).empty(), target.name);
  }

  void replay_data() {
    QTest::addColumn<QString>("target");
    QTest::addColumn<QString>("file");
    for (const fuzz::FuzzTarget& target : fuzz::fuzz_targets())
      for (const fs::path& root : {crashers_dir(), corpus_dir()})
        for (const fs::path& file : files_in(root / target.name)) {
          const std::string tag = root.filename().string() + "/" + target.name + "/" + file.filename().string();
          QTest::newRow(tag.c_str()) << QString(target.name) << QString::fromStdString(file.string());
        }
  }

  void replay() {
    QFETCH(QString, target);
    QFETCH(QString, file);
    const std::string bytes = test::read_bytes(file.toStdString());
    QVERIFY2(!bytes.empty() || fs::file_size(file.toStdString()) == 0, "cannot read the input");
    const fuzz::FuzzTarget* run = target_named(target.toStdString());
    QVERIFY(run);
    qInfo("replaying %s", qPrintable(file));  // a crash ends the process: the last line names the input
    try {
      run->run(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
    } catch (const std::exception& e) {
      QFAIL(qPrintable(QString("an exception other than partedit::Error escaped: ") + e.what()));
    }
  }
};

PARTEDIT_TEST(TestCrashers);
}  // namespace test_crashers
#include "test_crashers.moc"
