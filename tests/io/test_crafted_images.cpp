// Crafted and cut image files (issue 21, item 1): the 43-byte PNG whose tEXt chunk declares
// 2 GiB with 10 bytes left (the header reader's length check wrapped around and read the CRC
// far past the buffer: SIGSEGV in every command that opens an image), chunks cut inside
// their CRC, a WebP EXIF chunk shorter than the "Exif" prefix it seems to have, and every
// prefix of small PNG, JPEG and WebP files carrying metadata: each is read or refused with
// an Error, never a crash or another exception. Files are made here; the PNG is also kept
// in tests/data/crashers/image_header for the crasher replay.
#include <QtTest>

#include <fstream>

#include <ATen/ATen.h>

#include "io/image_header.h"
#include "io/image_io.h"
#include "io/webp_metadata.h"
#include "runtime/error.h"
#include "support/test_support.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_crafted_images {

using namespace partedit;
namespace fs = std::filesystem;
using Bytes = std::string;

namespace {

void save(const fs::path& p, const Bytes& bytes) { std::ofstream(p, std::ios::binary) << bytes; }

Bytes be32(uint32_t v) {
  Bytes out;
  for (int i = 3; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
  return out;
}

Bytes png_chunk(const Bytes& type, const Bytes& data) {
  const Bytes body = type + data;
  return be32(static_cast<uint32_t>(data.size())) + body + be32(crc32(body.data(), body.size()));
}

// Signature and a valid IHDR of a 1 x 1 8-bit RGB image: 33 bytes.
Bytes png_start() {
  return Bytes("\x89PNG\r\n\x1a\n", 8) + png_chunk("IHDR", be32(1) + be32(1) + Bytes("\x08\x02\x00\x00\x00", 5));
}

// The file: after IHDR, a tEXt chunk declaring 0x7FFFFFF0 bytes, cut 10 bytes in.
Bytes png_length_past_end() { return png_start() + Bytes("\x7F\xFF\xFF\xF0tEXtab", 10); }

// Runs `f`; fails the test on any exception but partedit::Error. Returns whether it threw.
template <typename F>
bool refused_or_read(F&& f, const std::string& what) {
  try {
    f();
  } catch (const Error&) {
    return true;
  } catch (const std::exception& e) {
    qWarning("%s: %s", what.c_str(), e.what());
    throw;
  }
  return false;
}

at::Tensor small_image() { return at::linspace(0, 1, 3 * 12 * 16).view({3, 12, 16}); }

// A JPEG with an EXIF APP1 segment whose UserComment holds `text` (what A1111 writes).
Bytes jpeg_with_exif_comment(const fs::path& dir, const Bytes& text) {
  write_image(dir / "plain.jpg", small_image());
  const Bytes jpeg = test::read_bytes(dir / "plain.jpg");
  const Bytes exif = Bytes("Exif\0\0", 6) + exif_with_user_comment(text);
  const size_t length = exif.size() + 2;
  const Bytes app1 = Bytes("\xFF\xE1", 2) + static_cast<char>(length >> 8) + static_cast<char>(length & 0xFF) + exif;
  return jpeg.substr(0, 2) + app1 + jpeg.substr(2);
}

}  // namespace

class TestCraftedImages : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void pngChunkLengthPastTheEnd() {
    const Bytes png = png_length_past_end();
    QCOMPARE(png.size(), size_t(43));
    QCOMPARE(test::read_bytes(test::data_dir() / "crashers/image_header/png_text_chunk_length_past_end.png"), png);

    const auto header_error = test::error_of([&] { read_image_header(png, "crafted.png"); });
    QVERIFY2(header_error.find("crafted.png is damaged or not a PNG: the file is truncated: it ends inside the tEXt chunk") !=
                 std::string::npos,
             header_error.c_str());
    QVERIFY(!png_parameters(png));

    test::TempDir dir;
    save(dir / "crafted.png", png);
    QVERIFY(!read_image_parameters(dir / "crafted.png"));
    const auto read_error = test::error_of([&] { read_image(dir / "crafted.png"); });
    QVERIFY2(read_error.find("crafted.png is damaged or not a PNG: the file is truncated") != std::string::npos,
             read_error.c_str());
  }

