#include "training/training_set.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>

#include <ATen/ATen.h>

#include "io/image_mask.h"
#include "io/image_photo.h"
#include "runtime/error.h"
#include "runtime/text.h"

namespace partedit {
namespace fs = std::filesystem;
namespace {

bool is_image_file(const fs::path& path) {
  const std::string ext = lower_ascii(path.extension().string());
  static const char* known[] = {".png", ".jpg", ".jpeg", ".webp", ".tif", ".tiff"};
  return std::any_of(std::begin(known), std::end(known), [&](const char* k) { return ext == k; });
}

// stem -> file, for the image files of a folder.
std::map<std::string, fs::path> images_by_stem(const fs::path& dir, const char* what) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw Error("the " + std::string(what) + " folder " + dir.string() + " does not exist");
  std::map<std::string, fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (!entry.is_regular_file() || !is_image_file(entry.path())) continue;
    const std::string stem = entry.path().stem().string();
    auto [it, added] = files.emplace(stem, entry.path());
    if (!added)
      throw Error("the " + std::string(what) + " folder holds two files named " + stem + " (" +
                  it->second.filename().string() + " and " + entry.path().filename().string() +
                  "); masks are matched by name, so keep one");
  }
  if (ec) throw Error("cannot read the " + std::string(what) + " folder " + dir.string() + ": " + ec.message());
  return files;
}

void check_has_both(const at::Tensor& mask, const fs::path& mask_path, const std::string& when) {
  const double part = mask.sum().item<double>();
  if (part == 0)
    throw Error(mask_path.string() + " has no part pixels" + when + "; paint the part white on black");
  if (part == static_cast<double>(mask.numel()))
    throw Error(mask_path.string() + " marks every pixel as the part" + when +
                "; the token also learns from the background, so leave the rest black");
}

}  // namespace

std::vector<TrainingPair> pair_training_files(const fs::path& images_dir, const fs::path& masks_dir) {
  const auto images = images_by_stem(images_dir, "images");
  const auto masks = images_by_stem(masks_dir, "masks");
  if (images.empty()) throw Error("the images folder " + images_dir.string() + " holds no PNG, JPEG, WebP or TIFF image");
  std::vector<TrainingPair> pairs;
  for (const auto& [stem, image] : images) {
    auto mask = masks.find(stem);
    if (mask == masks.end())
      throw Error(image.string() + " has no mask: expected a file named " + stem + ".png (or another image format) in " +
                  masks_dir.string());
    pairs.push_back({stem, image, mask->second});
  }
  return pairs;
}

TrainingExample load_training_example(const TrainingPair& pair, const FitOptions& fit) {
  PhotoOptions options;
  options.fit = fit;
  Photo photo = load_photo(pair.image.string(), options);
  at::Tensor mask = read_part_mask(pair.mask);  // [h0, w0]
  const auto& f = photo.fit;
  const int64_t width = f.original_width * f.decode_reduction, height = f.original_height * f.decode_reduction;
  const bool reduced = f.decode_reduction > 1 && std::abs(mask.size(1) - width) < f.decode_reduction &&
                       std::abs(mask.size(0) - height) < f.decode_reduction;
  if (!reduced && (mask.size(1) != f.original_width || mask.size(0) != f.original_height))
    throw Error(pair.mask.string() + " is " + std::to_string(mask.size(1)) + "x" + std::to_string(mask.size(0)) +
                " pixels but its image " + pair.image.filename().string() + " is " + std::to_string(width) + "x" +
                std::to_string(height) + "; a mask must have its image's size");
  check_has_both(mask, pair.mask, "");
  if (reduced) mask = resize_for_fit(mask, f.original_height, f.original_width, true).ge(0.5).to(at::kFloat);
  // The photo's crop, then its scale; soft edges from the scaling are cut at one half.
  const auto cropped = mask.slice(0, f.crop_y, f.crop_y + f.crop_height).slice(1, f.crop_x, f.crop_x + f.crop_width);
  const auto working = resize_for_fit(cropped.contiguous(), f.height, f.width, true).ge(0.5).to(at::kFloat);
  check_has_both(working, pair.mask, " once fitted to the model's working frame (" + std::to_string(f.width) + "x" +
                                         std::to_string(f.height) + ")");
  return {pair.name, pair.image, pair.mask, photo.working, working, pair.hold_out};
}

void check_training_pairs(const std::vector<TrainingPair>& pairs) {
  for (const auto& pair : pairs) {
    const ImageHeader header = check_photo_file(pair.image.string());
    const bool turned = header.orientation >= 5 && header.orientation <= 8;  // EXIF: rotated by 90°
    const int64_t width = turned ? header.height : header.width, height = turned ? header.width : header.height;
    const at::Tensor mask = read_part_mask(pair.mask);
    if (mask.size(1) != width || mask.size(0) != height)
      throw Error(pair.mask.string() + " is " + std::to_string(mask.size(1)) + "x" + std::to_string(mask.size(0)) +
                  " pixels but its image " + pair.image.filename().string() + " is " + std::to_string(width) + "x" +
                  std::to_string(height) + "; a mask must have its image's size");
    check_has_both(mask, pair.mask, "");
  }
}

std::vector<TrainingExample> load_training_examples(const std::vector<TrainingPair>& pairs, const FitOptions& fit) {
  std::vector<TrainingExample> examples;
  for (const auto& pair : pairs) examples.push_back(load_training_example(pair, fit));
  return examples;
}

}  // namespace partedit
