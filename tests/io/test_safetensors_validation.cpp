// The reader's validation as the reference reader (huggingface/safetensors) does it, and
// messages that stay ours, printable and bounded whatever the file holds (issue 9, §4.2,
// §4.3, §4.6 and §3.5). Each case was accepted, or reported badly, before.
#include <QtTest>

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include <ATen/ATen.h>
#include <torch/nn/module.h>

#include "io/json_config.h"
#include "io/safetensors.h"
#include "io/weights.h"
#include "runtime/error.h"
#include "support/test_support.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_safetensors_validation {

using namespace partedit;
namespace fs = std::filesystem;

namespace {

// A file made of the 8-byte little-endian length of `header`, `header` and `data`.
void write_raw(const fs::path& path, const std::string& header, const std::string& data = {}) {
  const uint64_t n = header.size();
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  for (int i = 0; i < 8; ++i) out.put(static_cast<char>((n >> (8 * i)) & 0xff));
  out << header << data;
}

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

bool mentions(const std::string& message, const std::string& needle) {
  return message.find(needle) != std::string::npos;
}

// Every byte printable ASCII: the temporary paths are ASCII, so anything else came from
// the file's bytes.
bool printable_ascii(const std::string& message) {
  for (const char c : message)
    if (c < 0x20 || c > 0x7e) return false;
  return true;
}

std::string open_error(const fs::path& path) {
  return test::error_of([&] { SafetensorsFile file(path); });
}

const char* kEntryW = R"("w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]})";

}  // namespace

// The message must exist, be a partedit::Error, name the file, mention `needle`, and be
// printable ASCII.
#define EXPECT_OPEN_ERROR(path, needle)                                          \
  do {                                                                           \
    const std::string pe_msg = open_error(path);                                 \
    qInfo("%s", pe_msg.c_str());                                                 \
    QVERIFY2(!pe_msg.empty(), "no partedit::Error thrown");                      \
    QVERIFY2(!mentions(pe_msg, "wrong exception type"), pe_msg.c_str());         \
    QVERIFY2(mentions(pe_msg, (path).string()), pe_msg.c_str());                 \
    QVERIFY2(mentions(pe_msg, needle), pe_msg.c_str());                          \
    QVERIFY2(printable_ascii(pe_msg), pe_msg.c_str());                           \
  } while (0)