  // A chunk whose 8-byte length and type are there but whose CRC (or data) is cut, for each
  // of the 8 to 11 bytes that can be left, with small and huge declared lengths.
  void pngChunkCutInsideItsCrc() {
    for (size_t left = 8; left < 12; ++left) {
      for (uint32_t length : {0u, 1u, 3u, 0x7FFFFFF0u, 0x7FFFFFFFu}) {
        const Bytes chunk = be32(length) + "tEXt" + Bytes(4, 'x');
        const Bytes png = png_start() + chunk.substr(0, left);
        const auto error = test::error_of([&] { read_image_header(png, "cut.png"); });
        QVERIFY2(error.find("cut.png is damaged or not a PNG: the file is truncated: it ends inside the tEXt chunk") !=
                     std::string::npos,
                 qPrintable(QString::fromStdString(std::to_string(left) + " bytes, length " + std::to_string(length) +
                                                   ": " + error)));
        QVERIFY(!png_parameters(png));
      }
    }
  }

  // The RIFF walk took an EXIF chunk of 2 bytes followed by "if\0\0" as holding the JPEG
  // prefix "Exif\0\0" and read the orientation from the TIFF block after it, outside the chunk.
  void webpExifChunkShorterThanItsPrefix() {
    const Bytes tiff = Bytes("MM\0*\0\0\0\x08\0\x01", 10) + Bytes("\x01\x12\0\x03\0\0\0\x01\0\x06\0\0", 12) + Bytes(4, '\0');
    QCOMPARE(exif_orientation(tiff), 6);  // the block alone is read
    const Bytes vp8x = Bytes("VP8X\x0A\0\0\0", 8) + Bytes("\x08\0\0\0\x0F\0\0\x0B\0\0", 10);  // 16 x 12
    const Bytes exif = Bytes("EXIF\x02\0\0\0", 8) + "Exif" + Bytes("\0\0", 2) + tiff;
    const Bytes body = "WEBP" + vp8x + exif;
    Bytes webp = "RIFF";
    for (int i = 0; i < 4; ++i) webp.push_back(static_cast<char>((body.size() >> (8 * i)) & 0xFF));
    webp += body;
    const ImageHeader h = read_image_header(webp, "short-exif.webp");
    QCOMPARE(h.width, int64_t(16));
    QCOMPARE(h.height, int64_t(12));
    QCOMPARE(h.orientation, 1);
  }

  // Every prefix of a PNG, JPEG and WebP with metadata goes through the header reader, the
  // parameter readers and the image reader: a result or an Error each time.
  void everyPrefixIsReadOrRefused_data() {
    QTest::addColumn<QString>("format");
    QTest::newRow("png") << "png";
    QTest::newRow("jpeg-exif") << "jpg";
    QTest::newRow("webp") << "webp";
  }
  void everyPrefixIsReadOrRefused() {
    QFETCH(QString, format);
    test::TempDir dir;
    const Bytes text = "a red car, Steps: 20, Seed: 7";
    Bytes whole;
    if (format == "jpg") {
      whole = jpeg_with_exif_comment(dir.path(), text);
    } else {
      const fs::path file = dir / ("whole." + format.toStdString());
      write_image(file, small_image(), text);
      whole = test::read_bytes(file);
    }
    save(dir / "whole.img", whole);
    QCOMPARE(read_image_parameters(dir / "whole.img").value_or("(none)"), text);
    QCOMPARE(read_image(dir / "whole.img").sizes(), small_image().sizes());

    const fs::path cut = dir / "cut.img";
    int header_refusals = 0;
    for (size_t n = 0; n < whole.size(); ++n) {
      const Bytes prefix = whole.substr(0, n);
      const std::string at = format.toStdString() + " cut to " + std::to_string(n) + " bytes";
      header_refusals += refused_or_read([&] { read_image_header(prefix, "cut.img"); }, at) ? 1 : 0;
      refused_or_read([&] { png_parameters(prefix); }, at);
      refused_or_read([&] { webp_parameters(prefix); }, at);
      refused_or_read([&] { exif_user_comment(prefix); }, at);
      refused_or_read([&] { exif_orientation(prefix); }, at);
      save(cut, prefix);
      refused_or_read([&] { read_image_parameters(cut); }, at);
      refused_or_read([&] { read_image(cut); }, at);
      if (QTest::currentTestFailed()) return;
    }
    // A PNG is checked whole, so every cut is refused; JPEG and WebP headers end early.
    if (format == "png") QCOMPARE(header_refusals, static_cast<int>(whole.size()));
    QVERIFY(header_refusals > 0);
  }
};

PARTEDIT_TEST(TestCraftedImages);
}  // namespace test_crafted_images
#include "test_crafted_images.moc"
