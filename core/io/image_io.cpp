#include "io/image_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <vector>

#include <ATen/ATen.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "io/atomic_file.h"
#include "io/image_decode.h"
#include "io/image_header.h"
#include "io/webp_metadata.h"
#include "io/zlib_inflate.h"
#include "runtime/error.h"
#include "runtime/text.h"

namespace partedit {
namespace fs = std::filesystem;

namespace {

enum class ImageFormat { Png, Jpeg, Webp };

std::string lower_extension(const fs::path& path) {
  const std::string ext = lower_ascii(path.extension().string());
  return ext;
}

ImageFormat format_for(const fs::path& path) {
  const std::string ext = lower_extension(path);
  if (ext == ".png") return ImageFormat::Png;
  if (ext == ".jpg" || ext == ".jpeg") return ImageFormat::Jpeg;
  if (ext == ".webp") return ImageFormat::Webp;
  throw Error("cannot write image " + path.string() + ": unknown extension '" + ext +
              "' (use .png, .jpg, .jpeg or .webp)");
}

void append_u32_be(std::string& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((v >> shift) & 0xFF));
}

uint32_t read_u32_be(const std::string& s, size_t at) {
  uint32_t v = 0;
  for (size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<uint8_t>(s[at + i]);
  return v;
}

bool is_ascii(const std::string& text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

const char kPngSignature[] = "\x89PNG\r\n\x1a\n";
constexpr size_t kPngSignatureSize = 8;
const std::string kParametersKey = "parameters";

// A tEXt chunk (Latin-1; ASCII here) or, for other text, an uncompressed iTXt chunk (UTF-8).
// PNG specification §11.3.4.3 / §11.3.4.5.
std::string png_text_chunk(const std::string& text) {
  std::string type_and_data;
  if (is_ascii(text)) {
    type_and_data = "tEXt" + kParametersKey + '\0' + text;
  } else {
    // keyword \0, compression flag 0, method 0, empty language tag \0, empty translated keyword \0
    type_and_data = "iTXt" + kParametersKey + '\0' + '\0' + '\0' + '\0' + '\0' + text;
  }
  std::string chunk;
  append_u32_be(chunk, static_cast<uint32_t>(type_and_data.size() - 4));
  chunk += type_and_data;
  append_u32_be(chunk, crc32(type_and_data.data(), type_and_data.size()));
  return chunk;
}

std::string insert_png_text(const std::string& png, const std::string& text) {
  // Signature (8) + IHDR chunk (4 length + 4 type + 13 data + 4 CRC).
  constexpr size_t kAfterIhdr = kPngSignatureSize + 25;
  if (png.size() < kAfterIhdr || png.compare(0, kPngSignatureSize, kPngSignature, kPngSignatureSize) != 0 ||
      png.compare(12, 4, "IHDR") != 0)
    throw Error("the PNG encoder produced an unexpected stream (no IHDR chunk first)");
  return png.substr(0, kAfterIhdr) + png_text_chunk(text) + png.substr(kAfterIhdr);
}

// A COM segment after SOI (and after the JFIF APP0 segment, which must come first).
std::string insert_jpeg_comment(const std::string& jpeg, const std::string& text) {
  if (jpeg.size() < 4 || static_cast<uint8_t>(jpeg[0]) != 0xFF || static_cast<uint8_t>(jpeg[1]) != 0xD8)
    throw Error("the JPEG encoder produced an unexpected stream (no SOI marker)");
  size_t at = 2;
  if (static_cast<uint8_t>(jpeg[2]) == 0xFF && static_cast<uint8_t>(jpeg[3]) == 0xE0 && jpeg.size() >= 6)
    at = 4 + ((static_cast<uint8_t>(jpeg[4]) << 8) | static_cast<uint8_t>(jpeg[5]));
  const std::string body = text.substr(0, 65533);  // segment length is 16 bits, including itself
  std::string segment = "\xFF\xFE";
  segment.push_back(static_cast<char>(((body.size() + 2) >> 8) & 0xFF));
  segment.push_back(static_cast<char>((body.size() + 2) & 0xFF));
  segment += body;
  return jpeg.substr(0, at) + segment + jpeg.substr(at);
}

cv::Mat tensor_to_bgr8(const at::Tensor& image, const fs::path& path) {
  at::Tensor t = image;
  if (t.dim() == 4 && t.size(0) == 1) t = t[0];
  if (t.dim() != 3 || t.size(0) != 3 || t.size(1) < 1 || t.size(2) < 1 || !t.is_floating_point())
    throw Error("cannot write image " + path.string() + ": expected a float tensor [3, H, W], got " +
                std::string(t.sizes().size() ? "" : "a scalar ") + c10::str(t.sizes()));
  // diffusers' numpy_to_pil: round(x * 255) of the clamped image.
  at::Tensor hwc = t.detach().to(c10::kCPU, c10::kFloat).clamp(0.0, 1.0).mul(255.0).round().to(c10::kByte)
                       .permute({1, 2, 0}).contiguous();  // [H, W, 3] RGB
  cv::Mat rgb(static_cast<int>(hwc.size(0)), static_cast<int>(hwc.size(1)), CV_8UC3, hwc.data_ptr<uint8_t>());
  cv::Mat bgr;
  cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);  // copies: `hwc` may go
  return bgr;
}

std::string encode(const cv::Mat& bgr, ImageFormat format, int jpeg_quality, const fs::path& path) {
  std::vector<uchar> buffer;
  std::vector<int> params;
  const char* ext = ".png";
  if (format == ImageFormat::Jpeg) {
    ext = ".jpg";
    params = {cv::IMWRITE_JPEG_QUALITY, std::clamp(jpeg_quality, 1, 100)};
  } else if (format == ImageFormat::Webp) {
    ext = ".webp";
    params = {cv::IMWRITE_WEBP_QUALITY, std::clamp(jpeg_quality, 1, 101)};
  }
  bool ok = false;
  try {
    ok = cv::imencode(ext, bgr, buffer, params);
  } catch (const cv::Exception& e) {
    throw Error("cannot encode image " + path.string() + ": " + e.what());
  }
  if (!ok) throw Error("cannot encode image " + path.string() + " (OpenCV has no encoder for " + ext + ")");
  return std::string(buffer.begin(), buffer.end());
}

std::string read_file_bytes(const fs::path& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) throw Error("cannot read image " + path.string() + ": no such file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot read image " + path.string() + ": cannot open it");
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Any depth and 1/3/4 channels -> float RGB [0, 1]; alpha composited over white.
at::Tensor mat_to_rgb_tensor(const cv::Mat& mat, const fs::path& path) {
  double scale = 1.0;
  switch (mat.depth()) {
    case CV_8U: scale = 1.0 / 255.0; break;
    case CV_16U: scale = 1.0 / 65535.0; break;
    case CV_32F: case CV_64F: scale = 1.0; break;
    default: throw Error("cannot read image " + path.string() + ": unsupported sample type (signed integers)");
  }
  cv::Mat f;
  mat.convertTo(f, CV_MAKETYPE(CV_32F, mat.channels()), scale);
  cv::Mat rgb;
  switch (f.channels()) {
    case 1: cv::cvtColor(f, rgb, cv::COLOR_GRAY2RGB); break;
    case 3: cv::cvtColor(f, rgb, cv::COLOR_BGR2RGB); break;
    case 4: {
      std::vector<cv::Mat> ch;
      cv::split(f, ch);  // B, G, R, A
      cv::Mat alpha = cv::min(cv::max(ch[3], 0.0), 1.0);
      cv::Mat inv = 1.0 - alpha;
      std::vector<cv::Mat> out = {ch[2].mul(alpha) + inv, ch[1].mul(alpha) + inv, ch[0].mul(alpha) + inv};
      cv::merge(out, rgb);
      break;
    }
    default:
      throw Error("cannot read image " + path.string() + ": unsupported channel count " +
                  std::to_string(f.channels()));
  }
  if (!rgb.isContinuous()) rgb = rgb.clone();
  at::Tensor hwc = at::from_blob(rgb.data, {rgb.rows, rgb.cols, 3}, at::TensorOptions().dtype(c10::kFloat));
  return hwc.permute({2, 0, 1}).clamp(0.0, 1.0).contiguous();  // [3, H, W], owns its data
}

}  // namespace

uint32_t crc32(const void* data, size_t size, uint32_t crc) {
  // Reflected polynomial 0xEDB88320 (PNG specification, Annex D).
  static const std::array<uint32_t, 256> table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t n = 0; n < 256; ++n) {
      uint32_t c = n;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[n] = c;
    }
    return t;
  }();
  const auto* bytes = static_cast<const uint8_t*>(data);
  crc = ~crc;
  for (size_t i = 0; i < size; ++i) crc = table[(crc ^ bytes[i]) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

void write_image(const fs::path& path, const at::Tensor& image, const std::string& parameters, int jpeg_quality) {
  const ImageFormat format = format_for(path);
  const cv::Mat bgr = tensor_to_bgr8(image, path);
  std::string bytes = encode(bgr, format, jpeg_quality, path);
  if (!parameters.empty()) {
    if (format == ImageFormat::Png) bytes = insert_png_text(bytes, parameters);
    if (format == ImageFormat::Jpeg) bytes = insert_jpeg_comment(bytes, parameters);
    if (format == ImageFormat::Webp) bytes = webp_with_parameters(bytes, parameters, bgr.cols, bgr.rows);
  }
  write_file_atomically(path, bytes);
}

at::Tensor read_image(const fs::path& path, std::vector<std::string>* warnings) {
  const std::string name = path.string();
  const std::string bytes = read_image_file(name);
  const ImageHeader header = read_image_header(bytes, name);
  if (header.truncated && header.format != ImageFileFormat::Jpeg)
    throw Error(name + " is damaged or not a " + format_name(header.format) + ": the file is truncated");
  // JPEG has no alpha; the EXIF orientation is applied here, as for photos (TIFF: by libtiff).
  const int flags = header.format == ImageFileFormat::Jpeg ? cv::IMREAD_COLOR | cv::IMREAD_IGNORE_ORIENTATION
                                                           : cv::IMREAD_UNCHANGED;
  const int orientation = header.decoder_orients ? 1 : header.orientation;
  DecodedImage decoded = decode_image(bytes, header, flags, name, orientation);
  if (warnings) warnings->insert(warnings->end(), decoded.warnings.begin(), decoded.warnings.end());
  return mat_to_rgb_tensor(orient_image(decoded.mat, orientation), path);
}

// More than any parameters text (a prompt is a few kilobytes); a compressed chunk that
// claims more is refused rather than inflated.
constexpr size_t kMaxPngTextBytes = 1 << 20;

std::optional<std::string> png_parameters(const std::string& png) {
  if (png.size() < kPngSignatureSize || png.compare(0, kPngSignatureSize, kPngSignature, kPngSignatureSize) != 0)
    return std::nullopt;
  size_t at = kPngSignatureSize;
  while (at + 12 <= png.size()) {
    const uint32_t length = read_u32_be(png, at);
    const std::string type = png.substr(at + 4, 4);
    if (length > png.size() - at - 12) return std::nullopt;  // truncated (no underflow: the loop keeps 12 bytes)
    const std::string data = png.substr(at + 8, length);
    const size_t nul = data.find('\0');
    if (nul != std::string::npos && data.compare(0, nul, kParametersKey) == 0) {
      if (type == "tEXt") return data.substr(nul + 1);
      // zTXt: keyword, 0, method 0 (deflate), text compressed. Qt, Krita and GIMP write long
      // text this way; it is Latin-1 like tEXt.
      if (type == "zTXt" && nul + 1 < data.size() && data[nul + 1] == 0)
        return inflate_bounded(std::string_view(data).substr(nul + 2), kMaxPngTextBytes);
      // iTXt: keyword, 0, compressed flag, method, language, 0, translated keyword, 0, UTF-8 text.
      if (type == "iTXt" && nul + 2 < data.size()) {
        const bool compressed = data[nul + 1] == 1;
        const size_t lang_end = data.find('\0', nul + 3);
        const size_t key_end = lang_end == std::string::npos ? lang_end : data.find('\0', lang_end + 1);
        if (key_end != std::string::npos) {
          if (!compressed) return data.substr(key_end + 1);
          if (data[nul + 2] == 0) return inflate_bounded(std::string_view(data).substr(key_end + 1), kMaxPngTextBytes);
        }
      }
    }
    if (type == "IEND") break;
    at += 12 + length;
  }
  return std::nullopt;
}

std::optional<std::string> read_image_parameters(const fs::path& path) {
  const std::string bytes = read_file_bytes(path);
  if (auto text = png_parameters(bytes)) return text;
  if (auto text = webp_parameters(bytes)) return text;
  if (bytes.size() < 4 || static_cast<uint8_t>(bytes[0]) != 0xFF || static_cast<uint8_t>(bytes[1]) != 0xD8)
    return std::nullopt;
  // JPEG: walk the marker segments up to the start of scan. A comment (what write_image
  // writes) wins; else an EXIF UserComment (what A1111 writes into its JPEGs).
  std::optional<std::string> exif_comment;
  size_t at = 2;
  while (at + 4 <= bytes.size() && static_cast<uint8_t>(bytes[at]) == 0xFF) {
    const uint8_t marker = static_cast<uint8_t>(bytes[at + 1]);
    const size_t length = (static_cast<uint8_t>(bytes[at + 2]) << 8) | static_cast<uint8_t>(bytes[at + 3]);
    if (length < 2 || at + 2 + length > bytes.size()) break;
    if (marker == 0xFE) return bytes.substr(at + 4, length - 2);
    if (marker == 0xE1 && !exif_comment && length >= 8 && bytes.compare(at + 4, 6, std::string("Exif\0\0", 6)) == 0)
      exif_comment = exif_user_comment(bytes.substr(at + 4, length - 2));
    if (marker == 0xDA) break;  // start of scan: no more header segments
    at += 2 + length;
  }
  return exif_comment;
}

}  // namespace partedit