class TestSafetensorsValidation : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  // §4.3: nlohmann takes a NUL for the end of its input, so NUL padding passed.
  void nulPaddingIsRefused() {
    test::TempDir dir;
    write_raw(dir / "n.safetensors", "{" + std::string(kEntryW) + "}" + std::string(5, '\0'), std::string(4, '\0'));
    EXPECT_OPEN_ERROR(dir / "n.safetensors", "NUL");
    // Spaces are the padding the format uses; they still load.
    write_raw(dir / "s.safetensors", "{" + std::string(kEntryW) + "}" + std::string(5, ' '), std::string(4, '\0'));
    QCOMPARE(SafetensorsFile(dir / "s.safetensors").entries().size(), size_t(1));
  }
  void byteOrderMarkIsRefused() {
    test::TempDir dir;
    write_raw(dir / "b.safetensors", "\xEF\xBB\xBF{" + std::string(kEntryW) + "}", std::string(4, '\0'));
    EXPECT_OPEN_ERROR(dir / "b.safetensors", "byte order mark");
  }
  void gapBetweenTensorsIsRefused() {
    test::TempDir dir;
    write_raw(dir / "g.safetensors",
              R"({"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]},
                  "b": {"dtype": "F32", "shape": [1], "data_offsets": [8, 12]}})",
              std::string(12, '\0'));
    EXPECT_OPEN_ERROR(dir / "g.safetensors", "gap before tensor 'b'");
    write_raw(dir / "h.safetensors", R"({"a": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}})",
              std::string(8, '\0'));
    EXPECT_OPEN_ERROR(dir / "h.safetensors", "bytes 0 to 4");
  }
  void emptyTensorInsideAnotherIsAnOverlap() {
    // The old check skipped empty tensors; the reference requires each to start where the
    // one before ends.
    test::TempDir dir;
    write_raw(dir / "o.safetensors",
              R"({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
                  "e": {"dtype": "F32", "shape": [0], "data_offsets": [4, 4]}})",
              std::string(8, '\0'));
    EXPECT_OPEN_ERROR(dir / "o.safetensors", "tensor 'e'");
    QVERIFY(mentions(open_error(dir / "o.safetensors"), "overlaps tensor 'a'"));
  }
  void trailingBytesAreRefused() {
    test::TempDir dir;
    write_raw(dir / "t.safetensors", "{" + std::string(kEntryW) + "}", std::string(7, '\0'));
    EXPECT_OPEN_ERROR(dir / "t.safetensors", "3 trailing bytes");
  }
  void emptyHeaderWithDataIsRefused() {
    test::TempDir dir;
    write_raw(dir / "e.safetensors", "{}", std::string(16, '\0'));
    EXPECT_OPEN_ERROR(dir / "e.safetensors", "no tensors");
    write_raw(dir / "z.safetensors", "{}      ");  // no tensors, no data: valid
    QVERIFY(SafetensorsFile(dir / "z.safetensors").entries().empty());
  }
  void keyRepeatedWithinAnEntryIsRefused() {
    // nlohmann keeps the last "dtype", so this F16/F32 entry read as a valid F32 tensor.
    test::TempDir dir;
    write_raw(dir / "k.safetensors",
              R"({"w": {"dtype": "F16", "dtype": "F32", "shape": [1], "data_offsets": [0, 4]}})",
              std::string(4, '\0'));
    EXPECT_OPEN_ERROR(dir / "k.safetensors", "tensor 'w' has the key 'dtype' twice");
  }
  void repeatedMetadataIsNamedAsSuch() {
    test::TempDir dir;
    write_raw(dir / "m.safetensors", R"({"__metadata__": {"a": "1"}, "__metadata__": {"b": "2"}})");
    EXPECT_OPEN_ERROR(dir / "m.safetensors", "__metadata__ appears twice");
    QVERIFY(!mentions(open_error(dir / "m.safetensors"), "tensor '"));
    write_raw(dir / "n.safetensors", R"({"__metadata__": {"a": "1", "a": "2"}})");
    EXPECT_OPEN_ERROR(dir / "n.safetensors", "__metadata__ has the key 'a' twice");
  }

  // §4.6: nlohmann's "[json.exception.parse_error.101] ... last read: '<raw bytes>'".
  void invalidJsonGivesOurPrintableMessage() {
    test::TempDir dir;
    write_raw(dir / "j.safetensors", std::string("{\"w\": \xFF\x01\x1B[31m}"));
    EXPECT_OPEN_ERROR(dir / "j.safetensors", "not valid JSON (near byte 6");
    const auto message = open_error(dir / "j.safetensors");
    QVERIFY2(mentions(message, "\\xFF\\x01\\x1B[31m"), message.c_str());
    QVERIFY2(!mentions(message, "json.exception"), message.c_str());
  }
  void hugeNameIsCutInMessages() {
    test::TempDir dir;
    const std::string name(100000, 'n');
    write_raw(dir / "h.safetensors", "{\"" + name + "\": {\"dtype\": \"F99\", \"shape\": [1], \"data_offsets\": [0, 4]}}",
              std::string(4, '\0'));
    EXPECT_OPEN_ERROR(dir / "h.safetensors", "(100000 characters)");
    QVERIFY(open_error(dir / "h.safetensors").size() < 400 + (dir / "h.safetensors").string().size());
  }
  void controlBytesInNamesAreEscaped() {
    test::TempDir dir;
    write_raw(dir / "c.safetensors", "{\"w\\u001b[2J\": {\"dtype\": \"F99\", \"shape\": [1], \"data_offsets\": [0, 4]}}",
              std::string(4, '\0'));
    EXPECT_OPEN_ERROR(dir / "c.safetensors", "'w\\x1B[2J'");
  }

  // §3.5: `inspect` on a PNG reported a header length of ~7e17 bytes.
  void pngIsNotASafetensorsFile() {
    test::TempDir dir;
    write_text(dir / "image.png", std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x02\0\0\0", 29));
    EXPECT_OPEN_ERROR(dir / "image.png", "is not a safetensors file (it is a PNG image)");
    write_text(dir / "noise.bin", std::string("\x01\x02\x03\x04\x05\x06\x07\x08garbage", 15));
    EXPECT_OPEN_ERROR(dir / "noise.bin", "is not a safetensors file");
    write_text(dir / "short.bin", std::string("\x05\0\0\0\0\0\0\0[1,2]", 13));
    EXPECT_OPEN_ERROR(dir / "short.bin", "is not a safetensors file (its header does not start with '{')");
  }

  // The loader's lists: 40,000 long names used to be printed 12 at a time, each whole.
  void loaderListsAreCapped() {
    test::TempDir dir;
    const auto path = dir / "many.safetensors";
    NamedTensors tensors;
    const auto one = at::ones({1});
    for (int i = 0; i < 40000; ++i) tensors.emplace_back(std::to_string(i) + std::string(300, 'x'), one);
    write_safetensors(path, tensors);
    torch::nn::Module module;
    module.register_parameter("weight", at::zeros({1}));
    const auto message = test::error_of([&] { load_weights(module, WeightSet::open_file(path)); });
    qInfo("%s", message.c_str());
    QVERIFY2(mentions(message, "unexpected in the file (40000)"), message.c_str());
    QVERIFY2(mentions(message, "and 39990 more"), message.c_str());
    QVERIFY2(mentions(message, "missing from the file (1): weight"), message.c_str());
    QVERIFY2(message.size() < 2000 + path.string().size(), message.c_str());
  }

  // §4.2: 20,000 tensors (2.2 s before; the time itself is measured by the benchmark).
  void twentyThousandTensorsParse() {
    test::TempDir dir;
    const auto path = dir / "many.safetensors";
    NamedTensors tensors;
    for (int i = 0; i < 20000; ++i) tensors.emplace_back("t." + std::to_string(i), at::full({1}, float(i)));
    write_safetensors(path, tensors, {{"format", "pt"}});
    SafetensorsFile file(path);
    QCOMPARE(file.entries().size(), size_t(20000));
    uint64_t expected_begin = 0;
    for (const auto& e : file.entries()) {  // offset order, contiguous
      QCOMPARE(e.begin, expected_begin);
      expected_begin = e.end;
    }
    QCOMPARE(file.tensor("t.12345").item<float>(), 12345.0f);
    QCOMPARE(file.metadata().at("format"), std::string("pt"));
  }
  void writerPadsWithSpaces() {
    test::TempDir dir;
    const auto path = dir / "w.safetensors";
    write_safetensors(path, {{"abc", at::ones({3})}});  // a 57-byte header: 7 spaces of padding
    std::ifstream in(path, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    uint64_t n = 0;
    for (int i = 7; i >= 0; --i) n = (n << 8) | static_cast<uint8_t>(bytes[i]);
    QCOMPARE(n % 8, uint64_t(0));
    const std::string header = bytes.substr(8, n);
    QCOMPARE(header.front(), '{');
    QCOMPARE(header.find_first_not_of(' ', header.rfind('}') + 1), std::string::npos);
  }

  // config.json and index files: our words, the file named, printable.
  void jsonConfigErrorsAreOurs() {
    test::TempDir dir;
    write_text(dir / "config.json", std::string("{\"a\": 1,\n \"b\": \xFF\x1B[0m}"));
    const auto message = test::error_of([&] { read_json_file(dir / "config.json"); });
    qInfo("%s", message.c_str());
    QVERIFY2(mentions(message, (dir / "config.json").string() + " is not valid JSON (near byte 15"), message.c_str());
    QVERIFY2(mentions(message, "\\xFF\\x1B[0m"), message.c_str());
    QVERIFY2(!mentions(message, "json.exception"), message.c_str());
    QVERIFY2(printable_ascii(message), message.c_str());
    write_text(dir / "empty.json", "");
    QVERIFY(mentions(test::error_of([&] { read_json_file(dir / "empty.json"); }), "is empty"));
    write_text(dir / "cut.json", "{\"a\": [1, 2");
    QVERIFY(mentions(test::error_of([&] { read_json_file(dir / "cut.json"); }), "ends before"));
  }
  void wrongTypeValueIsBounded() {
    test::TempDir dir;
    std::string list = "[";
    for (int i = 0; i < 10000; ++i) list += (i ? "," : "") + std::to_string(i);
    write_text(dir / "config.json", "{\"in_channels\": " + list + "]}");
    const auto config = JsonConfig::load(dir / "config.json");
    const auto message = test::error_of([&] { config.get<int64_t>("in_channels"); });
    QVERIFY2(mentions(message, "'in_channels'") && mentions(message, "characters)"), message.c_str());
    QVERIFY2(message.size() < 300 + dir.path().string().size(), message.c_str());
  }
};

PARTEDIT_TEST(TestSafetensorsValidation);
#undef EXPECT_OPEN_ERROR
}  // namespace test_safetensors_validation
#include "test_safetensors_validation.moc"
