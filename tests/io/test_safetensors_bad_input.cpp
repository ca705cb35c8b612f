// Safetensors reader on malformed input (every case must throw partedit::Error naming the
// file, and the tensor where one is at fault) and the atomicity of the writer.
#include <QtTest>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include <ATen/ATen.h>

#include "io/safetensors.h"
#include "runtime/error.h"
#include "support/test_support.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_safetensors_bad_input {

using namespace partedit;
namespace fs = std::filesystem;

namespace {

// A file made of the 8-byte little-endian length, `header` and `data`; `declared_length`
// overrides the length field.
void write_raw(const fs::path& path, const std::string& header, const std::string& data = {},
               int64_t declared_length = -1) {
  const uint64_t n = declared_length < 0 ? header.size() : static_cast<uint64_t>(declared_length);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  for (int i = 0; i < 8; ++i) out.put(static_cast<char>((n >> (8 * i)) & 0xff));
  out << header << data;
}

// Opens `path` and returns the message of the partedit::Error it must throw ("" if none).
std::string open_error(const fs::path& path) {
  try {
    SafetensorsFile file(path);
  } catch (const Error& e) {
    qInfo("%s", e.what());
    return e.what();
  } catch (const std::exception& e) {
    return std::string("wrong exception type: ") + e.what();
  }
  return {};
}

bool mentions(const std::string& message, const std::string& needle) {
  return message.find(needle) != std::string::npos;
}

std::vector<std::string> files_in(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

// The message must name the file and, where given, the tensor.
#define EXPECT_OPEN_ERROR(path, tensor)                                               \
  do {                                                                                \
    const std::string pe_msg = open_error(path);                                      \
    QVERIFY2(!pe_msg.empty(), "no partedit::Error thrown");                           \
    QVERIFY2(!mentions(pe_msg, "wrong exception type"), pe_msg.c_str());              \
    QVERIFY2(mentions(pe_msg, (path).string()), pe_msg.c_str());                      \
    QVERIFY2(mentions(pe_msg, tensor), pe_msg.c_str());                               \
  } while (0)

class TestSafetensorsBadInput : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void emptyFile() {
    test::TempDir dir;
    std::ofstream(dir / "empty.safetensors").close();
    EXPECT_OPEN_ERROR(dir / "empty.safetensors", "0 bytes");
  }
  void shorterThanEightBytes() {
    test::TempDir dir;
    std::ofstream(dir / "short.safetensors", std::ios::binary) << "abc";
    EXPECT_OPEN_ERROR(dir / "short.safetensors", "3 bytes");
  }
  void missingFile() {
    test::TempDir dir;
    EXPECT_OPEN_ERROR(dir / "absent.safetensors", "cannot open");
  }
  void headerLongerThanFile() {
    test::TempDir dir;
    write_raw(dir / "h.safetensors", "{}", "", 4096);
    EXPECT_OPEN_ERROR(dir / "h.safetensors", "header length 4096");
  }
  void headerNotJson() {
    test::TempDir dir;
    write_raw(dir / "j.safetensors", "{\"a\": [1, 2");
    EXPECT_OPEN_ERROR(dir / "j.safetensors", "JSON");
    write_raw(dir / "k.safetensors", "[1, 2, 3]");
    EXPECT_OPEN_ERROR(dir / "k.safetensors", "does not start with '{'");
  }
  void truncatedData() {
    test::TempDir dir;
    const auto path = dir / "t.safetensors";
    write_safetensors(path, {{"first", at::ones({4})}, {"second", at::ones({16})}});
    fs::resize_file(path, fs::file_size(path) - 10);
    EXPECT_OPEN_ERROR(path, "'second'");
  }
  void offsetsOutOfRange() {
    test::TempDir dir;
    write_raw(dir / "o.safetensors", R"({"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}})",
              std::string(4, '\0'));
    EXPECT_OPEN_ERROR(dir / "o.safetensors", "'w'");
  }
  void beginAfterEnd() {
    test::TempDir dir;
    write_raw(dir / "b.safetensors", R"({"w": {"dtype": "F32", "shape": [0], "data_offsets": [8, 4]}})",
              std::string(8, '\0'));
    EXPECT_OPEN_ERROR(dir / "b.safetensors", "'w'");
  }
  void malformedOffsetsAndShape() {
    test::TempDir dir;
    write_raw(dir / "n.safetensors", R"({"w": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}})",
              std::string(4, '\0'));
    EXPECT_OPEN_ERROR(dir / "n.safetensors", "'w'");
    write_raw(dir / "m.safetensors", R"({"w": {"dtype": "F32", "shape": [1], "data_offsets": [0]}})",
              std::string(4, '\0'));
    EXPECT_OPEN_ERROR(dir / "m.safetensors", "'w'");
    write_raw(dir / "x.safetensors", R"({"w": {"dtype": "F32", "shape": [1]}})", std::string(4, '\0'));
    EXPECT_OPEN_ERROR(dir / "x.safetensors", "'w'");
  }
  void unknownDtype() {
    test::TempDir dir;
    write_raw(dir / "d.safetensors", R"({"w": {"dtype": "F33", "shape": [1], "data_offsets": [0, 4]}})",
              std::string(4, '\0'));
    EXPECT_OPEN_ERROR(dir / "d.safetensors", "'w'");
    QVERIFY(mentions(open_error(dir / "d.safetensors"), "F33"));
  }
  void byteCountInconsistentWithShape() {
    test::TempDir dir;
    write_raw(dir / "c.safetensors", R"({"w": {"dtype": "F16", "shape": [3], "data_offsets": [0, 4]}})",
              std::string(8, '\0'));
    EXPECT_OPEN_ERROR(dir / "c.safetensors", "'w'");
  }
  void byteCountOverflow() {
    // 2^40 * 2^21 F64 elements are 2^64 bytes: wraps to 0 in 64-bit arithmetic.
    test::TempDir dir;
    write_raw(dir / "v.safetensors",
              R"({"w": {"dtype": "F64", "shape": [1099511627776, 2097152], "data_offsets": [0, 0]}})");
    EXPECT_OPEN_ERROR(dir / "v.safetensors", "'w'");
  }
  void overlappingTensors() {
    test::TempDir dir;
    write_raw(dir / "p.safetensors",
              R"({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
                  "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}})",
              std::string(12, '\0'));
    EXPECT_OPEN_ERROR(dir / "p.safetensors", "'a'");
    QVERIFY(mentions(open_error(dir / "p.safetensors"), "'b'"));
  }
  void overlapBehindEmptyTensor() {
    test::TempDir dir;
    write_raw(dir / "q.safetensors",
              R"({"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]},
                  "e": {"dtype": "F32", "shape": [0], "data_offsets": [4, 4]},
                  "c": {"dtype": "F32", "shape": [1], "data_offsets": [8, 12]}})",
              std::string(16, '\0'));
    // In offset order the empty 'e' is the first to start inside 'a' (as the reference reader sees it).
    EXPECT_OPEN_ERROR(dir / "q.safetensors", "overlaps tensor 'a'");
  }
  void duplicateTensorNames() {
    test::TempDir dir;
    write_raw(dir / "u.safetensors",
              R"({"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]},
                  "w": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}})",
              std::string(8, '\0'));
    EXPECT_OPEN_ERROR(dir / "u.safetensors", "'w'");
  }
  void nonStringMetadata() {
    test::TempDir dir;
    write_raw(dir / "s.safetensors", R"({"__metadata__": {"format": 1}})");
    EXPECT_OPEN_ERROR(dir / "s.safetensors", "'format'");
    write_raw(dir / "t.safetensors", R"({"__metadata__": "pt"})");
    EXPECT_OPEN_ERROR(dir / "t.safetensors", "__metadata__");
  }
  void readingAbsentTensorNamesIt() {
    test::TempDir dir;
    write_safetensors(dir / "a.safetensors", {{"w", at::ones({2})}});
    SafetensorsFile file(dir / "a.safetensors");
    try {
      file.tensor("nope");
      QFAIL("no error for an absent tensor");
    } catch (const Error& e) {
      QVERIFY(mentions(e.what(), "'nope'") && mentions(e.what(), (dir / "a.safetensors").string()));
    }
  }

  void writtenFileReopens() {
    test::TempDir dir;
    const auto path = dir / "ok.safetensors";
    const auto a = at::randn({3, 4});
    const auto b = at::arange(5, at::kInt);
    const auto e = at::empty({0, 3});
    write_safetensors(path, {{"a", a}, {"b", b}, {"empty", e}, {"flag", at::ones({1}, at::kBool)}}, {{"k", "v"}});
    SafetensorsFile file(path);
    QCOMPARE(file.entries().size(), size_t(4));
    QVERIFY(file.tensor("a").equal(a));
    QVERIFY(file.view("b").equal(b));
    QCOMPARE(file.tensor("empty").sizes().vec(), (std::vector<int64_t>{0, 3}));
    QCOMPARE(file.metadata().at("k"), std::string("v"));
  }
  void failedWriteLeavesOldFileIntact() {
    test::TempDir dir;
    const auto path = dir / "keep.safetensors";
    const auto old = at::randn({8});
    write_safetensors(path, {{"old", old}});
    const auto size_before = fs::file_size(path);
    const auto attempt = [&](const NamedTensors& tensors, const std::string& needle) {
      try {
        write_safetensors(path, tensors);
        QFAIL("write_safetensors accepted invalid tensors");
      } catch (const Error& e) {
        qInfo("%s", e.what());
        QVERIFY2(mentions(e.what(), path.string()) && mentions(e.what(), needle), e.what());
      }
    };
    attempt({{"good", at::ones({2})}, {"z", at::ones({2}, at::kComplexFloat)}}, "'z'");
    attempt({{"dup", at::ones({1})}, {"dup", at::ones({1})}}, "'dup'");
    attempt({{"undefined", at::Tensor()}}, "'undefined'");
    QCOMPARE(files_in(dir.path()), std::vector<std::string>{"keep.safetensors"});
    QCOMPARE(fs::file_size(path), size_before);
    SafetensorsFile file(path);
    QVERIFY(file.tensor("old").equal(old));
  }
  void writeIntoMissingFolderFails() {
    test::TempDir dir;
    const auto path = dir / "no" / "such" / "x.safetensors";
    try {
      write_safetensors(path, {{"w", at::ones({1})}});
      QFAIL("no error for a missing folder");
    } catch (const Error& e) {
      QVERIFY2(mentions(e.what(), path.string()), e.what());
    }
    QVERIFY(files_in(dir.path()).empty());
  }
  void overwriteReplacesContent() {
    test::TempDir dir;
    const auto path = dir / "w.safetensors";
    write_safetensors(path, {{"v1", at::ones({100})}});
    write_safetensors(path, {{"v2", at::zeros({3})}});
    SafetensorsFile file(path);
    QVERIFY(!file.contains("v1"));
    QVERIFY(file.tensor("v2").equal(at::zeros({3})));
    QCOMPARE(files_in(dir.path()), std::vector<std::string>{"w.safetensors"});
  }
};

PARTEDIT_TEST(TestSafetensorsBadInput);
#undef EXPECT_OPEN_ERROR
}  // namespace test_safetensors_bad_input
#include "test_safetensors_bad_input.moc"
