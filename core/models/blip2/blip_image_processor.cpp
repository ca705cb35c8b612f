#include "models/blip2/blip_image_processor.h"

#include <cmath>

#include <ATen/ATen.h>

#include "io/json_config.h"
#include "runtime/error.h"

namespace partedit {
namespace fs = std::filesystem;

BlipImageProcessorConfig BlipImageProcessorConfig::from_json(const JsonConfig& cfg) {
  BlipImageProcessorConfig c;  // defaults of transformers' BlipImageProcessor
  const auto where = " in " + cfg.source().string();
  c.do_resize = cfg.get_or<bool>("do_resize", c.do_resize);
  if (cfg.has("size")) {
    const auto& size = cfg.json().at("size");
    if (!size.is_object() || !size.contains("height") || !size.contains("width"))
      throw Error("config key 'size'" + where + " must be {\"height\": H, \"width\": W}, got " + size.dump());
    c.height = size.at("height").get<int64_t>();
    c.width = size.at("width").get<int64_t>();
  }
  c.resample = cfg.get_or<int>("resample", c.resample);
  c.do_rescale = cfg.get_or<bool>("do_rescale", c.do_rescale);
  c.rescale_factor = cfg.get_or<double>("rescale_factor", c.rescale_factor);
  c.do_normalize = cfg.get_or<bool>("do_normalize", c.do_normalize);
  c.image_mean = cfg.get_or<std::vector<double>>("image_mean", c.image_mean);
  c.image_std = cfg.get_or<std::vector<double>>("image_std", c.image_std);
  if (c.height < 1 || c.width < 1) throw Error("config key 'size'" + where + " must be positive");
  check_image_processor_values(c.resample, c.image_mean, c.image_std, where);
  return c;
}

void check_image_processor_values(int resample, const std::vector<double>& mean, const std::vector<double>& std,
                                  const std::string& where) {
  if (resample != 2 && resample != 3)
    throw Error("config key 'resample'" + where + " is " + std::to_string(resample) +
                "; supported: 2 (bilinear), 3 (bicubic)");
  if (mean.size() != 3 || std.size() != 3)
    throw Error("config keys 'image_mean' / 'image_std'" + where + " must have 3 entries");
}

BlipImageProcessorConfig BlipImageProcessorConfig::load(const fs::path& folder) {
  const auto path = folder / "preprocessor_config.json";
  if (!fs::is_regular_file(path)) throw Error("BLIP-2 model folder " + folder.string() + " has no preprocessor_config.json");
  return from_json(JsonConfig::load(path));
}

namespace {

// Pillow Resample.c filters.
double bicubic_filter(double x) {
  const double a = -0.5;
  if (x < 0.0) x = -x;
  if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
  if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * a;
  return 0.0;
}

double bilinear_filter(double x) {
  if (x < 0.0) x = -x;
  return x < 1.0 ? 1.0 - x : 0.0;
}

constexpr int kPrecisionBits = 32 - 8 - 2;

// Pillow precompute_coeffs + normalize_coeffs_8bpc: per output index, the first input index,
// the tap count and the fixed-point weights.
struct Coefficients {
  int64_t ksize = 0;
  std::vector<int> first, count;
  std::vector<int32_t> weights;  // [out, ksize]
};

Coefficients precompute(int64_t in_size, int64_t out_size, int resample) {
  const double support_unit = resample == 3 ? 2.0 : 1.0;
  auto filter = resample == 3 ? bicubic_filter : bilinear_filter;
  const double scale = double(float(in_size) - 0.0f) / double(out_size);
  const double filterscale = scale < 1.0 ? 1.0 : scale;
  const double support = support_unit * filterscale;
  Coefficients c;
  c.ksize = int64_t(std::ceil(support)) * 2 + 1;
  c.weights.assign(size_t(out_size * c.ksize), 0);
  std::vector<double> k(size_t(c.ksize));
  for (int64_t xx = 0; xx < out_size; ++xx) {
    const double center = (double(xx) + 0.5) * scale;
    const double ss = 1.0 / filterscale;
    int xmin = int(center - support + 0.5);
    if (xmin < 0) xmin = 0;
    int xmax = int(center + support + 0.5);
    if (xmax > in_size) xmax = int(in_size);
    xmax -= xmin;
    double ww = 0.0;
    for (int x = 0; x < xmax; ++x) {
      k[size_t(x)] = filter((x + xmin - center + 0.5) * ss);
      ww += k[size_t(x)];
    }
    for (int x = 0; x < xmax; ++x) {
      const double w = ww != 0.0 ? k[size_t(x)] / ww : k[size_t(x)];
      c.weights[size_t(xx * c.ksize + x)] = w < 0 ? int32_t(-0.5 + w * (1 << kPrecisionBits))
                                                  : int32_t(0.5 + w * (1 << kPrecisionBits));
    }
    c.first.push_back(xmin);
    c.count.push_back(xmax);
  }
  return c;
}

uint8_t clip8(int32_t v) {
  if (v >= (1 << kPrecisionBits << 8)) return 255;
  if (v <= 0) return 0;
  return uint8_t(v >> kPrecisionBits);
}

// One pass along axis 1 (horizontal, of [H, W, C]) or axis 0 (vertical).
at::Tensor resample_pass(const at::Tensor& in, int64_t out_size, int resample, bool horizontal) {
  const int64_t H = in.size(0), W = in.size(1), C = in.size(2);
  const auto coeffs = precompute(horizontal ? W : H, out_size, resample);
  auto out = at::empty({horizontal ? H : out_size, horizontal ? out_size : W, C}, in.options());
  const uint8_t* src = in.data_ptr<uint8_t>();
  uint8_t* dst = out.data_ptr<uint8_t>();
  const int64_t out_w = out.size(1);
  for (int64_t y = 0; y < out.size(0); ++y)
    for (int64_t x = 0; x < out_w; ++x) {
      const int64_t o = horizontal ? x : y;
      const int32_t* k = &coeffs.weights[size_t(o * coeffs.ksize)];
      for (int64_t ch = 0; ch < C; ++ch) {
        int32_t ss = 1 << (kPrecisionBits - 1);
        for (int t = 0; t < coeffs.count[size_t(o)]; ++t) {
          const int64_t i = coeffs.first[size_t(o)] + t;
          const uint8_t v = horizontal ? src[(y * W + i) * C + ch] : src[(i * W + x) * C + ch];
          ss += int32_t(v) * k[t];
        }
        dst[(y * out_w + x) * C + ch] = clip8(ss);
      }
    }
  return out;
}

}  // namespace

at::Tensor pil_resize_u8(const at::Tensor& image_hwc, int64_t out_h, int64_t out_w, int resample) {
  if (image_hwc.dim() != 3 || image_hwc.scalar_type() != at::kByte)
    throw Error("pil_resize_u8: expected a uint8 [H, W, C] image, got " + c10::str(image_hwc.sizes()));
  if (resample != 2 && resample != 3) throw Error("pil_resize_u8: resample must be 2 (bilinear) or 3 (bicubic)");
  at::Tensor image = image_hwc.cpu().contiguous();
  // ImagingResampleInner: horizontal pass first, each pass only when the size changes
  if (out_w != image.size(1)) image = resample_pass(image, out_w, resample, /*horizontal=*/true);
  if (out_h != image.size(0)) image = resample_pass(image, out_h, resample, /*horizontal=*/false);
  return image;
}

at::Tensor blip_preprocess_u8(const at::Tensor& image_hwc, const BlipImageProcessorConfig& c) {
  if (image_hwc.dim() != 3 || image_hwc.size(2) != 3 || image_hwc.scalar_type() != at::kByte)
    throw Error("BLIP-2 preprocessing: expected a uint8 RGB image [H, W, 3], got " + c10::str(image_hwc.sizes()));
  if (image_hwc.size(0) < 1 || image_hwc.size(1) < 1) throw Error("BLIP-2 preprocessing: the image is empty");
  // 1. resize (PIL), 2. rescale (float64 product cast to float32), 3. normalise in float32
  const auto resized = c.do_resize ? pil_resize_u8(image_hwc, c.height, c.width, c.resample) : image_hwc.cpu();
  auto x = resized.to(at::kDouble);  // [h, w, 3]
  if (c.do_rescale) x = x * c.rescale_factor;
  x = x.to(at::kFloat);
  if (c.do_normalize) {
    const auto mean = at::tensor(c.image_mean, at::kDouble).to(at::kFloat);  // [3]
    const auto std = at::tensor(c.image_std, at::kDouble).to(at::kFloat);    // [3]
    x = (x - mean) / std;
  }
  return x.permute({2, 0, 1}).unsqueeze(0).contiguous();  // [1, 3, h, w]
}

at::Tensor blip_preprocess(const at::Tensor& image_rgb01, const BlipImageProcessorConfig& c) {
  const auto batch = image_rgb01.dim() == 3 ? image_rgb01.unsqueeze(0) : image_rgb01;
  if (batch.dim() != 4 || batch.size(1) != 3)
    throw Error("BLIP-2 preprocessing: expected an RGB image [3, H, W] or [B, 3, H, W], got " +
                c10::str(image_rgb01.sizes()));
  std::vector<at::Tensor> out;
  for (int64_t b = 0; b < batch.size(0); ++b) {
    const auto u8 = (batch[b].to(at::kFloat).cpu().clamp(0, 1) * 255.0).round().to(at::kByte);  // [3, H, W]
    out.push_back(blip_preprocess_u8(u8.permute({1, 2, 0}).contiguous(), c));
  }
  return at::cat(out, 0);  // [B, 3, h, w]
}

}  // namespace partedit
