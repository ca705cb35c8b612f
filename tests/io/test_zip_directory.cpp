// zip_members (issue 21, item 3): the sizes a zip's central directory declares, read before
// anything is extracted. They agree with what LibTorch's reader (miniz) extracts from a real
// torch.save file; the zip64 extra field and the zip64 end record are read; a comment after
// the end record is skipped; and a missing, cut or lying directory is an Error, never a read
// outside the bytes (every prefix of a real archive is tried).
#include <QtTest>

#include <caffe2/serialize/in_memory_adapter.h>
#include <caffe2/serialize/inline_container.h>

#include "io/zip_directory.h"
#include "runtime/error.h"
#include "support/test_support.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_zip_directory {

using namespace partedit;
using Bytes = std::string;

namespace {

Bytes le(uint64_t v, int bytes) {
  Bytes out;
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
  return out;
}

// A central directory entry for `name` declaring `size` bytes (0xFFFFFFFF with a zip64 extra
// field holding `zip64_size` when that is given).
Bytes directory_entry(const Bytes& name, uint32_t size, const Bytes& extra = "") {
  return le(0x02014b50, 4) + le(20, 2) + le(20, 2) + le(0, 2) + le(8, 2) + le(0, 4) + le(0, 4) + le(100, 4) +
         le(size, 4) + le(name.size(), 2) + le(extra.size(), 2) + le(0, 2) + le(0, 2) + le(0, 2) + le(0, 4) +
         le(0, 4) + name + extra;
}

Bytes end_record(uint64_t entries, uint64_t directory_size, uint64_t directory_at, const Bytes& comment = "") {
  return le(0x06054b50, 4) + le(0, 2) + le(0, 2) + le(entries, 2) + le(entries, 2) + le(directory_size, 4) +
         le(directory_at, 4) + le(comment.size(), 2) + comment;
}

// `prefix` (local data, not parsed) then a directory of `entries` and its end record.
Bytes archive(const Bytes& prefix, const std::vector<Bytes>& entries, const Bytes& comment = "") {
  Bytes directory;
  for (const auto& e : entries) directory += e;
  return prefix + directory + end_record(entries.size(), directory.size(), prefix.size(), comment);
}

}  // namespace

