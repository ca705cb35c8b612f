#include "models/clip/clip_image_processor.h"

#include <ATen/ATen.h>

#include "io/json_config.h"
#include "models/blip2/blip_image_processor.h"
#include "runtime/error.h"

namespace partedit {
namespace fs = std::filesystem;

namespace {

// A size key written as a bare number or as an object; `fields` are the object's keys that
// are read (missing ones keep their value).
void read_size(const JsonConfig& cfg, const std::string& key, int64_t* bare,
               const std::vector<std::pair<const char*, int64_t*>>& fields) {
  if (!cfg.has(key)) return;
  const auto& value = cfg.json().at(key);
  const auto where = " in " + cfg.source().string();
  if (value.is_number_integer()) {
    *bare = value.get<int64_t>();
    return;
  }
  bool any = false;
  if (value.is_object())
    for (const auto& [name, target] : fields)
      if (value.contains(name) && value.at(name).is_number_integer()) {
        *target = value.at(name).get<int64_t>();
        any = true;
      }
  if (!any) throw Error("config key '" + key + "'" + where + " has an unsupported form: " + value.dump());
}

}  // namespace

CLIPImageProcessorConfig CLIPImageProcessorConfig::from_json(const JsonConfig& cfg) {
  CLIPImageProcessorConfig c;  // defaults of transformers' CLIPImageProcessor
  const auto where = " in " + cfg.source().string();
  c.do_resize = cfg.get_or<bool>("do_resize", c.do_resize);
  read_size(cfg, "size", &c.shortest_edge,
            {{"shortest_edge", &c.shortest_edge}, {"height", &c.resize_height}, {"width", &c.resize_width}});
  if ((c.resize_height > 0) != (c.resize_width > 0))
    throw Error("config key 'size'" + where + " must give both 'height' and 'width', or 'shortest_edge'");
  c.resample = cfg.get_or<int>("resample", c.resample);
  c.do_center_crop = cfg.get_or<bool>("do_center_crop", c.do_center_crop);
  int64_t crop = 0;
  read_size(cfg, "crop_size", &crop, {{"height", &c.crop_height}, {"width", &c.crop_width}});
  if (crop != 0) c.crop_height = c.crop_width = crop;
  c.do_rescale = cfg.get_or<bool>("do_rescale", c.do_rescale);
  c.rescale_factor = cfg.get_or<double>("rescale_factor", c.rescale_factor);
  c.do_normalize = cfg.get_or<bool>("do_normalize", c.do_normalize);
  c.image_mean = cfg.get_or<std::vector<double>>("image_mean", c.image_mean);
  c.image_std = cfg.get_or<std::vector<double>>("image_std", c.image_std);
  if (c.shortest_edge < 1 || c.crop_height < 1 || c.crop_width < 1)
    throw Error("config keys 'size' / 'crop_size'" + where + " must be positive");
  check_image_processor_values(c.resample, c.image_mean, c.image_std, where);
  return c;
}

CLIPImageProcessorConfig CLIPImageProcessorConfig::load(const fs::path& folder, int64_t image_size) {
  const auto path = folder / "preprocessor_config.json";
  if (fs::is_regular_file(path)) return from_json(JsonConfig::load(path));
  CLIPImageProcessorConfig c;
  c.shortest_edge = c.crop_height = c.crop_width = image_size;
  return c;
}

at::Tensor clip_preprocess(const at::Tensor& image_rgb01, const CLIPImageProcessorConfig& c) {
  if (image_rgb01.dim() != 3 || image_rgb01.size(0) != 3 || image_rgb01.size(1) < 1 || image_rgb01.size(2) < 1)
    throw Error("CLIP preprocessing: expected an RGB image [3, H, W], got " + c10::str(image_rgb01.sizes()));
  // 1. 8-bit RGB [H, W, 3], as PIL holds it
  at::Tensor u8 = (image_rgb01.to(at::kFloat).cpu().clamp(0, 1) * 255.0).round().to(at::kByte).permute({1, 2, 0});
  int64_t h = u8.size(0), w = u8.size(1);
  // 2. resize: the shortest side to shortest_edge (aspect kept), or to the exact size
  if (c.do_resize) {
    int64_t out_h = c.resize_height, out_w = c.resize_width;
    if (out_h == 0) {
      const bool portrait = w <= h;
      const int64_t short_side = portrait ? w : h, long_side = portrait ? h : w;
      const auto new_long = int64_t(double(c.shortest_edge) * double(long_side) / double(short_side));
      out_h = portrait ? new_long : c.shortest_edge;
      out_w = portrait ? c.shortest_edge : new_long;
    }
    u8 = pil_resize_u8(u8.contiguous(), out_h, out_w, c.resample);
    h = out_h, w = out_w;
  }
  // 3. centre crop
  if (c.do_center_crop) {
    if (c.crop_height > h || c.crop_width > w)
      throw Error("CLIP preprocessing: the crop " + std::to_string(c.crop_height) + "x" + std::to_string(c.crop_width) +
                  " is larger than the resized image " + std::to_string(h) + "x" + std::to_string(w));
    u8 = u8.narrow(0, (h - c.crop_height) / 2, c.crop_height).narrow(1, (w - c.crop_width) / 2, c.crop_width);
  }
  // 4. rescale and normalise (BLIP-2's arithmetic, no further resize)
  BlipImageProcessorConfig normalise;
  normalise.do_resize = false;
  normalise.do_rescale = c.do_rescale;
  normalise.rescale_factor = c.rescale_factor;
  normalise.do_normalize = c.do_normalize;
  normalise.image_mean = c.image_mean;
  normalise.image_std = c.image_std;
  return blip_preprocess_u8(u8.contiguous(), normalise);  // [1, 3, h, w]
}

}  // namespace partedit
