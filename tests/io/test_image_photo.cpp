// Opening real photos: formats, depths, alpha, EXIF orientation, CMYK JPEG, the working-frame
// fit, and every kind of bad file. Test files are generated here with OpenCV or, where
// OpenCV cannot write them (EXIF blocks, oriented TIFF, CMYK JPEG, huge headers), byte by byte.
#include <QtTest>

#include <unistd.h>

#include <chrono>
#include <fstream>
#include <vector>

#include <ATen/ATen.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "io/image_io.h"
#include "io/image_photo.h"
#include "runtime/error.h"
#include "support/test_support.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_image_photo {

using namespace partedit;
namespace fs = std::filesystem;
using Bytes = std::string;

namespace {

void put16be(Bytes& b, uint32_t v) { b += {char(v >> 8), char(v & 0xFF)}; }
void put32be(Bytes& b, uint32_t v) { put16be(b, v >> 16); put16be(b, v & 0xFFFF); }
void put16le(Bytes& b, uint32_t v) { b += {char(v & 0xFF), char(v >> 8)}; }
void put32le(Bytes& b, uint32_t v) { put16le(b, v & 0xFFFF); put16le(b, v >> 16); }

void save(const fs::path& p, const Bytes& bytes) { std::ofstream(p, std::ios::binary) << bytes; }

Bytes encode(const cv::Mat& m, const char* ext, std::vector<int> params = {}) {
  std::vector<uchar> v;
  if (!cv::imencode(ext, m, v, params)) throw std::runtime_error("imencode failed");
  return Bytes(v.begin(), v.end());
}

cv::Mat decode(const Bytes& b, int flags) {
  return cv::imdecode(cv::Mat(1, int(b.size()), CV_8UC1, const_cast<char*>(b.data())), flags);
}

// A random 8-bit image of depth `type`, smooth enough to survive JPEG.
cv::Mat random_image(int h, int w, int type, bool smooth = false) {
  cv::Mat m(h, w, type);
  cv::randu(m, cv::Scalar::all(0), cv::Scalar::all(CV_MAT_DEPTH(type) == CV_16U ? 65536 : 256));
  if (smooth) {
    cv::Mat small(4, 6, type);
    cv::randu(small, cv::Scalar::all(0), cv::Scalar::all(256));
    cv::resize(small, m, m.size(), 0, 0, cv::INTER_LINEAR);
  }
  return m;
}

// BGR(A)/grey OpenCV image -> expected [3, H, W] float RGB (alpha over white).
at::Tensor expected_rgb(const cv::Mat& m) {
  cv::Mat f;
  m.convertTo(f, CV_MAKETYPE(CV_32F, m.channels()), m.depth() == CV_16U ? 1.0 / 65535 : 1.0 / 255);
  at::Tensor t = at::from_blob(f.data, {f.rows, f.cols, f.channels()}, at::kFloat).permute({2, 0, 1}).clone();
  if (t.size(0) == 1) return t.expand({3, -1, -1}).contiguous();
  at::Tensor rgb = t.narrow(0, 0, 3).flip(0);
  if (t.size(0) == 4) rgb = rgb * t[3] + (1 - t[3]);
  return rgb.contiguous();
}

// TIFF-structured EXIF block (big-endian) holding only IFD0's Orientation.
Bytes exif_block(int orientation) {
  Bytes t("MM\0\x2a\0\0\0\x08", 8);
  put16be(t, 1);                                  // one entry
  put16be(t, 0x0112); put16be(t, 3); put32be(t, 1);  // Orientation, SHORT, count 1
  put16be(t, orientation); put16be(t, 0);
  put32be(t, 0);                                  // no next IFD
  return t;
}

Bytes jpeg_with_exif(const Bytes& jpeg, int orientation) {
  const Bytes body = Bytes("Exif\0\0", 6) + exif_block(orientation);
  Bytes seg = "\xFF\xE1";
  put16be(seg, body.size() + 2);
  return jpeg.substr(0, 2) + seg + body + jpeg.substr(2);
}

Bytes png_chunk(const std::string& type, const Bytes& data) {
  Bytes c;
  put32be(c, data.size());
  const Bytes td = type + data;
  put32be(c, crc32(td.data(), td.size()));
  return c.substr(0, 4) + td + c.substr(4);
}

Bytes png_with_exif(const Bytes& png, int orientation) {
  return png.substr(0, 33) + png_chunk("eXIf", exif_block(orientation)) + png.substr(33);
}

// Lossless WebP re-wrapped in the extended (VP8X) container with an EXIF chunk.
Bytes webp_with_exif(const cv::Mat& m, int orientation) {
  const Bytes simple = encode(m, ".webp", {cv::IMWRITE_WEBP_QUALITY, 101});
  Bytes vp8x = "VP8X";
  put32le(vp8x, 10);
  vp8x += Bytes("\x08\0\0\0", 4);  // EXIF flag
  put32le(vp8x, m.cols - 1); vp8x.pop_back();
  put32le(vp8x, m.rows - 1); vp8x.pop_back();
  Bytes exif = "EXIF";
  const Bytes block = exif_block(orientation);
  put32le(exif, block.size());
  exif += block;
  const Bytes body = "WEBP" + vp8x + simple.substr(12) + exif;
  Bytes riff = "RIFF";
  put32le(riff, body.size());
  return riff + body;
}

// Uncompressed little-endian TIFF, 8-bit, one strip; `extra` = ExtraSamples value (0: none).
Bytes tiff_bytes(const cv::Mat& rgb_or_rgba, int orientation, int extra) {
  const int spp = rgb_or_rgba.channels();
  const Bytes px(reinterpret_cast<const char*>(rgb_or_rgba.data), rgb_or_rgba.total() * spp);
  Bytes t("II*\0", 4);
  const uint32_t ifd = 8 + px.size();
  put32le(t, ifd);
  t += px;
  const int n = 9 + (orientation ? 1 : 0) + (extra ? 1 : 0);
  const uint32_t bps_at = ifd + 2 + 12 * n + 4;
  put16le(t, n);
  auto entry = [&t](int tag, int type, uint32_t count, uint32_t value) {
    put16le(t, tag); put16le(t, type); put32le(t, count);
    if (type == 3 && count == 1) { put16le(t, value); put16le(t, 0); } else { put32le(t, value); }
  };
  entry(256, 3, 1, rgb_or_rgba.cols);
  entry(257, 3, 1, rgb_or_rgba.rows);
  entry(258, 3, spp, bps_at);        // BitsPerSample -> 8, 8, 8(, 8)
  entry(259, 3, 1, 1);               // no compression
  entry(262, 3, 1, 2);               // RGB
  entry(273, 4, 1, 8);               // strip offset
  if (orientation) entry(274, 3, 1, orientation);
  entry(277, 3, 1, spp);
  entry(278, 3, 1, rgb_or_rgba.rows);
  entry(279, 4, 1, px.size());
  if (extra) entry(338, 3, 1, extra);
  put32le(t, 0);
  for (int i = 0; i < spp; ++i) put16le(t, 8);
  return t;
}

// Bit writer of JPEG entropy-coded data (0xFF is followed by a stuffed 0x00).
struct BitWriter {
  Bytes out;
  uint32_t acc = 0;
  int n = 0;
  void put(uint32_t code, int len) {
    for (int i = len - 1; i >= 0; --i) {
      acc = (acc << 1) | ((code >> i) & 1);
      if (++n == 8) {
        out.push_back(char(acc));
        if (acc == 0xFF) out.push_back(0);
        acc = n = 0;
      }
    }
  }
  void flush() { while (n) put(1, 1); }
};

// Baseline JPEG (ITU T.81) of one 8×8 block per component, each block one flat value
// (DC only, quantiser 1): enough to give OpenCV a 4-component (CMYK) file, which it cannot
// write. DC table: T.81 Table K.3; AC table: EOB only.
Bytes flat_jpeg(const std::vector<int>& values, bool adobe) {
  const int nc = int(values.size());
  Bytes j = "\xFF\xD8";
  if (adobe) {  // APP14 "Adobe", version 100, flags 0, transform 0 (CMYK)
    j += "\xFF\xEE"; put16be(j, 14); j += "Adobe"; put16be(j, 100); put16be(j, 0); put16be(j, 0); j.push_back(0);
  }
  j += "\xFF\xDB"; put16be(j, 67); j.push_back(0); j.append(64, char(1));
  j += "\xFF\xC0"; put16be(j, 8 + 3 * nc); j.push_back(8); put16be(j, 8); put16be(j, 8); j.push_back(char(nc));
  for (int c = 0; c < nc; ++c) j += {char(c + 1), char(0x11), char(0)};
  const int dc_bits[16] = {0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0};
  j += "\xFF\xC4"; put16be(j, 2 + 1 + 16 + 12); j.push_back(0x00);
  for (int b : dc_bits) j.push_back(char(b));
  for (int v = 0; v < 12; ++v) j.push_back(char(v));
  j += "\xFF\xC4"; put16be(j, 2 + 1 + 16 + 1); j.push_back(0x10); j.push_back(1); j.append(15, char(0)); j.push_back(0);
  j += "\xFF\xDA"; put16be(j, 6 + 2 * nc); j.push_back(char(nc));
  for (int c = 0; c < nc; ++c) j += {char(c + 1), char(0)};
  j += {char(0), char(63), char(0)};
  uint32_t code[12];
  int len[12];
  for (int l = 1, k = 0, c = 0; l <= 16; ++l, c <<= 1)
    for (int i = 0; i < dc_bits[l - 1]; ++i, ++k) { code[k] = c++; len[k] = l; }
  BitWriter bits;
  for (int v : values) {
    const int d = 8 * (v - 128);  // DC of a flat block: 8 × (level-shifted sample)
    int s = 0;
    while ((d < 0 ? -d : d) >> s) ++s;
    bits.put(code[s], len[s]);
    if (s) bits.put(d >= 0 ? d : d + (1 << s) - 1, s);
    bits.put(0, 1);  // EOB
  }
  bits.flush();
  return j + bits.out + "\xFF\xD9";
}

// A PNG whose IHDR claims width × height RGB pixels, with a token IDAT: decoding it would
// allocate width × height × 3 bytes, so only a header check can refuse it safely.
Bytes png_claiming(uint32_t width, uint32_t height) {
  Bytes ihdr;
  put32be(ihdr, width);
  put32be(ihdr, height);
  ihdr += {char(8), char(2), char(0), char(0), char(0)};
  return Bytes("\x89PNG\r\n\x1a\n", 8) + png_chunk("IHDR", ihdr) + png_chunk("IDAT", Bytes("\x78\x9c\x03\0\0\0\0\x01", 8)) +
         png_chunk("IEND", "");
}

PhotoOptions small_ok() { return PhotoOptions{}; }  // every size is accepted now (small ones scaled up)

}  // namespace

