#include "io/image_header.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <stdexcept>

#include "io/image_io.h"
#include "runtime/error.h"

namespace partedit {

namespace {

// Reading past the end of the bytes; turned into an Error naming the file (or ignored for EXIF).
struct OutOfRange : std::out_of_range {
  OutOfRange() : std::out_of_range("image header read past the end of the data") {}
};

// Bounds-checked big/little-endian reads.
class Bytes {
 public:
  Bytes(const std::string& data, bool little_endian) : d_(data), le_(little_endian) {}
  uint8_t u8(size_t at) const {
    if (at >= d_.size()) throw OutOfRange();
    return static_cast<uint8_t>(d_[at]);
  }
  uint32_t u16(size_t at) const { return le_ ? u8(at) | (u8(at + 1) << 8) : (u8(at) << 8) | u8(at + 1); }
  uint32_t u24(size_t at) const { return le_ ? u16(at) | (u8(at + 2) << 16) : (u16(at) << 8) | u8(at + 2); }
  uint32_t u32(size_t at) const { return le_ ? u16(at) | (u16(at + 2) << 16) : (u16(at) << 16) | u16(at + 2); }
  bool starts(size_t at, const char* text, size_t n) const { return at + n <= d_.size() && d_.compare(at, n, text, n) == 0; }
  size_t size() const { return d_.size(); }
  const std::string& data() const { return d_; }

