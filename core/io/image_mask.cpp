#include "io/image_mask.h"

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include <ATen/ATen.h>

#include "io/image_decode.h"
#include "io/image_header.h"
#include "runtime/error.h"

namespace partedit {
namespace {

// The mat's mask values in [0, 1] ([H, W] float32), by the header's rule.
at::Tensor mask_values(const cv::Mat& mat, const std::string& name) {
  double full_scale = 1.0;
  switch (mat.depth()) {
    case CV_8U: full_scale = 255.0; break;
    case CV_16U: full_scale = 65535.0; break;
    case CV_32F: full_scale = 1.0; break;
    default: throw Error(name + " has a pixel format a mask cannot use (" + std::to_string(mat.depth()) + ")");
  }
  cv::Mat values;
  mat.convertTo(values, CV_32F, 1.0 / full_scale);
  std::vector<cv::Mat> channels;
  cv::split(values, channels);
  cv::Mat value;
  const int colours = channels.size() == 2 || channels.size() == 4 ? static_cast<int>(channels.size()) - 1
                                                                   : static_cast<int>(channels.size());
  if (colours < static_cast<int>(channels.size())) {
    double lowest_alpha = 1;
    cv::minMaxLoc(channels.back(), &lowest_alpha);
    if (lowest_alpha < 1.0) value = channels.back();
  }
  if (value.empty()) {
    value = channels[0].clone();
    for (int c = 1; c < colours; ++c) cv::max(value, channels[c], value);
  }
  auto tensor = at::from_blob(value.data, {value.rows, value.cols}, at::kFloat).clone();
  // 0/1 label files: the part is the value 1 (judged on the stored integers).
  double stored_max = 0;
  cv::minMaxLoc(mat.reshape(1), nullptr, &stored_max);
  if (mat.depth() != CV_32F && stored_max == 1.0) tensor = tensor.gt(0).to(at::kFloat);
  return tensor;
}

}  // namespace

at::Tensor read_part_mask(const std::filesystem::path& path, std::vector<std::string>* notes) {
  const std::string name = path.string();
  const std::string bytes = read_image_file(name);
  const ImageHeader header = read_image_header(bytes, name);
  if (header.truncated && header.format != ImageFileFormat::Jpeg)
    throw Error(name + " is damaged or not a " + format_name(header.format) + ": the file is truncated");
  const int flags = header.format == ImageFileFormat::Jpeg ? cv::IMREAD_UNCHANGED | cv::IMREAD_IGNORE_ORIENTATION
                                                           : cv::IMREAD_UNCHANGED;
  const int orientation = header.decoder_orients ? 1 : header.orientation;
  DecodedImage decoded = decode_image(bytes, header, flags, name, orientation);
  if (notes) notes->insert(notes->end(), decoded.warnings.begin(), decoded.warnings.end());
  const auto values = mask_values(orient_image(decoded.mat, orientation), name);
  const double soft = values.gt(0.1).logical_and(values.lt(0.9)).to(at::kDouble).mean().item<double>();
  if (soft > kMaskMaxSoftFraction)
    throw Error(name + " is not a binary mask: " + std::to_string(static_cast<int>(soft * 100 + 0.5)) +
                " % of its pixels are neither dark nor bright (at most " +
                std::to_string(static_cast<int>(kMaskMaxSoftFraction * 100)) +
                " % may be, for soft edges); paint the part white on black");
  return values.ge(0.5).to(at::kFloat);
}

}  // namespace partedit
