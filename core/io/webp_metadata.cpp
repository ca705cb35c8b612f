#include "io/webp_metadata.h"

#include <algorithm>
#include <vector>

#include "runtime/error.h"

namespace partedit {
namespace {

constexpr uint16_t kExifIfdPointer = 0x8769;  // IFD0 tag: offset of the Exif IFD
constexpr uint16_t kUserComment = 0x9286;     // Exif IFD tag, type UNDEFINED
constexpr uint16_t kTypeLong = 4, kTypeUndefined = 7;
const std::string kUnicodePrefix("UNICODE\0", 8);
const std::string kAsciiPrefix("ASCII\0\0\0", 8);
const std::string kExifHeader("Exif\0\0", 6);
constexpr uint8_t kVp8xExifFlag = 0x08;

void put_u16_be(std::string& out, uint32_t v) {
  out.push_back(static_cast<char>((v >> 8) & 0xFF));
  out.push_back(static_cast<char>(v & 0xFF));
}
void put_u32_be(std::string& out, uint32_t v) {
  put_u16_be(out, v >> 16);
  put_u16_be(out, v & 0xFFFF);
}
void put_u32_le(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
void put_u24_le(std::string& out, uint32_t v) {
  for (int i = 0; i < 3; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
uint32_t get_u32_le(const std::string& s, size_t at) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(s[at + i]);
  return v;
}

// UTF-8 -> code points (invalid bytes become U+FFFD).
std::vector<uint32_t> code_points(const std::string& text) {
  std::vector<uint32_t> out;
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<uint8_t>(text[i]);
    const int extra = c < 0x80 ? 0 : (c >> 5) == 0x6 ? 1 : (c >> 4) == 0xE ? 2 : (c >> 3) == 0x1E ? 3 : -1;
    uint32_t cp = extra == 0 ? c : extra == 1 ? (c & 0x1F) : extra == 2 ? (c & 0x0F) : (c & 0x07);
    bool ok = extra >= 0;
    for (int k = 1; ok && k <= extra; ++k) {
      if (i + k >= text.size() || (static_cast<uint8_t>(text[i + k]) & 0xC0) != 0x80) ok = false;
      else cp = (cp << 6) | (static_cast<uint8_t>(text[i + k]) & 0x3F);
    }
    if (!ok || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      out.push_back(0xFFFD);
      ++i;
      continue;
    }
    out.push_back(cp);
    i += static_cast<size_t>(extra) + 1;
  }
  return out;
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

std::string utf16_be(const std::string& utf8) {
  std::string out;
  for (uint32_t cp : code_points(utf8)) {
    if (cp < 0x10000) {
      put_u16_be(out, cp);
    } else {  // surrogate pair
      cp -= 0x10000;
      put_u16_be(out, 0xD800 | (cp >> 10));
      put_u16_be(out, 0xDC00 | (cp & 0x3FF));
    }
  }
  return out;
}

std::string utf8_from_utf16(const std::string& bytes, bool big_endian) {
  std::string out;
  auto unit = [&](size_t i) {
    const auto a = static_cast<uint8_t>(bytes[i]), b = static_cast<uint8_t>(bytes[i + 1]);
    return static_cast<uint32_t>(big_endian ? (a << 8) | b : (b << 8) | a);
  };
  for (size_t i = 0; i + 1 < bytes.size(); i += 2) {
    uint32_t u = unit(i);
    if (u >= 0xD800 && u <= 0xDBFF && i + 3 < bytes.size()) {
      const uint32_t low = unit(i + 2);
      if (low >= 0xDC00 && low <= 0xDFFF) {
        append_utf8(out, 0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00));
        i += 2;
        continue;
      }
    }
    append_utf8(out, (u >= 0xD800 && u <= 0xDFFF) ? 0xFFFD : u);
  }
  return out;
}

// Bounds-checked reads of a TIFF block in its byte order.
class TiffReader {
 public:
  explicit TiffReader(const std::string& tiff) : t_(tiff), big_(tiff.compare(0, 2, "MM") == 0) {}
  bool big_endian() const { return big_; }
  bool valid() const {
    return t_.size() >= 8 && (t_.compare(0, 2, "MM") == 0 || t_.compare(0, 2, "II") == 0) && u16(2) == 42;
  }
  uint32_t u16(size_t at) const {
    if (at + 2 > t_.size()) throw Error("");
    const auto a = static_cast<uint8_t>(t_[at]), b = static_cast<uint8_t>(t_[at + 1]);
    return big_ ? (a << 8) | b : (b << 8) | a;
  }
  uint32_t u32(size_t at) const { return big_ ? (u16(at) << 16) | u16(at + 2) : u16(at) | (u16(at + 2) << 16); }
  // The entry of `tag` in the IFD at `ifd`: returns the entry's offset, or 0.
  size_t find(size_t ifd, uint16_t tag) const {
    const uint32_t count = u16(ifd);
    for (uint32_t k = 0; k < count; ++k) {
      const size_t entry = ifd + 2 + 12 * static_cast<size_t>(k);
      if (u16(entry) == tag) return entry;
    }
    return 0;
  }
  std::string bytes(size_t at, size_t size) const {
    if (at > t_.size() || size > t_.size() - at) throw Error("");
    return t_.substr(at, size);
  }

 private:
  const std::string& t_;
  bool big_;
};

struct RiffChunk {
  std::string fourcc;
  std::string data;  // without padding
};

std::vector<RiffChunk> webp_chunks(const std::string& webp) {
  if (webp.size() < 12 || webp.compare(0, 4, "RIFF") != 0 || webp.compare(8, 4, "WEBP") != 0)
    throw Error("not a WebP file (no RIFF/WEBP header)");
  std::vector<RiffChunk> chunks;
  const size_t end = std::min<size_t>(webp.size(), 8 + static_cast<size_t>(get_u32_le(webp, 4)));
  for (size_t at = 12; at + 8 <= end;) {
    const size_t size = get_u32_le(webp, at + 4);
    if (size > end - at - 8) throw Error("a WebP chunk runs past the end of the file");
    chunks.push_back({webp.substr(at, 4), webp.substr(at + 8, size)});
    at += 8 + size + (size & 1);
  }
  return chunks;
}

}  // namespace

std::string exif_with_user_comment(const std::string& text) {
  // TIFF header, IFD0 (one entry: the Exif IFD pointer), the Exif IFD (one entry), the comment.
  const std::string comment = kUnicodePrefix + utf16_be(text);
  constexpr uint32_t kIfd0 = 8, kExifIfd = kIfd0 + 2 + 12 + 4, kData = kExifIfd + 2 + 12 + 4;
  std::string tiff = "MM";
  put_u16_be(tiff, 42);
  put_u32_be(tiff, kIfd0);
  put_u16_be(tiff, 1);
  put_u16_be(tiff, kExifIfdPointer);
  put_u16_be(tiff, kTypeLong);
  put_u32_be(tiff, 1);
  put_u32_be(tiff, kExifIfd);
  put_u32_be(tiff, 0);  // no next IFD
  put_u16_be(tiff, 1);
  put_u16_be(tiff, kUserComment);
  put_u16_be(tiff, kTypeUndefined);
  put_u32_be(tiff, static_cast<uint32_t>(comment.size()));
  put_u32_be(tiff, kData);
  put_u32_be(tiff, 0);
  return tiff + comment;
}

std::optional<std::string> exif_user_comment(const std::string& exif) {
  const std::string tiff = exif.compare(0, kExifHeader.size(), kExifHeader) == 0 ? exif.substr(kExifHeader.size()) : exif;
  const TiffReader r(tiff);
  if (!r.valid()) return std::nullopt;
  try {
    const size_t pointer = r.find(r.u32(4), kExifIfdPointer);
    if (pointer == 0) return std::nullopt;
    const size_t entry = r.find(r.u32(pointer + 8), kUserComment);
    if (entry == 0) return std::nullopt;
    const uint32_t count = r.u32(entry + 4);
    const std::string value = count <= 4 ? r.bytes(entry + 8, count) : r.bytes(r.u32(entry + 8), count);
    if (value.size() < 8) return std::nullopt;
    const std::string prefix = value.substr(0, 8), body = value.substr(8);
    std::string text = prefix == kUnicodePrefix ? utf8_from_utf16(body, r.big_endian()) : body;
    while (!text.empty() && text.back() == '\0') text.pop_back();
    return text;
  } catch (const Error&) {
    return std::nullopt;  // offsets outside the block
  }
}

std::string webp_with_parameters(const std::string& webp, const std::string& text, int64_t width, int64_t height) {
  std::vector<RiffChunk> chunks = webp_chunks(webp);
  std::vector<RiffChunk> out;
  if (chunks.empty() || chunks.front().fourcc != "VP8X") {
    if (width < 1 || height < 1 || width > (1 << 24) || height > (1 << 24))
      throw Error("a WebP canvas of " + std::to_string(width) + "x" + std::to_string(height) + " cannot carry metadata");
    RiffChunk header{"VP8X", ""};
    header.data.push_back(0);  // flags, set below
    header.data.append(3, '\0');
    put_u24_le(header.data, static_cast<uint32_t>(width - 1));
    put_u24_le(header.data, static_cast<uint32_t>(height - 1));
    out.push_back(header);
  }
  bool placed = false;
  const RiffChunk exif{"EXIF", exif_with_user_comment(text)};
  for (auto& c : chunks) {
    if (c.fourcc == "EXIF") continue;  // replaced
    if (c.fourcc == "XMP ") {  // EXIF precedes XMP in the container's order
      out.push_back(exif);
      placed = true;
    }
    out.push_back(std::move(c));
  }
  if (!placed) out.push_back(exif);
  out.front().data[0] = static_cast<char>(static_cast<uint8_t>(out.front().data[0]) | kVp8xExifFlag);
  std::string body = "WEBP";
  for (const auto& c : out) {
    body += c.fourcc;
    put_u32_le(body, static_cast<uint32_t>(c.data.size()));
    body += c.data;
    if (c.data.size() & 1) body.push_back('\0');
  }
  std::string file = "RIFF";
  put_u32_le(file, static_cast<uint32_t>(body.size()));
  return file + body;
}

std::optional<std::string> webp_parameters(const std::string& webp) {
  if (webp.size() < 12 || webp.compare(0, 4, "RIFF") != 0 || webp.compare(8, 4, "WEBP") != 0) return std::nullopt;
  try {
    for (const auto& c : webp_chunks(webp))
      if (c.fourcc == "EXIF") return exif_user_comment(c.data);
  } catch (const Error&) {
    return std::nullopt;  // damaged container
  }
  return std::nullopt;
}

}  // namespace partedit
