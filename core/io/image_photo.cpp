#include "io/image_photo.h"

#include <filesystem>

#include <ATen/ATen.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "io/image_decode.h"
#include "runtime/error.h"
#include "runtime/text.h"

namespace partedit {

namespace {

namespace fs = std::filesystem;

std::string fail_prefix(const std::string& path) { return "cannot open photo " + path + ": "; }

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

// The JPEG DCT scaling (1, 2, 4, 8) that brings the photo under the limit; 0 if none does.
int decode_reduction(const ImageHeader& h, const PhotoOptions& o) {
  for (int r : {1, 2, 4, 8}) {
    if (r > 1 && !(h.format == ImageFileFormat::Jpeg && o.reduce_huge_jpeg)) break;
    if (ceil_div(h.width, r) * ceil_div(h.height, r) <= o.max_pixels) return r;
  }
  return 0;
}

// Everything decidable from the header; returns the decode reduction.
int check_header(const ImageHeader& h, const PhotoOptions& o, const std::string& path, std::vector<std::string>& warn) {
  const std::string what = std::string(format_name(h.format)) + " of " + size_text(h.width, h.height) + " pixels";
  // A cut JPEG decodes as far as its data goes (decode_image warns); a cut WebP does not.
  if (h.truncated && h.format != ImageFileFormat::Jpeg)
    throw Error(path + " is damaged or not a " + format_name(h.format) + ": the file is truncated (shorter than its header says)");
  const int r = decode_reduction(h, o);
  const std::string mp = std::to_string(h.width * h.height / 1'000'000) + " MP";
  if (r == 0)
    throw Error(fail_prefix(path) + what + " (" + mp + ") exceeds the limit of " +
                std::to_string(o.max_pixels / 1'000'000) + " MP; reduce it in an image editor first");
  if (r > 1)
    warn.push_back(path + ": " + what + " (" + mp + ") exceeds the limit of " + std::to_string(o.max_pixels / 1'000'000) +
                   " MP; decoded at 1/" + std::to_string(r) + " size");
  if (h.format == ImageFileFormat::Jpeg && h.channels == 4) {
    if (h.adobe_transform != 0 && h.adobe_transform != 2)
      throw Error(fail_prefix(path) + "CMYK JPEG without an Adobe marker (ink polarity unknown); convert it to RGB first");
    warn.push_back(path + ": CMYK JPEG converted to RGB without colour management (colours are approximate)");
  }
  return r;
}

cv::Mat decode(const std::string& bytes, const ImageHeader& h, int reduction, const std::string& path,
              std::vector<std::string>& warnings) {
  int flags = cv::IMREAD_UNCHANGED;  // depth, alpha, no EXIF rotation (applied below)
  if (reduction == 2) flags = cv::IMREAD_REDUCED_COLOR_2 | cv::IMREAD_IGNORE_ORIENTATION;
  if (reduction == 4) flags = cv::IMREAD_REDUCED_COLOR_4 | cv::IMREAD_IGNORE_ORIENTATION;
  if (reduction == 8) flags = cv::IMREAD_REDUCED_COLOR_8 | cv::IMREAD_IGNORE_ORIENTATION;
  DecodedImage decoded = decode_image(bytes, h, flags, path, h.decoder_orients ? 1 : h.orientation);
  warnings.insert(warnings.end(), decoded.warnings.begin(), decoded.warnings.end());
  const cv::Mat& mat = decoded.mat;
  const int64_t w = ceil_div(h.width, reduction), hh = ceil_div(h.height, reduction);
  const bool as_header = mat.cols == w && mat.rows == hh;
  const bool transposed = h.decoder_orients && h.orientation >= 5 && mat.cols == hh && mat.rows == w;
  if (!as_header && !transposed)
    throw Error(fail_prefix(path) + "decoded " + size_text(mat.cols, mat.rows) + " pixels but the header says " +
                size_text(w, hh));
  return mat;
}

// Any depth, BGR(A) / grey(+alpha) -> [C, H, W] float in [0, 1] in the file's channel order.
at::Tensor to_planes(const cv::Mat& mat, const std::string& path) {
  cv::Mat src = mat;
  double scale = 1.0;
  switch (mat.depth()) {
    case CV_8U: scale = 1.0 / 255.0; break;
    case CV_16U: mat.convertTo(src, CV_MAKETYPE(CV_32F, mat.channels()), 1.0 / 65535.0); break;
    case CV_32F: break;
    case CV_64F: mat.convertTo(src, CV_MAKETYPE(CV_32F, mat.channels())); break;
    default: throw Error(fail_prefix(path) + "unsupported sample type (signed integers)");
  }
  if (!src.isContinuous()) src = src.clone();
  const auto dtype = src.depth() == CV_8U ? c10::kByte : c10::kFloat;
  const at::Tensor hwc = at::from_blob(src.data, {src.rows, src.cols, src.channels()}, at::TensorOptions().dtype(dtype));
  at::Tensor planes = at::empty({src.channels(), src.rows, src.cols}, c10::kFloat);  // [C, H, W]
  planes.copy_(hwc.permute({2, 0, 1}));
  if (scale != 1.0) planes.mul_(scale);
  return at::nan_to_num(planes, 0.0).clamp_(0.0, 1.0);
}

// libtiff's RGBA interface (OpenCV's 8-bit TIFF path) returns premultiplied colour; files
// that declare associated alpha store it premultiplied anyway.
bool premultiplied(const ImageHeader& h) {
  return h.format == ImageFileFormat::Tiff && (h.bit_depth == 8 || h.tiff_extra_samples == 1);
}

// Splits planes into RGB over white and alpha (undefined when opaque).
void split_rgb_alpha(const at::Tensor& planes, const ImageHeader& h, Photo& photo, const std::string& path) {
  const int64_t c = planes.size(0);
  at::Tensor colour;
  if (c == 1 || c == 2) colour = planes.narrow(0, 0, 1).expand({3, planes.size(1), planes.size(2)});  // grey
  else if (c == 3 || c == 4) colour = planes.narrow(0, 0, 3).flip(0);  // BGR -> RGB, [3, H, W]
  else throw Error(fail_prefix(path) + "unsupported channel count " + std::to_string(c));
  if (c == 1 || c == 3) {
    photo.original = colour.contiguous();
    return;
  }
  const at::Tensor alpha = planes.narrow(0, c - 1, 1);  // [1, H, W]
  const at::Tensor over = premultiplied(h) ? colour + (1.0 - alpha) : colour * alpha + (1.0 - alpha);
  photo.original = over.clamp(0.0, 1.0).contiguous();  // [3, H, W]
  photo.alpha = alpha.contiguous();
}

// Decoding, orientation and conversion; allocation failures (a photo within the pixel limit
// on a machine short of memory) become an Error naming the file.
void decode_into(const std::string& bytes, int reduction, const std::string& path, Photo& photo) {
  const ImageHeader& h = photo.header;
  try {
    cv::Mat mat = decode(bytes, h, reduction, path, photo.warnings);
    if (!h.decoder_orients) mat = orient_image(mat, h.orientation);
    split_rgb_alpha(to_planes(mat, path), h, photo, path);
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {  // std::bad_alloc, c10::Error, cv::Exception
    throw Error(fail_prefix(path) + "out of memory or decoder failure at " + size_text(h.width, h.height) +
                " pixels (" + e.what() + ")");
  }
}

}  // namespace

ImageHeader check_photo_file(const std::string& path, const PhotoOptions& options) {
  const ImageHeader header = read_image_header(read_image_file(path), path);
  std::vector<std::string> warnings;
  check_header(header, options, path, warnings);
  return header;
}

Photo read_photo(const std::string& path, const PhotoOptions& options) {
  Photo photo;
  const std::string bytes = read_image_file(path);
  photo.header = read_image_header(bytes, path);
  photo.fit.decode_reduction = check_header(photo.header, options, path, photo.warnings);
  decode_into(bytes, photo.fit.decode_reduction, path, photo);
  return photo;
}

Photo load_photo(const std::string& path, const PhotoOptions& options) {
  Photo photo = read_photo(path, options);
  const int reduction = photo.fit.decode_reduction;
  const int64_t h0 = photo.original.size(1), w0 = photo.original.size(2);
  try {
    photo.fit = fit_photo(w0, h0, options.fit);
  } catch (const Error& e) {
    throw Error(fail_prefix(path) + e.what());
  }
  photo.fit.decode_reduction = reduction;
  const std::string note = describe_fit(photo.fit, fs::path(path).filename().string());
  if (!note.empty()) photo.notes.push_back(note);
  const PhotoFit& f = photo.fit;
  const at::Tensor crop = photo.original.narrow(1, f.crop_y, f.crop_height).narrow(2, f.crop_x, f.crop_width);
  photo.working = resize_for_fit(crop, f.height, f.width, false).contiguous();  // [3, H, W]
  return photo;
}

}  // namespace partedit