class TestImagePhoto : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void png8KeepsPixelsExactlyWhenUnscaled() {
    test::TempDir dir;
    const cv::Mat m = random_image(131, 203, CV_8UC3);
    save(dir / "a.png", encode(m, ".png"));
    PhotoOptions unscaled;
    unscaled.fit.min_side = 128;  // 131 is above the smallest working side: no upscaling
    const Photo p = load_photo((dir / "a.png").string(), unscaled);
    PE_VERIFY_SHAPE(p.original, at::empty({3, 131, 203}));
    QVERIFY(at::equal(p.original, expected_rgb(m)));
    QVERIFY(!p.alpha.defined());
    // 203 x 131 -> 200 x 128, centred crop, no resampling.
    QCOMPARE(p.fit.width, int64_t(200));
    QCOMPARE(p.fit.height, int64_t(128));
    QCOMPARE(p.fit.crop_x, int64_t(1));
    QCOMPARE(p.fit.crop_y, int64_t(1));
    QCOMPARE(p.fit.scale_x, 1.0);
    QVERIFY(at::equal(p.working, p.original.narrow(1, 1, 128).narrow(2, 1, 200)));
  }

  void png16GreyAndRgba() {
    test::TempDir dir;
    const cv::Mat rgb16 = random_image(64, 72, CV_16UC3);
    save(dir / "c16.png", encode(rgb16, ".png"));
    const Photo p16 = load_photo((dir / "c16.png").string());
    QCOMPARE(p16.header.bit_depth, 16);
    const double err16 = test::max_abs_diff(p16.original, expected_rgb(rgb16));
    qInfo() << "16-bit PNG max abs error" << err16;
    PE_VERIFY_LE(err16, 1e-7);

    const cv::Mat grey = random_image(64, 80, CV_8UC1);
    save(dir / "g.png", encode(grey, ".png"));
    const Photo pg = load_photo((dir / "g.png").string());
    QVERIFY(at::equal(pg.original[0], pg.original[1]) && at::equal(pg.original[0], pg.original[2]));
    QVERIFY(at::equal(pg.original, expected_rgb(grey)));

    const cv::Mat rgba = random_image(64, 64, CV_16UC4);
    save(dir / "a16.png", encode(rgba, ".png"));
    const Photo pa = load_photo((dir / "a16.png").string());
    QVERIFY(pa.alpha.defined());
    PE_VERIFY_SHAPE(pa.alpha, at::empty({1, 64, 64}));
    const double err_a = test::max_abs_diff(pa.original, expected_rgb(rgba));
    qInfo() << "16-bit RGBA over white max abs error" << err_a;
    PE_VERIFY_LE(err_a, 1e-6);
  }

  void webpAndTiff() {
    test::TempDir dir;
    const cv::Mat m = random_image(64, 96, CV_8UC3);
    save(dir / "l.webp", encode(m, ".webp", {cv::IMWRITE_WEBP_QUALITY, 101}));
    QVERIFY(at::equal(load_photo((dir / "l.webp").string()).original, expected_rgb(m)));
    const cv::Mat smooth = random_image(64, 96, CV_8UC3, true);
    save(dir / "q.webp", encode(smooth, ".webp", {cv::IMWRITE_WEBP_QUALITY, 90}));
    const double err_webp = test::max_abs_diff(load_photo((dir / "q.webp").string()).original, expected_rgb(smooth));
    qInfo() << "lossy WebP q90 max abs error" << err_webp;
    PE_VERIFY_LE(err_webp, 0.1);
    const cv::Mat m16 = random_image(64, 96, CV_16UC3);
    save(dir / "t.tiff", encode(m16, ".tiff"));
    const Photo t = load_photo((dir / "t.tiff").string());
    QVERIFY(t.header.format == ImageFileFormat::Tiff);
    PE_VERIFY_LE(test::max_abs_diff(t.original, expected_rgb(m16)), 1e-7);
  }

  void tiffUnassociatedAlphaIsCompositedCorrectly() {
    // libtiff hands OpenCV premultiplied colour for 8-bit RGBA; the file holds straight colour.
    test::TempDir dir;
    cv::Mat rgba(64, 64, CV_8UC4, cv::Scalar(200, 40, 10, 128));  // stored as R, G, B, A
    save(dir / "a.tiff", tiff_bytes(rgba, 0, 2));
    const Photo p = load_photo((dir / "a.tiff").string());
    const double a = 128.0 / 255;
    const at::Tensor want = at::tensor({200 / 255.0 * a + 1 - a, 40 / 255.0 * a + 1 - a, 10 / 255.0 * a + 1 - a});
    const double err = (p.original.select(2, 5).select(1, 7) - want).abs().max().item<double>();
    qInfo() << "TIFF straight alpha over white max abs error" << err << "(premultiplied 8-bit: 1/255)";
    PE_VERIFY_LE(err, 1.5 / 255);
    PE_VERIFY_LE(std::abs(p.alpha.mean().item<double>() - a), 1e-6);
  }

  void jpegExifOrientationsMatchOpenCv() {
    // OpenCV applies JPEG EXIF orientation with IMREAD_COLOR: the independent reference.
    test::TempDir dir;
    const Bytes plain = encode(random_image(64, 96, CV_8UC3, true), ".jpg");
    for (int o = 1; o <= 8; ++o) {
      const Bytes oriented = jpeg_with_exif(plain, o);
      save(dir / "o.jpg", oriented);
      const Photo p = load_photo((dir / "o.jpg").string());
      QCOMPARE(p.header.orientation, o);
      QVERIFY2(at::equal(p.original, expected_rgb(decode(oriented, cv::IMREAD_COLOR))), qPrintable(QString::number(o)));
    }
  }

  void pngWebpAndTiffOrientation() {
    test::TempDir dir;
    const cv::Mat m = random_image(64, 96, CV_8UC3);
    cv::Mat rotated;
    cv::rotate(m, rotated, cv::ROTATE_90_CLOCKWISE);  // EXIF 6
    const at::Tensor want = expected_rgb(rotated);    // [3, 96, 64]
    save(dir / "o.png", png_with_exif(encode(m, ".png"), 6));
    QVERIFY(at::equal(load_photo((dir / "o.png").string()).original, want));
    save(dir / "o.webp", webp_with_exif(m, 6));
    QVERIFY(at::equal(load_photo((dir / "o.webp").string()).original, want));
    // 16-bit with alpha (decoded unchanged, oriented here): colour and alpha both turned.
    const cv::Mat rgba16 = random_image(64, 96, CV_16UC4);
    cv::Mat rgba16_rotated;
    cv::rotate(rgba16, rgba16_rotated, cv::ROTATE_90_CLOCKWISE);
    save(dir / "o16.png", png_with_exif(encode(rgba16, ".png"), 6));
    const Photo p16 = load_photo((dir / "o16.png").string());
    PE_VERIFY_LE(test::max_abs_diff(p16.original, expected_rgb(rgba16_rotated)), 1e-6);
    PE_VERIFY_SHAPE(p16.alpha, at::empty({1, 96, 64}));
    cv::Mat rgb;
    cv::cvtColor(m, rgb, cv::COLOR_BGR2RGB);
    save(dir / "o.tiff", tiff_bytes(rgb, 6, 0));  // libtiff orients it itself: not twice
    const Photo t = load_photo((dir / "o.tiff").string());
    QVERIFY(t.header.decoder_orients);
    QVERIFY(at::equal(t.original, want));
  }

  void cmykJpeg() {
    test::TempDir dir;
    // Adobe (inverted) CMYK: stored 255 - ink. Ink C=0, M=1, Y=0, K=0: magenta.
    const std::vector<int> magenta = {255, 0, 255, 255};
    save(dir / "adobe.jpg", flat_jpeg(magenta, true));
    const Photo p = load_photo((dir / "adobe.jpg").string(), small_ok());
    const double err = (p.original.mean({1, 2}) - at::tensor({1.0f, 0.0f, 1.0f})).abs().max().item<double>();
    qInfo() << "Adobe CMYK magenta max abs error" << err;
    PE_VERIFY_LE(err, 2.0 / 255);
    QVERIFY(!p.warnings.empty() && p.warnings[0].find("CMYK") != std::string::npos);
    // Without the Adobe marker OpenCV would return black: refused.
    save(dir / "plain.jpg", flat_jpeg({0, 255, 0, 0}, false));
    const std::string msg = test::error_of([&] { load_photo((dir / "plain.jpg").string(), small_ok()); });
    QVERIFY2(msg.find("CMYK") != std::string::npos && msg.find("plain.jpg") != std::string::npos, msg.c_str());
    // The encoder itself is sound: a 3-component file decodes to its flat value.
    save(dir / "ycc.jpg", flat_jpeg({200, 128, 128}, false));
    PE_VERIFY_LE((load_photo((dir / "ycc.jpg").string(), small_ok()).original - 200.0 / 255).abs().max().item<double>(),
                 1.0 / 255);
  }

  void fitGeometry() {
    const PhotoFit f = fit_photo(4000, 3000);
    QVERIFY(f.width % 8 == 0 && f.height % 8 == 0);
    QVERIFY(f.width * f.height <= 1024 * 1024);
    QVERIFY(f.width * f.height > 1000 * 1000 * 0.95);
    QVERIFY(f.crop_x >= 0 && f.crop_x + f.crop_width <= 4000 && f.crop_y + f.crop_height <= 3000);
    QVERIFY(std::abs(2 * f.crop_x + f.crop_width - 4000) <= 1);  // centred
    PE_VERIFY_LE(std::abs(f.scale_x - f.scale_y), 1.0 / f.height);
    qInfo() << "4000x3000 ->" << f.width << "x" << f.height << "crop" << f.crop_x << f.crop_y << f.crop_width
            << f.crop_height << "scale" << f.scale_x << f.scale_y;
    FitOptions up;
    up.allow_upscale = true;
    up.multiple = 64;
    const PhotoFit u = fit_photo(300, 200, up);
    QVERIFY(u.width % 64 == 0 && u.height % 64 == 0 && u.width > 300 && u.width * u.height <= 1024 * 1024);
    QVERIFY(!test::error_of([] { fit_photo(2000000, 7); }).empty());
    QVERIFY(!test::error_of([] { fit_photo(640, 480, FitOptions{0, 1024, false}); }).empty());
  }

  void workingFrameIsScaledWithinBudget() {
    test::TempDir dir;
    save(dir / "big.png", encode(random_image(700, 1000, CV_8UC3, true), ".png"));
    PhotoOptions o;
    o.fit.pixel_budget = 256 * 256;
    const Photo p = load_photo((dir / "big.png").string(), o);
    PE_VERIFY_SHAPE(p.working, at::empty({3, p.fit.height, p.fit.width}));
    QVERIFY(p.fit.width * p.fit.height <= 256 * 256 && p.fit.width % 8 == 0);
    const at::Tensor crop = p.original.narrow(1, p.fit.crop_y, p.fit.crop_height).narrow(2, p.fit.crop_x, p.fit.crop_width);
    const double mean_err = (p.working.mean({1, 2}) - crop.mean({1, 2})).abs().max().item<double>();
    qInfo() << "working frame" << p.fit.width << "x" << p.fit.height << "channel-mean error" << mean_err;
    PE_VERIFY_LE(mean_err, 2e-3);
  }

  void hugeJpegIsDecodedReduced() {
    test::TempDir dir;
    save(dir / "h.jpg", encode(random_image(192, 256, CV_8UC3, true), ".jpg"));
    PhotoOptions o;
    o.max_pixels = 128 * 96;
    const Photo p = load_photo((dir / "h.jpg").string(), o);
    QCOMPARE(p.fit.decode_reduction, 2);
    PE_VERIFY_SHAPE(p.original, at::empty({3, 96, 128}));
    QVERIFY(!p.warnings.empty() && p.warnings[0].find("1/2") != std::string::npos);
    save(dir / "h.png", encode(random_image(192, 256, CV_8UC3), ".png"));
    const std::string msg = test::error_of([&] { load_photo((dir / "h.png").string(), o); });
    QVERIFY2(msg.find("exceeds the limit") != std::string::npos, msg.c_str());
  }

  void hugeHeaderIsRefusedBeforeDecoding() {
    test::TempDir dir;
    save(dir / "huge.png", png_claiming(20000, 20000));
    const auto t0 = std::chrono::steady_clock::now();
    const std::string msg = test::error_of([&] { load_photo((dir / "huge.png").string()); });
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    qInfo() << "20000x20000 header refused in" << ms << "ms:" << msg.c_str();
    QVERIFY2(msg.find("huge.png") != std::string::npos && msg.find("20000 x 20000") != std::string::npos &&
                 msg.find("limit") != std::string::npos,
             msg.c_str());
    PE_VERIFY_LE(ms, 200.0);
  }

  void badFilesNameTheFile() {
    test::TempDir dir;
    auto expect = [&](const std::string& name, const std::string& part) {
      const std::string msg = test::error_of([&] { load_photo((dir / name).string()); });
      QVERIFY2(msg.find(name) != std::string::npos && msg.find(part) != std::string::npos,
               qPrintable(QString::fromStdString(name + ": '" + msg + "'")));
    };
    save(dir / "one.png", encode(cv::Mat(1, 1, CV_8UC3, cv::Scalar(1, 2, 3)), ".png"));
    QCOMPARE(load_photo((dir / "one.png").string()).fit.width, int64_t(256));  // scaled up, not refused
    save(dir / "empty.png", "");
    expect("empty.png", "empty");
    expect("missing.png", "no such file");
    fs::create_directory(dir / "folder.png");
    expect("folder.png", "is a folder, not an image");
    save(dir / "text.png", "hello, I am not an image");
    expect("text.png", "not a PNG, JPEG, WebP or TIFF");
    save(dir / "zero.png", png_claiming(0, 64));
    expect("zero.png", "0 x 64");
    const Bytes png = encode(random_image(64, 64, CV_8UC3), ".png");
    save(dir / "cut.png", png.substr(0, png.size() / 2));
    expect("cut.png", "truncated");
    const Bytes jpg = encode(random_image(64, 64, CV_8UC3), ".jpg");
    save(dir / "cut.jpg", jpg.substr(0, jpg.size() * 2 / 3));  // read as far as it goes, with a warning
    const Photo cut = load_photo((dir / "cut.jpg").string());
    QVERIFY(!cut.warnings.empty() && cut.warnings[0].find("cut.jpg is damaged") != std::string::npos);
    const Bytes webp = encode(random_image(64, 64, CV_8UC3), ".webp");
    save(dir / "cut.webp", webp.substr(0, webp.size() / 2));
    expect("cut.webp", "truncated");
    save(dir / "head.jpg", jpg.substr(0, 40));
    expect("head.jpg", "damaged");
    if (::geteuid() != 0) {  // root reads anything
      save(dir / "locked.png", png);
      fs::permissions(dir / "locked.png", fs::perms::none);
      expect("locked.png", "cannot open");
    }
  }
};

PARTEDIT_TEST(TestImagePhoto);
}  // namespace test_image_photo
#include "test_image_photo.moc"
