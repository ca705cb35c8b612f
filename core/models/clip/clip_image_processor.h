#pragma once
// CLIP's image preprocessing (transformers' CLIPImageProcessor with a folder's
// preprocessor_config.json) on tensors: the RGB image rounded to 8 bits (as PIL holds it),
// its shortest side resized to `shortest_edge` keeping the aspect ratio (the long side
// truncated: int(shortest_edge * long / short)) with PIL's filter, a centre crop of
// crop_height x crop_width (top/left offsets rounded down), rescaled by 1/255 and
// normalised with image_mean / image_std. The resampling and normalisation arithmetic are
// BLIP-2's (models/blip2/blip_image_processor.h).
#include <cstdint>
#include <filesystem>
#include <vector>

#include <ATen/core/Tensor.h>

#include "models/blip2/blip_image_processor.h"

namespace partedit {

class JsonConfig;

struct CLIPImageProcessorConfig {
  bool do_resize = true;
  // size {"shortest_edge": N} (or a bare N); size {"height", "width"} resizes to exactly that
  int64_t shortest_edge = 224;
  int64_t resize_height = 0, resize_width = 0;  // nonzero: the exact-size form
  int resample = 3;                             // PIL: 3 BICUBIC, 2 BILINEAR
  bool do_center_crop = true;
  int64_t crop_height = 224, crop_width = 224;  // crop_size {"height", "width"} (or a bare N)
  bool do_rescale = true;
  double rescale_factor = 1.0 / 255.0;
  bool do_normalize = true;
  std::vector<double> image_mean = kOpenAIClipMean;
  std::vector<double> image_std = kOpenAIClipStd;

  static CLIPImageProcessorConfig from_json(const JsonConfig& cfg);
  // folder/preprocessor_config.json when present; otherwise CLIPImageProcessor's defaults
  // with shortest_edge and the crop set to `image_size` (the vision tower's input size).
  static CLIPImageProcessorConfig load(const std::filesystem::path& folder, int64_t image_size);
};

// [3, H, W] float RGB in [0, 1] -> pixel_values [1, 3, crop_height, crop_width] float32 (CPU).
// Throws partedit::Error when the image is empty or the crop is larger than the resized image.
at::Tensor clip_preprocess(const at::Tensor& image_rgb01, const CLIPImageProcessorConfig& config);

}  // namespace partedit
