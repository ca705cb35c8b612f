// The one atomic writer (io/atomic_file.h): a commit replaces the target whole, an abandoned
// write leaves the old file and no temporary behind, and a killed writer's leftovers are
// found by name.
#include <QtTest>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "io/atomic_file.h"
#include "support/test_support.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_atomic_file {

using namespace partedit;
namespace fs = std::filesystem;

size_t entries_in(const fs::path& folder) {
  return static_cast<size_t>(std::distance(fs::directory_iterator(folder), fs::directory_iterator()));
}

class TestAtomicFile : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void commitReplacesTheTarget() {
    test::TempDir dir;
    write_file_atomically(dir / "a.txt", "old");
    AtomicFile file(dir / "a.txt");
    file.write("new ");
    file.write(std::string("content"));
    QCOMPARE(test::read_bytes(dir / "a.txt"), std::string("old"));  // readers see the old file until the commit
    file.commit();
    QCOMPARE(test::read_bytes(dir / "a.txt"), std::string("new content"));
    QCOMPARE(entries_in(dir.path()), size_t(1));
    QVERIFY(!test::error_of([&] { file.write("more"); }).empty());
  }
  void anAbandonedWriteChangesNothing() {
    test::TempDir dir;
    write_file_atomically(dir / "a.txt", "old");
    {
      AtomicFile file(dir / "a.txt");
      file.write("half");
    }
    QCOMPARE(test::read_bytes(dir / "a.txt"), std::string("old"));
    QCOMPARE(entries_in(dir.path()), size_t(1));
  }
  void staleTemporariesOfTheTargetOnly() {
    test::TempDir dir;
    for (const char* name : {".a.txt.tmp-12-0", ".a.txt.tmp-99-7", ".b.txt.tmp-12-0", "a.txt", ".a.txt.bak"})
      std::ofstream(dir / name) << "x";
    remove_stale_temporaries(dir / "a.txt");
    QVERIFY(!fs::exists(dir / ".a.txt.tmp-12-0"));
    QVERIFY(!fs::exists(dir / ".a.txt.tmp-99-7"));
    QVERIFY(fs::exists(dir / ".b.txt.tmp-12-0"));
    QVERIFY(fs::exists(dir / "a.txt"));
    QVERIFY(fs::exists(dir / ".a.txt.bak"));
  }
  // The folder-at-once form removes the temporaries of the named files only.
  void staleTemporariesOfManyTargetsInOnePass() {
    test::TempDir dir;
    for (const char* name : {".a.txt.tmp-12-0", ".b.png.tmp-99-7", ".c.txt.tmp-12-0", "a.txt", ".a.txt.bak", ".tmp-1-2",
                             ".x.tmp-1.png.tmp-5-6"})
      std::ofstream(dir / name) << "x";
    remove_stale_temporaries(dir.path(), {"a.txt", "b.png", "x.tmp-1.png"});
    QVERIFY(!fs::exists(dir / ".a.txt.tmp-12-0"));
    QVERIFY(!fs::exists(dir / ".b.png.tmp-99-7"));
    QVERIFY(!fs::exists(dir / ".x.tmp-1.png.tmp-5-6"));
    for (const char* kept : {".c.txt.tmp-12-0", "a.txt", ".a.txt.bak", ".tmp-1-2"}) QVERIFY2(fs::exists(dir / kept), kept);
  }
  void aFolderThatCannotBeWrittenNamesTheFile() {
    if (::geteuid() == 0) QSKIP("root may write into a read-only folder");
    test::TempDir dir;
    fs::create_directory(dir / "locked");
    fs::permissions(dir / "locked", fs::perms::owner_read | fs::perms::owner_exec);
    const std::string message = test::error_of([&] { write_file_atomically(dir / "locked" / "a.txt", "x"); });
    fs::permissions(dir / "locked", fs::perms::owner_all);
    QVERIFY2(message.find("cannot write " + (dir / "locked" / "a.txt").string()) != std::string::npos, message.c_str());
  }
  void aMissingFolderNamesTheFile() {
    test::TempDir dir;
    const std::string message = test::error_of([&] { write_file_atomically(dir / "no" / "a.txt", "x"); });
    QVERIFY2(message.find("cannot write " + (dir / "no" / "a.txt").string()) != std::string::npos, message.c_str());
  }
};

PARTEDIT_TEST(TestAtomicFile);
}  // namespace test_atomic_file
#include "test_atomic_file.moc"
