#pragma once
// The images and part masks a token is trained on (algorithm.md §5): pairs matched by file
// stem, every image brought to the model's working frame exactly as a photo to edit is
// (editing/photo_fit.h), its mask cropped and scaled with it. Every check runs before any
// model work, each with a message naming the file.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

#include "io/photo_fit.h"
#include "training/training_split.h"

namespace partedit {

struct TrainingPair {
  std::string name;  // the shared file stem
  std::filesystem::path image;
  std::filesystem::path mask;
  HoldOut hold_out = HoldOut::Automatic;
};

struct TrainingExample {
  std::string name;
  std::filesystem::path image_path;
  std::filesystem::path mask_path;
  at::Tensor image;  // [3, H, W] float RGB in [0, 1] at the working size
  at::Tensor mask;   // [H, W] float in {0, 1} at the working size
  HoldOut hold_out = HoldOut::Automatic;
};

// Image files in `images_dir` (PNG, JPEG, WebP, TIFF), each with the mask in `masks_dir` of
// the same stem (any of those formats), sorted by name. Throws Error when a folder does not
// exist, holds no image, an image has no mask, or two images (or masks) share a stem.
std::vector<TrainingPair> pair_training_files(const std::filesystem::path& images_dir,
                                              const std::filesystem::path& masks_dir);

// Loads one pair (io/image_mask.h states the mask rule). Throws Error when the mask's size
// differs from the image's, or when it has no part pixels or no background pixels (before
// or after fitting to the working frame).
TrainingExample load_training_example(const TrainingPair& pair, const FitOptions& fit);

// The checks of load_training_example that need no model (mask rule, sizes, part and
// background present), on the files' own sizes, for a front end that must fail before
// loading a model. Reads only the images' headers.
void check_training_pairs(const std::vector<TrainingPair>& pairs);

std::vector<TrainingExample> load_training_examples(const std::vector<TrainingPair>& pairs, const FitOptions& fit);

}  // namespace partedit
