#pragma once
// BLIP-2's image preprocessing (transformers' BlipImageProcessor with the folder's
// preprocessor_config.json) on tensors: the RGB image as 8-bit values, resized exactly as PIL
// resizes (Image.resize with BICUBIC or BILINEAR: antialiased separable filter in 8-bit fixed
// point, horizontal pass first), rescaled by 1/255 and normalised with the CLIP mean/std.
// No OpenCV: reading image files is the caller's business (io/image_io.h).
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

namespace partedit {

class JsonConfig;

// OpenAI CLIP's normalisation (transformers' OPENAI_CLIP_MEAN / OPENAI_CLIP_STD), the default
// of the BLIP and CLIP image processors.
inline const std::vector<double> kOpenAIClipMean = {0.48145466, 0.4578275, 0.40821073};
inline const std::vector<double> kOpenAIClipStd = {0.26862954, 0.26130258, 0.27577711};

// Throws partedit::Error (naming `where`, " in <file>") unless resample is 2 or 3 and the
// mean and std have 3 entries.
void check_image_processor_values(int resample, const std::vector<double>& mean, const std::vector<double>& std,
                                  const std::string& where);

struct BlipImageProcessorConfig {
  bool do_resize = true;
  int64_t height = 384, width = 384;  // size {"height", "width"}
  int resample = 3;                   // PIL: 3 BICUBIC, 2 BILINEAR
  bool do_rescale = true;
  double rescale_factor = 1.0 / 255.0;
  bool do_normalize = true;
  std::vector<double> image_mean = kOpenAIClipMean;
  std::vector<double> image_std = kOpenAIClipStd;

  static BlipImageProcessorConfig from_json(const JsonConfig& cfg);
  // folder/preprocessor_config.json; throws partedit::Error if it is missing.
  static BlipImageProcessorConfig load(const std::filesystem::path& folder);
};

// PIL Image.resize((out_w, out_h), resample) of a uint8 [H, W, C] image (Pillow's
// libImaging/Resample.c arithmetic, so the bytes are equal). resample 2 or 3.
at::Tensor pil_resize_u8(const at::Tensor& image_hwc, int64_t out_h, int64_t out_w, int resample);

// pixel_values [1, 3, h, w] float32 from a uint8 RGB image [H, W, 3].
at::Tensor blip_preprocess_u8(const at::Tensor& image_hwc, const BlipImageProcessorConfig& config);
// The same from [3, H, W] (or [B, 3, H, W]) float RGB in [0, 1] (values rounded to 8 bits
// first, as the reference sees them through PIL) -> [B, 3, h, w] float32.
at::Tensor blip_preprocess(const at::Tensor& image_rgb01, const BlipImageProcessorConfig& config);

}  // namespace partedit
