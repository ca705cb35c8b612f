// Photos the bad-input sweep of issue 9 (§4.4-§4.6) tripped over: small photos (PngSuite's
// 32 × 32 files, a 59 × 100 camera JPEG) are scaled up with a note instead of refused, a
// damaged file is reported as damaged whatever its size, a JPEG cut short is read with a
// warning saying what is missing, damaged PNGs are described in our words with nothing from
// libpng on stderr, and folders, devices and empty files are named for what they are.
// Every file is made here with OpenCV and then cut or altered byte by byte.
#include <QtTest>

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <regex>

#include <ATen/ATen.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "io/photo_fit.h"
#include "io/image_io.h"
#include "io/image_photo.h"
#include "io/stderr_capture.h"
#include "runtime/error.h"
#include "support/test_support.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_image_damage {

using namespace partedit;
namespace fs = std::filesystem;
using Bytes = std::string;

namespace {

void save(const fs::path& p, const Bytes& bytes) { std::ofstream(p, std::ios::binary) << bytes; }

Bytes encode(const cv::Mat& m, const char* ext, std::vector<int> params = {}) {
  std::vector<uchar> v;
  if (!cv::imencode(ext, m, v, params)) throw std::runtime_error("imencode failed");
  return Bytes(v.begin(), v.end());
}

// A smooth colour image (a 4 × 6 random grid enlarged), so that JPEG keeps it well.
cv::Mat smooth_image(int h, int w, uint64_t seed = 1) {
  cv::RNG rng(seed);
  cv::Mat small(4, 6, CV_8UC3), m;
  rng.fill(small, cv::RNG::UNIFORM, 0, 256);
  cv::resize(small, m, cv::Size(w, h), 0, 0, cv::INTER_LINEAR);
  return m;
}

uint32_t get32be(const Bytes& b, size_t at) {
  uint32_t v = 0;
  for (size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<uint8_t>(b[at + i]);
  return v;
}

void put32be_at(Bytes& b, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + i] = static_cast<char>(v >> (24 - 8 * i));
}

// Offset of the first chunk of `type` (its length field) in a PNG.
size_t chunk_at(const Bytes& png, const char* type) {
  size_t at = 8;
  while (png.compare(at + 4, 4, type) != 0) at += 12 + get32be(png, at);
  return at;
}

// Recomputes the CRC of the chunk at `at`, so that only its content is damaged.
void fix_crc(Bytes& png, size_t at) {
  const uint32_t length = get32be(png, at);
  put32be_at(png, at + 8 + length, crc32(png.data() + at + 4, length + 4));
}

Bytes with_ancillary_chunk_bad_crc(const Bytes& png) {
  const size_t iend = chunk_at(png, "IEND");
  return png.substr(0, iend) + Bytes("\0\0\0\x04tEXtabcd\0\0\0\0", 16) + png.substr(iend);
}

// Everything written to file descriptor 2 while `f` runs, captured here independently of
// the code under test (which must leave nothing there).
template <typename F>
std::string stderr_of(F&& f) {
  std::fflush(stderr);
  char name[] = "/tmp/partedit-test-stderr-XXXXXX";
  const int fd = ::mkstemp(name);
  const int saved = ::dup(2);
  ::dup2(fd, 2);
  f();
  std::fflush(stderr);
  ::dup2(saved, 2);
  ::close(saved);
  ::close(fd);
  std::ifstream in(name, std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ::unlink(name);
  return text;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string joined(const std::vector<std::string>& lines) {
  std::string all;
  for (const auto& l : lines) all += l + "\n";
  return all;
}

// The percentage in "the bottom N % of the picture is missing"; -1 when absent.
int missing_percent(const std::string& warning, const std::string& side) {
  std::smatch m;
  if (!std::regex_search(warning, m, std::regex("the " + side + " ([0-9]+) % of the picture is missing"))) return -1;
  return std::stoi(m[1].str());
}

}  // namespace

class TestImageDamage : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  // §4.4: PngSuite's 32 × 32 files were refused ("at least 64 pixels").
  void smallPngIsScaledUpWithANote() {
    test::TempDir dir;
    save(dir / "tiny.png", encode(smooth_image(32, 32), ".png"));
    const Photo p = load_photo((dir / "tiny.png").string());  // SDXL's policy: 1024² budget, shorter side 256
    PE_VERIFY_SHAPE(p.original, at::empty({3, 32, 32}));
    PE_VERIFY_SHAPE(p.working, at::empty({3, 256, 256}));
    QCOMPARE(p.fit.crop_width, int64_t(32));
    QCOMPARE(p.fit.crop_height, int64_t(32));
    QCOMPARE(p.fit.scale_x, 8.0);
    QCOMPARE(p.notes.size(), size_t(1));
    QVERIFY2(contains(p.notes[0], "tiny.png is 32x32 pixels; it is edited at 256x256 (scaled up") &&
                 contains(p.notes[0], "scaled back"),
             p.notes[0].c_str());
    QVERIFY2(p.warnings.empty(), joined(p.warnings).c_str());
    // A working-size result goes back at the photo's size: the upscaled photo itself returns
    // to within the resampling error of bicubic up and antialiased bicubic down on a smooth
    // image (measured 2e-3; one 8-bit step is 3.9e-3).
    const at::Tensor back = map_to_original(p.working, p.fit, false);
    PE_VERIFY_SHAPE(back, p.original);
    PE_VERIFY_LE((back - p.original).abs().mean().item<double>(), 4e-3);
  }

  // §4.4: a 59 × 100 camera JPEG: the shorter side goes to 256, the aspect kept to within
  // one original pixel, and the note says so.
  void smallJpegKeepsItsAspect() {
    test::TempDir dir;
    save(dir / "camera.jpg", encode(smooth_image(100, 59), ".jpg"));
    const Photo p = load_photo((dir / "camera.jpg").string());
    QCOMPARE(p.fit.width, int64_t(256));
    QCOMPARE(p.fit.height, int64_t(432));  // 100 × 256/59 = 433.9, floored to a multiple of 8
    QCOMPARE(p.fit.crop_width, int64_t(59));
    QVERIFY(p.fit.crop_height >= 99 && p.fit.crop_height <= 100);
    PE_VERIFY_LE(std::abs(p.fit.scale_x - p.fit.scale_y), p.fit.scale_x / p.fit.crop_height);  // one original pixel
    QVERIFY2(p.notes.size() == 1 && contains(p.notes[0], "camera.jpg is 59x100 pixels; it is edited at 256x432"),
             joined(p.notes).c_str());
    QCOMPARE(map_to_original(p.working[0], p.fit, true).sizes().vec(), (std::vector<int64_t>{100, 59}));
  }

  // §3.5: whenever the working size differs from the photo's, one line says so.
  void fitDescriptions() {
    FitOptions tiny = FitOptions::for_model(128, 8);  // the tiny test model: 128² budget, shorter side 32
    QCOMPARE(tiny.min_side, int64_t(32));
    QCOMPARE(tiny.pixel_budget, int64_t(128 * 128));
    QCOMPARE(describe_fit(fit_photo(64, 96, tiny), "same.png"), std::string());
    const std::string trimmed = describe_fit(fit_photo(101, 70, tiny), "odd.png");
    QVERIFY2(contains(trimmed, "odd.png is 101x70 pixels; it is edited at 96x64 (trimmed by 5x6 pixels to multiples of 8"),
             trimmed.c_str());
    const std::string down = describe_fit(fit_photo(4000, 3000), "big.jpg");
    QVERIFY2(contains(down, "big.jpg is 4000x3000 pixels; it is edited at ") && contains(down, "scaled down") &&
                 contains(down, "scaled back"),
             down.c_str());
    // Photos between the smallest working side and the budget keep their scale (only trimmed).
    const PhotoFit mid = fit_photo(300, 400);
    QCOMPARE(mid.width, int64_t(296));
    QCOMPARE(mid.height, int64_t(400));
  }

  // §4.4: a damaged 32 × 32 PNG is reported as damaged, not as small (the sweep saw
  // "too small" for PngSuite's corrupt 32 × 32 files).
  void damagedSmallPngIsReportedAsDamaged() {
    test::TempDir dir;
    Bytes png = encode(smooth_image(32, 32), ".png");
    png[29] ^= 0x01;  // the IHDR CRC (8 signature + 4 length + 4 type + 13 data)
    save(dir / "xhd.png", png);
    const std::string msg = test::error_of([&] { load_photo((dir / "xhd.png").string()); });
    QVERIFY2(contains(msg, "xhd.png is damaged or not a PNG: bad CRC in chunk IHDR"), msg.c_str());
    QVERIFY2(!contains(msg, "small"), msg.c_str());
  }

  // §4.5: a JPEG cut in half was read silently; it is read as far as it goes, with a warning
  // in our words saying which part is missing.
  void truncatedJpegIsReadWithAWarning() {
    test::TempDir dir;
    const Bytes jpg = encode(smooth_image(200, 160), ".jpg", {cv::IMWRITE_JPEG_QUALITY, 95});
    save(dir / "half.jpg", jpg.substr(0, jpg.size() / 2));
    Photo p;
    const std::string err = stderr_of([&] { p = load_photo((dir / "half.jpg").string()); });
    QVERIFY2(err.empty(), err.c_str());
    PE_VERIFY_SHAPE(p.original, at::empty({3, 200, 160}));
    const std::string w = joined(p.warnings);
    QVERIFY2(contains(w, "half.jpg is damaged: the file ends before the end of the image data; the bottom "), w.c_str());
    // Half of the bytes hold roughly the top half of a smooth picture; the rest repeats the
    // last row read. The detected part must be a real share of the picture, not 0 or all.
    const int percent = missing_percent(w, "bottom");
    qInfo() << "missing:" << percent << "%";
    QVERIFY2(percent >= 20 && percent <= 80, w.c_str());
    const at::Tensor bottom = p.original.narrow(1, 199, 1);  // the last row repeats the one above it
    QCOMPARE(test::max_abs_diff(bottom, p.original.narrow(1, 198, 1)), 0.0);
    // read_image (the caption command's reader) says the same.
    std::vector<std::string> read_warnings;
    const at::Tensor image = read_image(dir / "half.jpg", &read_warnings);
    QCOMPARE(image.sizes().vec(), (std::vector<int64_t>{3, 200, 160}));
    QVERIFY2(contains(joined(read_warnings), "half.jpg is damaged: the file ends before the end"),
             joined(read_warnings).c_str());
  }

  // The missing part is named where it is displayed: EXIF orientation 6 (rotate 90°
  // clockwise) puts the stored bottom rows on the left.
  void truncatedRotatedJpegNamesTheDisplayedSide() {
    test::TempDir dir;
    const Bytes jpg = encode(smooth_image(200, 160), ".jpg");
    Bytes tiff("MM\0\x2a\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01\0\x06\0\0\0\0\0\0", 26);  // IFD0: Orientation 6
    const Bytes body = Bytes("Exif\0\0", 6) + tiff;
    Bytes app1 = "\xFF\xE1";
    app1 += {char((body.size() + 2) >> 8), char((body.size() + 2) & 0xFF)};
    const Bytes rotated = jpg.substr(0, 2) + app1 + body + jpg.substr(2);
    save(dir / "rot.jpg", rotated.substr(0, rotated.size() / 2));
    const Photo p = load_photo((dir / "rot.jpg").string());
    PE_VERIFY_SHAPE(p.original, at::empty({3, 160, 200}));
    QVERIFY2(missing_percent(joined(p.warnings), "left") > 0, joined(p.warnings).c_str());
  }

  // §4.6: damaged PNGs are described in our words; libpng prints nothing.
  void damagedPngsAreDescribedInOurWords() {
    test::TempDir dir;
    const Bytes png = encode(smooth_image(48, 40), ".png");
    const size_t idat = chunk_at(png, "IDAT");
    const uint32_t idat_length = get32be(png, idat);
    struct Case {
      std::string name;
      Bytes bytes;
      std::string reason;
    };
    std::vector<Case> cases;
    Bytes b = png;
    b[idat + 8 + idat_length / 2] ^= 0x55;
    cases.push_back({"idat_crc.png", b, "bad CRC in chunk IDAT"});
    b = png;
    b[idat + 8] ^= 0x0F;  // the zlib stream's header, under a valid CRC: only libpng can tell
    fix_crc(b, idat);
    cases.push_back({"zlib_header.png", b, "the compressed image data (IDAT chunk) is corrupt: incorrect header check"});
    b = png;
    b[25] = 1;  // colour type 1 (PngSuite xc1n0g08)
    fix_crc(b, 8);
    cases.push_back({"colour1.png", b, "invalid colour type 1 in IHDR"});
    b = png;
    b[24] = 3;  // bit depth 3 (xd3n2c08)
    fix_crc(b, 8);
    cases.push_back({"depth3.png", b, "invalid bit depth 3 for colour type 2"});
    cases.push_back({"no_idat.png", png.substr(0, idat) + png.substr(idat + 12 + idat_length), "no image data"});
    cases.push_back({"cut_idat.png", png.substr(0, idat + 8 + idat_length / 2), "it ends inside the image data (IDAT chunk)"});
    cases.push_back({"no_iend.png", png.substr(0, chunk_at(png, "IEND")), "before the end chunk (IEND)"});
    b = png;
    b[0] = 0x09;  // high bit lost (xs1n0g01)
    cases.push_back({"signature.png", b, "PNG signature is altered"});
    cases.push_back({"crlf.png", png.substr(0, 4) + "\r\r\n" + png.substr(6), "PNG signature is altered"});
    for (const auto& c : cases) {
      save(dir / c.name, c.bytes);
      std::string photo_msg, read_msg;
      const std::string err = stderr_of([&] {
        photo_msg = test::error_of([&] { load_photo((dir / c.name).string()); });
        read_msg = test::error_of([&] { read_image(dir / c.name); });
      });
      qInfo("%s: %s", c.name.c_str(), photo_msg.c_str());
      for (const auto& msg : {photo_msg, read_msg})
        QVERIFY2(contains(msg, c.name + " is damaged or not a PNG: ") && contains(msg, c.reason),
                 qPrintable(QString::fromStdString(c.name + ": '" + msg + "'")));
      QVERIFY2(err.empty(), qPrintable(QString::fromStdString(c.name + " printed: " + err)));
    }
  }

  // Damage inside the compressed data under a valid CRC: libpng stops (an error) or, when
  // the rows were all read, only the final checksum fails (a warning). Either way the
  // message is ours and names the image data; which one depends on where zlib's stream
  // breaks, so both are accepted.
  void corruptCompressedDataIsNamed() {
    test::TempDir dir;
    for (const bool noise : {false, true}) {
      cv::Mat m = smooth_image(48, 40);
      if (noise) cv::RNG(7).fill(m, cv::RNG::UNIFORM, 0, 256);
      Bytes png = encode(m, ".png");
      const size_t idat = chunk_at(png, "IDAT");
      png[idat + 8 + get32be(png, idat) / 2] ^= 0x55;
      fix_crc(png, idat);
      save(dir / "data.png", png);
      std::string msg;
      const std::string err = stderr_of([&] {
        msg = test::error_of([&] {
          const Photo p = load_photo((dir / "data.png").string());
          throw Error("decoded with warnings: " + joined(p.warnings));
        });
      });
      qInfo("%s: %s", noise ? "noise" : "smooth", msg.c_str());
      QVERIFY2(contains(msg, "data.png is damaged") && contains(msg, "the compressed image data (IDAT chunk) is corrupt"),
               msg.c_str());
      QVERIFY2(err.empty(), err.c_str());
    }
  }

  // A damaged ancillary chunk is skipped (as libpng does) with our warning, not libpng's.
  void damagedAncillaryChunkIsAWarning() {
    test::TempDir dir;
    save(dir / "text.png", with_ancillary_chunk_bad_crc(encode(smooth_image(48, 40), ".png")));
    Photo p;
    const std::string err = stderr_of([&] { p = load_photo((dir / "text.png").string()); });
    QVERIFY2(err.empty(), err.c_str());
    QVERIFY2(contains(joined(p.warnings), "text.png is damaged: the tEXt chunk has a bad CRC and was ignored"),
             joined(p.warnings).c_str());
    QVERIFY2(!contains(joined(p.warnings), "libpng"), joined(p.warnings).c_str());
  }

  // §4.6: a folder or /dev/null gave "no such file".
  void foldersDevicesAndEmptyFilesAreNamed() {
    test::TempDir dir;
    fs::create_directory(dir / "album.png");
    save(dir / "empty.jpg", "");
    const std::vector<std::pair<std::string, std::string>> cases = {
        {(dir / "album.png").string(), "album.png is a folder, not an image"},
        {"/dev/null", "/dev/null is not a regular file"},
        {(dir / "empty.jpg").string(), "empty.jpg is empty (0 bytes)"},
        {(dir / "missing.png").string(), "missing.png: no such file"},
    };
    for (const auto& [path, expected] : cases) {
      for (const auto& msg : {test::error_of([&] { load_photo(path); }), test::error_of([&] { read_image(path); }),
                              test::error_of([&] { check_photo_file(path); })})
        QVERIFY2(contains(msg, expected), qPrintable(QString::fromStdString(path + ": '" + msg + "'")));
    }
  }

  // What another thread writes to stderr during a capture is passed on, not swallowed.
  void stderrCaptureReturnsTheTextAndRestoresStderr() {
    std::string inner;
    const std::string outer = stderr_of([&] {
      StderrCapture capture;
      std::fprintf(stderr, "libpng warning: from the library\n");
      inner = capture.finish();
      std::fprintf(stderr, "after\n");
    });
    QCOMPARE(inner, std::string("libpng warning: from the library\n"));
    QCOMPARE(outer, std::string("after\n"));
    const std::string passed = stderr_of([] {
      std::string text;
      {
        StderrCapture capture;
        std::fprintf(stderr, "another thread's line\n");
        text = capture.finish();
      }
      StderrCapture::reemit(text);
    });
    QCOMPARE(passed, std::string("another thread's line\n"));
  }
};

PARTEDIT_TEST(TestImageDamage);
}  // namespace test_image_damage
#include "test_image_damage.moc"
