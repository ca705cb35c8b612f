#include "io/image_decode.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "io/stderr_capture.h"
#include "runtime/error.h"
#include "runtime/text.h"

namespace partedit {

namespace {

namespace fs = std::filesystem;

// Library text inside our messages: printable ASCII only, and bounded.
std::string printable(const std::string& text, size_t limit = 160) {
  std::string out;
  for (char c : text) {
    if (out.size() >= limit) return out + "...";
    out += (c >= 0x20 && c < 0x7F) ? c : '?';
  }
  return out;
}

// What libpng, libjpeg and OpenCV's logger print; anything else on stderr meanwhile came
// from another thread and is passed on.
bool is_library_line(const std::string& line) {
  for (const char* prefix : {"libpng ", "[ WARN", "[ERROR", "[ INFO", "[DEBUG", "[FATAL", "Premature end of JPEG",
                             "Corrupt JPEG", "Invalid SOS", "Inconsistent progression", "Unknown Adobe",
                             "Warning: unknown JFIF", "JFIF extension marker"})
    if (starts_with(line, prefix)) return true;
  return false;
}

// libpng's text (after "libpng error: " / "libpng warning: ") in our words.
std::string png_reason(const std::string& text) {
  const size_t colon = text.find(": ");
  if (colon != std::string::npos && text.compare(colon, std::string::npos, ": CRC error") == 0)
    return "bad CRC in chunk " + printable(text.substr(0, colon), 8);
  if (starts_with(text, "IDAT: ")) return "the compressed image data (IDAT chunk) is corrupt: " + printable(text.substr(6));
  if (text.find("image data") != std::string::npos || text.find("compressed data") != std::string::npos)
    return "the image data is corrupt: " + printable(text);
  if (starts_with(text, "PNG input buffer is incomplete")) return "the file is truncated";
  if (text.find("IHDR") != std::string::npos) return "the header (IHDR chunk) is invalid (" + printable(text) + ")";
  return "the PNG decoder stopped at: " + printable(text);
}

// libjpeg's warnings (JERR/JWRN texts of jerror.h) in our words.
std::string jpeg_reason(const std::string& text) {
  if (starts_with(text, "Premature end of JPEG file")) return "the file ends before the end of the image data";
  unsigned bytes = 0, marker = 0;
  if (std::sscanf(text.c_str(), "Corrupt JPEG data: %u extraneous bytes before marker 0x%x", &bytes, &marker) == 2)
    return std::to_string(bytes) + " stray bytes in the image data (some blocks may look wrong)";
  if (starts_with(text, "Corrupt JPEG data: premature end of data segment"))
    return "part of the image data ends early (some blocks may look wrong)";
  if (starts_with(text, "Corrupt JPEG data: bad Huffman code")) return "the image data holds invalid codes (some blocks may look wrong)";
  return "the JPEG decoder reported damage: " + printable(text);
}

// Rows at the end of a stored image that repeat the row before them: what OpenCV's
// decoder leaves where the data of a cut JPEG ran out (it keeps the last row it read).
int64_t repeated_last_rows(const cv::Mat& m) {
  const size_t row_bytes = m.cols * m.elemSize();
  int64_t n = 0;
  for (int r = m.rows - 1; r > 0 && std::memcmp(m.ptr(r), m.ptr(r - 1), row_bytes) == 0; --r) ++n;
  return n;
}

// The part of a cut JPEG's picture that is missing, as displayed after `orientation`.
std::string missing_part(const cv::Mat& stored, int orientation, bool progressive) {
  if (progressive) return "its last passes of detail are missing (the picture may look blurred or blocky)";
  // Where the stored bottom rows go once displayed, by EXIF orientation 1..8.
  static const char* kSide[] = {"bottom", "bottom", "bottom", "top", "top", "right", "left", "left", "right"};
  const char* side = kSide[orientation >= 1 && orientation <= 8 ? orientation : 1];
  const int64_t rows = repeated_last_rows(stored);
  if (rows == 0) return std::string("the last lines at the ") + side + " of the picture may be incomplete";
  const int percent = std::max(1, static_cast<int>(std::lround(100.0 * rows / stored.rows)));
  return std::string("the ") + side + " " + std::to_string(percent) +
         " % of the picture is missing (filled with copies of the last line that was read)";
}

void add_once(std::vector<std::string>& list, const std::string& text) {
  if (std::find(list.begin(), list.end(), text) == list.end()) list.push_back(text);
}

}  // namespace

std::string read_image_file(const std::string& path) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (!fs::exists(status)) throw Error("cannot read image " + path + ": no such file");
  if (fs::is_directory(status)) throw Error(path + " is a folder, not an image");
  if (!fs::is_regular_file(status)) throw Error(path + " is not a regular file (a device, pipe or socket), not an image");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot read image " + path + ": cannot open it for reading (permissions?)");
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw Error("cannot read image " + path + ": read error");
  if (bytes.empty()) throw Error(path + " is empty (0 bytes), not an image");
  return bytes;
}