 private:
  const std::string& d_;
  bool le_;
};

// Calls f(tag, first value) for every SHORT/LONG entry of IFD0 of a TIFF structure
// (TIFF 6.0 §2: 8-byte header, then 12-byte directory entries).
void for_each_ifd0_entry(const std::string& tiff, const std::function<void(uint32_t, uint32_t)>& f) {
  if (tiff.size() < 8 || !(tiff.compare(0, 2, "II") == 0 || tiff.compare(0, 2, "MM") == 0)) throw OutOfRange();
  const Bytes b(tiff, tiff[0] == 'I');
  if (b.u16(2) != 42) throw OutOfRange();
  const size_t ifd = b.u32(4);
  const uint32_t count = b.u16(ifd);
  for (uint32_t i = 0; i < count; ++i) {
    const size_t entry = ifd + 2 + 12 * size_t(i);
    const uint32_t tag = b.u16(entry), type = b.u16(entry + 2), n = b.u32(entry + 4);
    if ((type != 3 && type != 4) || n == 0) continue;  // SHORT or LONG only
    const size_t width = type == 3 ? 2 : 4;
    const size_t at = width * n <= 4 ? entry + 8 : b.u32(entry + 8);
    f(tag, type == 3 ? b.u16(at) : b.u32(at));
  }
}

// A PNG structure libpng would refuse, in our words (PNG specification §5, §11.2.2).
struct PngDamage {
  std::string reason;
};

// Bit depths PNG allows for each colour type (§11.2.2, Table 11.1).
bool valid_png_depth(int colour_type, int depth) {
  switch (colour_type) {
    case 0: return depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16;
    case 3: return depth == 1 || depth == 2 || depth == 4 || depth == 8;
    case 2: case 4: case 6: return depth == 8 || depth == 16;
    default: return false;
  }
}

std::string png_chunk_name(const std::string& type) {
  if (type == "IHDR") return "the header chunk (IHDR)";
  if (type == "IDAT") return "the image data (IDAT chunk)";
  if (type == "IEND") return "the end chunk (IEND)";
  return "the " + type + " chunk";
}

void check_png_ihdr(const Bytes& b) {
  if (!b.starts(12, "IHDR", 4) || b.u32(8) != 13) throw PngDamage{"the first chunk is not a 13-byte IHDR header"};
  const int depth = b.u8(24), type = b.u8(25);
  if (type > 6 || type == 1 || type == 5) throw PngDamage{"invalid colour type " + std::to_string(type) + " in IHDR"};
  if (!valid_png_depth(type, depth))
    throw PngDamage{"invalid bit depth " + std::to_string(depth) + " for colour type " + std::to_string(type) + " in IHDR"};
  if (b.u8(26) != 0 || b.u8(27) != 0 || b.u8(28) > 1)
    throw PngDamage{"invalid compression, filter or interlace method in IHDR"};
}

// Walks every chunk to IEND, checking lengths and CRCs; fills orientation, alpha from tRNS,
// and the damaged ancillary chunks decoders skip.
ImageHeader parse_png(const std::string& data) {
  const Bytes b(data, false);
  ImageHeader h;
  h.format = ImageFileFormat::Png;
  if (b.size() < 33) throw PngDamage{"the file is truncated: it ends inside the header chunk (IHDR)"};
  check_png_ihdr(b);
  h.width = b.u32(16);
  h.height = b.u32(20);
  h.bit_depth = b.u8(24);
  static const int kChannels[] = {1, 0, 3, 3, 2, 0, 4};  // by colour type (PNG §11.2.2)
  h.channels = kChannels[b.u8(25)];
  bool have_image_data = false;
  size_t at = 8;
  while (true) {
    if (at + 8 > b.size()) {
      throw PngDamage{std::string("the file is truncated: it ends ") +
                      (have_image_data ? "after the image data, before the end chunk (IEND)" : "before any image data (IDAT chunk)")};
    }
    const size_t length = b.u32(at);
    const std::string type = data.substr(at + 4, 4);
    if (!std::all_of(type.begin(), type.end(), [](char c) { return std::isalpha(static_cast<unsigned char>(c)); }))
      throw PngDamage{"a chunk at byte " + std::to_string(at) + " has no valid type (the data is damaged)"};
    // A chunk is length, type, data, CRC: 12 bytes besides its data; `at + 8 <= size` only
    // guarantees the first 8, so the rest is checked before it is subtracted.
    const size_t left = b.size() - at;
    if (length > 0x7FFFFFFFu || left < 12 || length > left - 12)
      throw PngDamage{"the file is truncated: it ends inside " + png_chunk_name(type)};
    if (crc32(data.data() + at + 4, length + 4) != b.u32(at + 8 + length)) {
      if (std::isupper(static_cast<unsigned char>(type[0])))  // critical chunk
        throw PngDamage{"bad CRC in chunk " + type + " (" + png_chunk_name(type) + " is damaged)"};
      h.ignored_damage.push_back("the " + type + " chunk has a bad CRC and was ignored");
      at += 12 + length;
      continue;
    }
    if (type == "IDAT") have_image_data = true;
    if (type == "eXIf") h.orientation = exif_orientation(data.substr(at + 8, length));
    if (type == "tRNS" && h.channels % 2 == 1) h.channels += 1;
    if (type == "IEND") break;
    at += 12 + length;
  }
  if (!have_image_data) throw PngDamage{"there is no image data (no IDAT chunk)"};
  return h;
}

// The first bytes look like a PNG whose 8-byte signature was altered (a transfer in text
// mode rewrites its CR/LF bytes; PngSuite's xs*, xcr, xlf files).
bool looks_like_damaged_png(const Bytes& b) {
  const size_t ihdr = b.data().find("IHDR");
  const int png_letters = int(b.starts(1, "P", 1)) + int(b.starts(2, "N", 1)) + int(b.starts(3, "G", 1));
  return (ihdr != std::string::npos && ihdr < 32) || png_letters >= 2;
}

bool is_sof(uint8_t marker) {  // SOF0..SOF15 except DHT (C4), JPG (C8), DAC (CC)
  return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
}

// Walks the marker segments up to the start of scan (ITU T.81 §B.1.1).
ImageHeader parse_jpeg(const std::string& data) {
  const Bytes b(data, false);
  ImageHeader h;
  h.format = ImageFileFormat::Jpeg;
  bool have_frame = false;
  bool have_exif = false;
  size_t at = 2;
  while (true) {
    if (b.u8(at) != 0xFF) throw OutOfRange();
    while (b.u8(at + 1) == 0xFF) ++at;  // fill bytes
    const uint8_t marker = b.u8(at + 1);
    if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {  // no length field
      at += 2;
      continue;
    }
    if (marker == 0xD9) throw OutOfRange();  // end of image before any scan
    const size_t length = b.u16(at + 2);
    const size_t seg = at + 4;  // segment data
    if (length < 2 || seg + length - 2 > b.size()) throw OutOfRange();
    if (marker == 0xDA) {
      const size_t eoi = data.rfind("\xFF\xD9");
      h.truncated = eoi == std::string::npos || eoi < seg;
      break;
    }
    if (marker == 0xE1 && !have_exif && length >= 8 && b.starts(seg, "Exif\0\0", 6)) {  // 2 length + 6 prefix
      have_exif = true;
      h.orientation = exif_orientation(data.substr(seg + 6, length - 8));
    }
    if (marker == 0xEE && length >= 14 && b.starts(seg, "Adobe", 5)) h.adobe_transform = b.u8(seg + 11);
    if (is_sof(marker) && !have_frame) {
      have_frame = true;
      h.bit_depth = b.u8(seg);
      h.height = b.u16(seg + 1);
      h.width = b.u16(seg + 3);
      h.channels = b.u8(seg + 5);
      h.progressive = marker == 0xC2 || marker == 0xC6 || marker == 0xCA || marker == 0xCE;
    }
    at = seg + length - 2;
  }
  if (!have_frame) throw OutOfRange();
  return h;
}

// RIFF container with VP8 / VP8L / VP8X chunks (WebP container specification).
ImageHeader parse_webp(const std::string& data) {
  const Bytes b(data, true);
  ImageHeader h;
  h.format = ImageFileFormat::Webp;
  h.bit_depth = 8;
  h.truncated = size_t(b.u32(4)) + 8 > b.size();
  bool have_canvas = false;
  size_t at = 12;
  while (at + 8 <= b.size()) {
    const size_t size = b.u32(at + 4);
    const size_t d = at + 8;
    if (b.starts(at, "VP8X", 4)) {
      have_canvas = true;
      h.channels = (b.u8(d) & 0x10) ? 4 : 3;
      h.width = int64_t(b.u24(d + 4)) + 1;
      h.height = int64_t(b.u24(d + 7)) + 1;
    } else if (b.starts(at, "VP8 ", 4) && !have_canvas) {
      if (!(b.u8(d + 3) == 0x9D && b.u8(d + 4) == 0x01 && b.u8(d + 5) == 0x2A)) throw OutOfRange();
      h.channels = 3;
      h.width = b.u16(d + 6) & 0x3FFF;
      h.height = b.u16(d + 8) & 0x3FFF;
    } else if (b.starts(at, "VP8L", 4) && !have_canvas) {
      if (b.u8(d) != 0x2F) throw OutOfRange();
      const uint32_t bits = b.u32(d + 1);
      h.width = int64_t(bits & 0x3FFF) + 1;
      h.height = int64_t((bits >> 14) & 0x3FFF) + 1;
      h.channels = (bits >> 28) & 1 ? 4 : 3;
    } else if (b.starts(at, "EXIF", 4) && size <= b.size() - d) {
      const size_t skip = size >= 6 && b.starts(d, "Exif\0\0", 6) ? 6 : 0;  // some writers keep the JPEG prefix
      h.orientation = exif_orientation(data.substr(d + skip, size - skip));
    }
    at = d + size + (size & 1);
  }
  if (h.width == 0 && h.height == 0 && h.channels == 0) throw OutOfRange();
  return h;
}

ImageHeader parse_tiff(const std::string& data) {
  ImageHeader h;
  h.format = ImageFileFormat::Tiff;
  h.decoder_orients = true;
  h.channels = 1;
  h.bit_depth = 1;  // TIFF defaults (§8)
  for_each_ifd0_entry(data, [&h](uint32_t tag, uint32_t value) {
    switch (tag) {
      case 256: h.width = value; break;
      case 257: h.height = value; break;
      case 258: h.bit_depth = static_cast<int>(value); break;
      case 274: h.orientation = value >= 1 && value <= 8 ? static_cast<int>(value) : 1; break;
      case 277: h.channels = static_cast<int>(value); break;
      case 338: h.tiff_extra_samples = static_cast<int>(value); break;
      default: break;
    }
  });
  return h;
}

}  // namespace

const char* format_name(ImageFileFormat format) {
  switch (format) {
    case ImageFileFormat::Png: return "PNG";
    case ImageFileFormat::Jpeg: return "JPEG";
    case ImageFileFormat::Webp: return "WebP";
    case ImageFileFormat::Tiff: return "TIFF";
  }
  return "image";
}

int exif_orientation(const std::string& tiff) {
  int orientation = 1;
  try {
    for_each_ifd0_entry(tiff, [&orientation](uint32_t tag, uint32_t value) {
      if (tag == 0x0112 && value >= 1 && value <= 8) orientation = static_cast<int>(value);
    });
  } catch (const OutOfRange&) {
    return 1;  // a damaged EXIF block is ignored, as viewers do
  }
  return orientation;
}

ImageHeader read_image_header(const std::string& data, const std::string& name) {
  const Bytes b(data, false);
  if (data.empty()) throw Error("cannot read image " + name + ": the file is empty (0 bytes)");
  if (b.starts(0, "II+\0", 4) || b.starts(0, "MM\0+", 4))
    throw Error("cannot read image " + name + ": BigTIFF files are not supported (save it as a plain TIFF or PNG)");
  ImageFileFormat format;
  if (b.starts(0, "\x89PNG\r\n\x1a\n", 8)) format = ImageFileFormat::Png;
  else if (b.starts(0, "\xFF\xD8\xFF", 3)) format = ImageFileFormat::Jpeg;
  else if (b.starts(0, "RIFF", 4) && b.starts(8, "WEBP", 4)) format = ImageFileFormat::Webp;
  else if (b.starts(0, "II*\0", 4) || b.starts(0, "MM\0*", 4)) format = ImageFileFormat::Tiff;
  else if (looks_like_damaged_png(b))
    throw Error(name + " is damaged or not a PNG: its 8-byte PNG signature is altered (was it copied as text?)");
  else throw Error("cannot read image " + name + ": not a PNG, JPEG, WebP or TIFF file");
  ImageHeader h;
  try {
    switch (format) {
      case ImageFileFormat::Png: h = parse_png(data); break;
      case ImageFileFormat::Jpeg: h = parse_jpeg(data); break;
      case ImageFileFormat::Webp: h = parse_webp(data); break;
      case ImageFileFormat::Tiff: h = parse_tiff(data); break;
    }
  } catch (const OutOfRange&) {
    throw Error("cannot read image " + name + ": damaged or truncated " + format_name(format) + " header");
  } catch (const PngDamage& damage) {
    throw Error(name + " is damaged or not a PNG: " + damage.reason);
  }
  if (h.width <= 0 || h.height <= 0)
    throw Error("cannot read image " + name + ": the " + format_name(format) + " header gives a size of " +
                std::to_string(h.width) + " x " + std::to_string(h.height) + " pixels");
  return h;
}

}  // namespace partedit
