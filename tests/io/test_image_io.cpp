// Image files: round trips, the parameters text, formats, bad input, atomic writes.
#include <QtTest>

#include <fstream>

#include <ATen/ATen.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "io/image_io.h"
#include "io/webp_metadata.h"
#include "runtime/error.h"
#include "support/test_support.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_image_io {

using namespace partedit;
namespace fs = std::filesystem;

namespace {

at::Tensor test_image(int64_t h = 24, int64_t w = 40) {
  at::manual_seed(7);
  return at::rand({3, h, w});
}

std::string file_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

size_t count_files(const fs::path& dir) {
  size_t n = 0;
  for (const auto& e : fs::directory_iterator(dir)) n += e.is_regular_file() || e.is_directory();
  return n;
}

const std::string kParameters =
    "a photo of a cat in a park\nNegative prompt: blurry\n"
    "Steps: 10, Sampler: DDIM, CFG scale: 7.5, Seed: 42, Size: 128x128, Model: tiny-sdxl";

}  // namespace

class TestImageIo : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void crcMatchesKnownValue() {
    // The standard check value of CRC-32/ISO-HDLC.
    QCOMPARE(crc32("123456789", 9), uint32_t(0xCBF43926));
  }

  void pngRoundTripKeepsPixelsAndParameters() {
    test::TempDir dir;
    const auto image = test_image();
    write_image(dir / "a.png", image, kParameters);
    const auto back = read_image(dir / "a.png");
    PE_VERIFY_SHAPE(back, image);
    const double err = test::max_abs_diff(back, image);
    qInfo() << "PNG round trip max abs error" << err << "(8-bit quantisation bound 0.5/255 =" << 0.5 / 255 << ")";
    PE_VERIFY_LE(err, 0.5 / 255 + 1e-6);
    const auto text = read_image_parameters(dir / "a.png");
    QVERIFY(text.has_value());
    QCOMPARE(*text, kParameters);
    // The chunk sits right after IHDR and the file is still a PNG OpenCV decodes.
    const std::string bytes = file_bytes(dir / "a.png");
    QCOMPARE(bytes.substr(37, 4), std::string("tEXt"));
    QVERIFY(!cv::imread((dir / "a.png").string()).empty());
  }

  void pngNonAsciiParametersUseItxt() {
    test::TempDir dir;
    const std::string text = "une photo d'un chat \xC3\xA0 Z\xC3\xBCrich \xE7\x8C\xAB\nSteps: 5";
    write_image(dir / "u.png", test_image(8, 8), text);
    QCOMPARE(file_bytes(dir / "u.png").substr(37, 4), std::string("iTXt"));
    QCOMPARE(read_image_parameters(dir / "u.png").value_or(""), text);
  }

  // Qt, Krita and GIMP write long text compressed (zTXt, or iTXt with its flag set); a
  // compressed chunk that inflates past 1 MiB is read as no parameters, not inflated whole.
  void pngCompressedParametersAreRead() {
    test::TempDir dir;
    write_image(dir / "plain.png", test_image(8, 8));
    const std::string png = file_bytes(dir / "plain.png");
    const auto with_chunk = [&](const std::string& type, const std::string& data) {
      std::string chunk(4, '\0');
      for (int i = 0; i < 4; ++i) chunk[i] = char((data.size() >> (24 - 8 * i)) & 0xFF);
      const std::string body = type + data;
      const uint32_t crc = crc32(body.data(), body.size());
      chunk += body;
      for (int i = 0; i < 4; ++i) chunk += char((crc >> (24 - 8 * i)) & 0xFF);
      std::string out = png;
      out.insert(33, chunk);  // after the signature and IHDR
      return out;
    };
    const auto write = [&](const fs::path& path, const std::string& bytes) {
      std::ofstream(path, std::ios::binary) << bytes;
      return path;
    };
    // kParameters deflated by zlib.compress (level 9), as a zTXt and as a compressed iTXt.
    const std::string deflated = test::read_bytes(test::data_dir() / "png_text" / "parameters.zlib");
    const std::string key = std::string("parameters") + '\0';
    QCOMPARE(read_image_parameters(write(dir / "z.png", with_chunk("zTXt", key + '\0' + deflated))).value_or(""),
             kParameters);
    QCOMPARE(read_image_parameters(write(dir / "i.png", with_chunk("iTXt", key + "\x01" + '\0' + "en" + '\0' + '\0' +
                                                                          deflated)))
                 .value_or(""),
             kParameters);
    QVERIFY(!read_image_parameters(write(dir / "cut.png", with_chunk("zTXt", key + '\0' + deflated.substr(0, 20))))
                 .has_value());
    const std::string bomb = test::read_bytes(test::data_dir() / "png_text" / "zeros_2mib.zlib");
    QVERIFY(!read_image_parameters(write(dir / "bomb.png", with_chunk("zTXt", key + '\0' + bomb))).has_value());
  }

  void pngWithoutParametersHasNone() {
    test::TempDir dir;
    write_image(dir / "n.png", test_image(8, 8));
    QVERIFY(!read_image_parameters(dir / "n.png").has_value());
  }

  void jpegAndWebpWrite() {
    test::TempDir dir;
    const auto image = at::full({3, 32, 48}, 0.25);
    image[0].fill_(0.8);
    write_image(dir / "a.jpg", image, kParameters);
    write_image(dir / "b.JPEG", image);
    write_image(dir / "c.webp", image);
    const auto jpg = read_image(dir / "a.jpg");
    const auto webp = read_image(dir / "c.webp");
    PE_VERIFY_SHAPE(jpg, image);
    PE_VERIFY_SHAPE(webp, image);
    const double ej = (jpg - image).abs().mean().item<double>();
    const double ew = (webp - image).abs().mean().item<double>();
    qInfo() << "flat image mean abs error: JPEG" << ej << "WebP" << ew;
    PE_VERIFY_LE(ej, 0.02);
    PE_VERIFY_LE(ew, 0.02);
    QCOMPARE(read_image_parameters(dir / "a.jpg").value_or(""), kParameters);
    QVERIFY(fs::file_size(dir / "b.JPEG") > 0);
  }

  void webpCarriesParametersAsA1111Does() {
    // A1111 writes WebP text as an EXIF UserComment: "UNICODE\0" + UTF-16 big-endian, in the
    // Exif IFD, in the EXIF chunk of an extended (VP8X) container.
    test::TempDir dir;
    const auto image = test_image(20, 30);
    const std::string text = kParameters + ", Edit prompt: \"a cat, with a robotic head\", Photo: \"caf\u00e9 \U0001F431.jpg\"";
    write_image(dir / "p.webp", image, text);
    const std::string bytes = file_bytes(dir / "p.webp");
    QCOMPARE(bytes.substr(0, 4), std::string("RIFF"));
    const uint32_t riff_size = uint8_t(bytes[4]) | uint8_t(bytes[5]) << 8 | uint8_t(bytes[6]) << 16 | uint32_t(uint8_t(bytes[7])) << 24;
    QCOMPARE(size_t(riff_size) + 8, bytes.size());
    QCOMPARE(bytes.substr(8, 8), std::string("WEBPVP8X"));
    QVERIFY(uint8_t(bytes[20]) & 0x08);  // the EXIF flag
    // Canvas 30 x 20, stored minus one, 24-bit little-endian.
    QCOMPARE(int(uint8_t(bytes[24])) | int(uint8_t(bytes[25])) << 8, 29);
    QCOMPARE(int(uint8_t(bytes[27])) | int(uint8_t(bytes[28])) << 8, 19);
    const size_t exif = bytes.find("EXIF");
    QVERIFY(exif != std::string::npos);
    const std::string tiff = bytes.substr(exif + 8, 8);
    QCOMPARE(tiff.substr(0, 4), std::string("MM\0\x2a", 4));
    QVERIFY(bytes.find(std::string("UNICODE\0\0a\0 \0p", 14)) != std::string::npos);  // "a p" in UTF-16BE
    QCOMPARE(read_image_parameters(dir / "p.webp").value_or(""), text);
    // The pixels still decode (libwebp reads the extended container).
    const auto back = read_image(dir / "p.webp");
    PE_VERIFY_SHAPE(back, image);
    // Without parameters the file stays a simple one, with nothing to read.
    write_image(dir / "n.webp", image);
    QCOMPARE(file_bytes(dir / "n.webp").substr(8, 4), std::string("WEBP"));
    QVERIFY(file_bytes(dir / "n.webp").find("VP8X") == std::string::npos);
    QVERIFY(!read_image_parameters(dir / "n.webp").has_value());
  }

  void exifUserCommentOfOtherWriters() {
    // A little-endian block written by hand (as a camera or Pillow would): IFD0 -> Exif IFD ->
    // UserComment "UNICODE\0" + UTF-16LE "Hi,é".
    std::string t("II\x2a\0\x08\0\0\0", 8);
    auto u16 = [&](uint16_t v) { t.push_back(char(v & 0xFF)); t.push_back(char(v >> 8)); };
    auto u32 = [&](uint32_t v) { u16(v & 0xFFFF); u16(v >> 16); };
    u16(1); u16(0x8769); u16(4); u32(1); u32(26); u32(0);  // IFD0 at 8, Exif IFD at 26
    u16(1); u16(0x9286); u16(7); u32(16); u32(44); u32(0);  // data at 44
    t += std::string("UNICODE\0", 8);
    for (uint16_t c : {uint16_t('H'), uint16_t('i'), uint16_t(','), uint16_t(0xE9)}) u16(c);
    QCOMPARE(exif_user_comment(t).value_or("?"), std::string("Hi,\u00e9"));
    QCOMPARE(exif_user_comment(std::string("Exif\0\0", 6) + t).value_or("?"), std::string("Hi,\u00e9"));  // APP1 form
    QVERIFY(!exif_user_comment(t.substr(0, 30)).has_value());  // truncated: nothing, no throw
    QVERIFY(!exif_user_comment("not exif").has_value());
    // Our own block reads back, whatever the text.
    const std::string odd = "line 1\nSteps: 2, Odd: \"a\\b\"";
    QCOMPARE(exif_user_comment(exif_with_user_comment(odd)).value_or("?"), odd);
  }

  void unknownExtensionIsAnError() {
    test::TempDir dir;
    bool thrown = false;
    try {
      write_image(dir / "a.bmpx", test_image(8, 8));
    } catch (const Error& e) {
      thrown = std::string(e.what()).find(".bmpx") != std::string::npos;
    }
    QVERIFY(thrown);
    QCOMPARE(count_files(dir.path()), size_t(0));
    QVERIFY_THROWS_EXCEPTION(Error, write_image(dir / "noext", test_image(8, 8)));
  }

  void unreadableFileIsAnErrorNamingIt() {
    test::TempDir dir;
    std::ofstream(dir / "junk.png") << "this is not an image";
    for (const fs::path& p : {dir / "junk.png", dir / "missing.png"}) {
      bool named = false;
      try {
        read_image(p);
      } catch (const Error& e) {
        named = std::string(e.what()).find(p.filename().string()) != std::string::npos;
      }
      QVERIFY2(named, qPrintable(QString::fromStdString(p.string())));
    }
  }

  void reads16BitGreyAndRgba() {
    test::TempDir dir;
    // 16-bit RGB: values survive at 16-bit precision.
    cv::Mat bgr16(4, 5, CV_16UC3);
    for (int y = 0; y < 4; ++y)
      for (int x = 0; x < 5; ++x) bgr16.at<cv::Vec3w>(y, x) = cv::Vec3w(1000 * x, 3000 * y, 65535);
    QVERIFY(cv::imwrite((dir / "c16.png").string(), bgr16));
    auto t = read_image(dir / "c16.png");
    QCOMPARE(t.sizes().vec(), (std::vector<int64_t>{3, 4, 5}));
    QVERIFY(std::abs(t[0][1][2].item<double>() - 1.0) < 1e-6);               // R = 65535
    QVERIFY(std::abs(t[1][3][0].item<double>() - 9000.0 / 65535) < 1e-6);   // G
    QVERIFY(std::abs(t[2][0][4].item<double>() - 4000.0 / 65535) < 1e-6);   // B
    // Grey: replicated to three equal channels.
    cv::Mat grey(3, 3, CV_8UC1, cv::Scalar(51));
    QVERIFY(cv::imwrite((dir / "g.png").string(), grey));
    t = read_image(dir / "g.png");
    QCOMPARE(t.sizes().vec(), (std::vector<int64_t>{3, 3, 3}));
    QVERIFY(t.sub(0.2).abs().max().item<double>() < 1e-6);
    // RGBA: alpha composited over white.
    cv::Mat bgra(2, 2, CV_8UC4, cv::Scalar(0, 0, 255, 255));  // opaque red
    bgra.at<cv::Vec4b>(1, 1) = cv::Vec4b(0, 0, 255, 0);       // transparent
    QVERIFY(cv::imwrite((dir / "a.png").string(), bgra));
    t = read_image(dir / "a.png");
    QCOMPARE(t.sizes().vec(), (std::vector<int64_t>{3, 2, 2}));
    QVERIFY(t.select(1, 0).select(1, 0).equal(at::tensor({1.f, 0.f, 0.f})));
    QVERIFY(t.select(1, 1).select(1, 1).equal(at::tensor({1.f, 1.f, 1.f})));
    // 16-bit TIFF reads too.
    QVERIFY(cv::imwrite((dir / "c16.tif").string(), bgr16));
    QVERIFY(std::abs(read_image(dir / "c16.tif")[0][1][2].item<double>() - 1.0) < 1e-6);
  }

  void writeIsAtomic() {
    test::TempDir dir;
    const auto first = at::zeros({3, 8, 8});
    write_image(dir / "x.png", first, "first");
    const std::string before = file_bytes(dir / "x.png");
    // A failing write (a bad tensor) leaves the old file as it was and no temporary file.
    QVERIFY_THROWS_EXCEPTION(Error, write_image(dir / "x.png", at::zeros({2, 8, 8})));
    QCOMPARE(file_bytes(dir / "x.png"), before);
    // A failing rename (the target is a folder) leaves nothing behind either.
    fs::create_directory(dir / "d.png");
    QVERIFY_THROWS_EXCEPTION(Error, write_image(dir / "d.png", first));
    QVERIFY(fs::is_directory(dir / "d.png"));
    // A missing folder is an error naming the file.
    QVERIFY_THROWS_EXCEPTION(Error, write_image(dir / "no" / "such.png", first));
    // A successful overwrite replaces the file in one step; no temporary files remain.
    write_image(dir / "x.png", at::ones({3, 8, 8}), "second");
    QCOMPARE(read_image_parameters(dir / "x.png").value_or(""), std::string("second"));
    QCOMPARE(count_files(dir.path()), size_t(2));  // x.png and the folder d.png
  }
};

PARTEDIT_TEST(TestImageIo);
}  // namespace test_image_io
#include "test_image_io.moc"
