#pragma once
// What an image file says about itself before any pixel is decoded: format, stored size,
// EXIF orientation, JPEG colour components, TIFF alpha kind. Parsed from the bytes with
// bounds checks only (no codec), so that a photo claiming 20000 × 20000 pixels is refused
// before a decoder allocates anything.
#include <cstdint>
#include <string>
#include <vector>

namespace partedit {

enum class ImageFileFormat { Png, Jpeg, Webp, Tiff };

// "PNG", "JPEG", "WebP", "TIFF".
const char* format_name(ImageFileFormat format);

struct ImageHeader {
  ImageFileFormat format = ImageFileFormat::Png;
  int64_t width = 0;   // as stored, before orientation
  int64_t height = 0;
  int orientation = 1;           // EXIF/TIFF Orientation 1..8 (1: as stored, also when absent or invalid)
  bool decoder_orients = false;  // TIFF: libtiff (through OpenCV) applies the Orientation tag itself
  int channels = 0;              // JPEG components, PNG channels, TIFF samples per pixel; 0 if unknown
  int bit_depth = 0;             // bits per sample; 0 if unknown
  int adobe_transform = -1;      // JPEG APP14 "Adobe" colour transform (0 CMYK/RGB, 1 YCbCr, 2 YCCK); -1 none
  int tiff_extra_samples = -1;   // TIFF ExtraSamples[0]: 1 associated (premultiplied) alpha, 2 unassociated
  bool truncated = false;        // JPEG: no end-of-image marker after the scan; WebP: shorter than its RIFF size
  bool progressive = false;      // JPEG: progressive frame (SOF2, 6, 10, 14): a cut file cannot be shown in part
  std::vector<std::string> ignored_damage;  // PNG: ancillary chunks with a bad CRC (decoders skip them), in our words
};

// Parses the header of a PNG, JPEG, WebP or TIFF file held in `bytes`. Throws Error naming
// `name` for any other content, a damaged header, or a stored size of zero. A PNG is checked
// whole (chunk CRCs, IHDR values, image data present, not cut short: what libpng would
// refuse), so that a damaged one is reported as "<name> is damaged or not a PNG: <reason>".
ImageHeader read_image_header(const std::string& bytes, const std::string& name);

// The Orientation (tag 0x0112) of IFD0 in a TIFF-structured EXIF block ("II"/"MM" first,
// without the "Exif\0\0" prefix); 1 when absent, out of range or the block is damaged.
int exif_orientation(const std::string& tiff);

}  // namespace partedit