class TestZipDirectory : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void agreesWithLibTorchsReader() {
    const Bytes pt = test::read_bytes(test::data_dir() / "tokens" / "valid_2x64.pt");
    const auto members = zip_members(pt);
    QCOMPARE(members.size(), size_t(4));
    auto adapter = std::make_shared<caffe2::serialize::MemoryReadAdapter>(pt.data(), static_cast<off_t>(pt.size()));
    caffe2::serialize::PyTorchStreamReader reader(adapter);
    for (const auto& m : members) {
      const Bytes record = m.name.substr(m.name.find('/') + 1);  // the reader's names drop the archive folder
      QVERIFY2(reader.hasRecord(record), m.name.c_str());
      QCOMPARE(static_cast<uint64_t>(std::get<1>(reader.getRecord(record))), m.uncompressed_size);
    }
    QCOMPARE(members[0].name, std::string("valid_2x64/data.pkl"));
    QCOMPARE(members[2].uncompressed_size, uint64_t(2 * 64 * 4));  // data/0: the float32 [2, 64] storage
  }

  void readsZip64SizesAndSkipsTheComment() {
    const Bytes extra = le(1, 2) + le(16, 2) + le(uint64_t(1) << 40, 8) + le(7, 8);
    const Bytes zip = archive("local data", {directory_entry("a/data.pkl", 12), directory_entry("a/data/0", 0xFFFFFFFF, extra)},
                              "a comment");
    auto members = zip_members(zip);
    QCOMPARE(members.size(), size_t(2));
    QCOMPARE(members[0].name, std::string("a/data.pkl"));
    QCOMPARE(members[0].uncompressed_size, uint64_t(12));
    QCOMPARE(members[1].uncompressed_size, uint64_t(1) << 40);
    // Without its zip64 field the size stays at the marker (4 GiB - 1): still refused as too large.
    members = zip_members(archive("", {directory_entry("b", 0xFFFFFFFF, le(9, 2) + le(0, 2))}));
    QCOMPARE(members[0].uncompressed_size, uint64_t(0xFFFFFFFF));

    // A zip64 end record (pointed to by its locator) overrides the 16/32-bit counts.
    const Bytes local = "x";
    const Bytes directory = directory_entry("big", 5) + directory_entry("bigger", 6);
    const uint64_t zip64_end_at = local.size() + directory.size();
    const Bytes zip64_end = le(0x06064b50, 4) + le(44, 8) + le(45, 2) + le(45, 2) + le(0, 4) + le(0, 4) + le(2, 8) +
                            le(2, 8) + le(directory.size(), 8) + le(local.size(), 8);
    const Bytes locator = le(0x07064b50, 4) + le(0, 4) + le(zip64_end_at, 8) + le(1, 4);
    const Bytes zip64 = local + directory + zip64_end + locator + end_record(0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF);
    members = zip_members(zip64);
    QCOMPARE(members.size(), size_t(2));
    QCOMPARE(members[1].name, std::string("bigger"));
  }

  void damagedDirectoriesAreErrors_data() {
    QTest::addColumn<QByteArray>("zip");
    QTest::addColumn<QString>("message");
    const auto bytes = [](const Bytes& b) { return QByteArray(b.data(), static_cast<int>(b.size())); };
    QTest::newRow("no end record") << bytes(Bytes(100, 'x')) << "no end-of-central-directory record";
    QTest::newRow("too short") << bytes("PK\x05\x06") << "too short to be a zip archive";
    QTest::newRow("directory past the end") << bytes(end_record(1, 46, 1000)) << "lies outside the file";
    QTest::newRow("huge offset and size") << bytes(end_record(1, 0xFFFFFFFF, 0xFFFFFFFF)) << "lies outside the file";
    QTest::newRow("more entries than fit") << bytes("x" + end_record(0xFFFF, 1, 0)) << "lists 65535 members in 1 bytes";
    QTest::newRow("entry without signature") << bytes(Bytes(46, 'y') + end_record(1, 46, 0)) << "member 1 of 1";
    Bytes long_name = directory_entry("name", 3);
    long_name[28] = '\x7F';  // name length 127, past the directory
    QTest::newRow("name past the directory") << bytes(long_name + end_record(1, long_name.size(), 0))
                                             << "member 1 runs past its end";
    const Bytes locator = le(0x07064b50, 4) + le(0, 4) + le(uint64_t(1) << 62, 8) + le(1, 4);
    QTest::newRow("zip64 record outside") << bytes(Bytes(30, 'z') + locator + end_record(0, 0, 0))
                                          << "zip64 directory record lies outside the file";
  }
  void damagedDirectoriesAreErrors() {
    QFETCH(QByteArray, zip);
    QFETCH(QString, message);
    const auto error = test::error_of([&] { zip_members(std::string_view(zip.constData(), size_t(zip.size()))); });
    QVERIFY2(error.find(message.toStdString()) != std::string::npos, error.c_str());
  }

  void everyPrefixIsReadOrRefused() {
    const Bytes pt = test::read_bytes(test::data_dir() / "tokens" / "dict_nested_info.pt");
    for (size_t n = 0; n < pt.size(); ++n) {
      // Only the whole file ends with the end record; every cut refuses, none reads past n bytes.
      const auto error = test::error_of([&] { zip_members(std::string_view(pt.data(), n)); });
      QVERIFY2(!error.empty() && error.find("wrong exception type") == std::string::npos,
               qPrintable(QString::number(n) + ": " + QString::fromStdString(error)));
    }
  }
};

PARTEDIT_TEST(TestZipDirectory);
}  // namespace test_zip_directory
#include "test_zip_directory.moc"
