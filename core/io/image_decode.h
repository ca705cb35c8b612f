#pragma once
// Decoding image files with OpenCV, in PartEdit's own words: the file is read with clear
// messages (a folder, a device, an empty file), the codec libraries' stderr text (libpng,
// libjpeg) is captured (io/stderr_capture.h) and turned into our messages, and a JPEG cut
// short is described by the part of the picture that is missing.
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "io/image_header.h"

namespace partedit {

// The bytes of the image file at `path`. Throws Error naming it when it is missing, a
// folder, not a regular file (a device such as /dev/null, a pipe), empty or unreadable.
std::string read_image_file(const std::string& path);

struct DecodedImage {
  cv::Mat mat;                        // as the flags ask (with IMREAD_UNCHANGED: as stored, not oriented)
  std::vector<std::string> warnings;  // damage that decoding worked around, in our words, naming the file
};

// cv::imdecode(bytes, flags) of a file whose header was read by read_image_header, with
// the libraries' text captured. A JPEG without its end marker is decoded as far as its data
// goes, with a warning saying which part of the picture is missing (`orientation`: where
// that part ends up once displayed; 1 when the caller does not rotate). Throws Error
// "<name> is damaged or not a <format>: <reason>" when nothing can be decoded.
DecodedImage decode_image(const std::string& bytes, const ImageHeader& header, int flags, const std::string& name,
                          int orientation = 1);

// EXIF orientation 1..8 applied to a stored image (EXIF 2.3 Table 6: 6 = rotate 90°
// clockwise to display); other values leave it as it is.
cv::Mat orient_image(const cv::Mat& stored, int orientation);

}  // namespace partedit