DecodedImage decode_image(const std::string& bytes, const ImageHeader& header, int flags, const std::string& name,
                          int orientation) {
  DecodedImage out;
  const cv::Mat raw(1, static_cast<int>(bytes.size()), CV_8UC1, const_cast<char*>(bytes.data()));
  std::string exception_text, captured;
  {
    StderrCapture capture;
    try {
      out.mat = cv::imdecode(raw, flags);
    } catch (const cv::Exception& e) {
      exception_text = printable(e.err);
    }
    captured = capture.finish();
  }
  // 1. The captured text: libpng errors, then warnings in our words; other lines passed on.
  const bool png = header.format == ImageFileFormat::Png;
  std::vector<std::string> errors, damage, notes;
  std::string others;
  size_t at = 0;
  while (at < captured.size()) {
    const size_t end = std::min(captured.find('\n', at), captured.size());
    const std::string line = captured.substr(at, end - at);
    at = end + 1;
    if (line.empty()) continue;
    if (!is_library_line(line)) {
      others += line + "\n";
    } else if (starts_with(line, "libpng error: ")) {
      add_once(errors, png_reason(line.substr(14)));
    } else if (starts_with(line, "libpng warning: ")) {
      const std::string text = line.substr(16);
      if (text.find(": CRC error") != std::string::npos) continue;  // the header scan reports every bad CRC
      const std::string reason = png_reason(text);
      if (starts_with(reason, "the PNG decoder")) add_once(notes, name + ": the PNG decoder ignored a problem: " + printable(text));
      else add_once(damage, reason + "; some pixels may be wrong");
    } else if (!starts_with(line, "[") && !png) {  // libjpeg's warnings; OpenCV's log lines repeat the failure
      add_once(damage, jpeg_reason(line));
    }
  }
  StderrCapture::reemit(others);
  // 2. Nothing decoded: the first reason we have.
  const std::string format = format_name(header.format);
  const std::string cut = "the file ends before the end of the image data";
  if (out.mat.empty()) {
    std::string reason = "the " + format + " decoder could not read it";
    if (!errors.empty()) reason = errors.front();
    else if (header.truncated) reason = cut + (header.progressive ? " (a progressive JPEG cut short cannot be decoded)" : "");
    else if (!damage.empty()) reason = damage.front();
    else if (!exception_text.empty()) reason = "the decoder failed (" + exception_text + ")";
    throw Error(name + " is damaged or not a " + format + ": " + reason);
  }
  // 3. Decoded, perhaps in part: say what is damaged or missing.
  for (const auto& d : header.ignored_damage) out.warnings.push_back(name + " is damaged: " + d);
  if (header.truncated) {
    damage.erase(std::remove(damage.begin(), damage.end(), cut), damage.end());  // said below, with what is missing
    out.warnings.push_back(name + " is damaged: " + cut + "; " + missing_part(out.mat, orientation, header.progressive));
  }
  if (damage.size() > 3) damage.resize(3);
  for (const auto& d : damage) out.warnings.push_back(name + " is damaged: " + d);
  if (notes.size() > 3) notes.resize(3);
  out.warnings.insert(out.warnings.end(), notes.begin(), notes.end());
  return out;
}

cv::Mat orient_image(const cv::Mat& m, int orientation) {
  cv::Mat out;
  switch (orientation) {
    case 2: cv::flip(m, out, 1); break;
    case 3: cv::rotate(m, out, cv::ROTATE_180); break;
    case 4: cv::flip(m, out, 0); break;
    case 5: cv::transpose(m, out); break;
    case 6: cv::rotate(m, out, cv::ROTATE_90_CLOCKWISE); break;
    case 7: cv::transpose(m, out); cv::flip(out, out, -1); break;
    case 8: cv::rotate(m, out, cv::ROTATE_90_COUNTERCLOCKWISE); break;
    default: return m;
  }
  return out;
}

}  // namespace partedit
