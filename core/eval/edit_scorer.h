#pragma once
// The edit evaluation protocol of the paper (algorithm.md §7) for one (source, edited, part
// mask, edit prompt) sample:
// - background: PSNR, MSE and SSIM between source and edited outside the mask
//   (eval/masked_metrics.h);
// - clip_fg: 100 x the cosine similarity between the CLIP text features of the edit prompt
//   and the CLIP image features of the edited image's part (cropped to the mask's box, the
//   rest blanked, padded to a square: eval/clip_regions.h);
// - clip_bg: 100 x the cosine similarity between the CLIP image features of the source's and
//   the edited image's backgrounds (the part blanked, the whole image otherwise).
// Alpha-CLIP is not used (no weights in the CLIPModel layout); we crop and blank instead.
// The prompt is tokenised with the folder's CLIP tokenizer; a prompt longer than the text
// tower's positions is truncated (EditScores::prompt_truncated).
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include <ATen/core/Tensor.h>
#include <nlohmann/json.hpp>

#include "runtime/compute.h"

namespace partedit {

struct CLIPModelFolder;

struct EditScores {
  std::optional<double> clip_foreground;  // null without a CLIP model
  std::optional<double> clip_background;
  std::optional<double> psnr;             // null when the background is identical (MSE 0)
  double background_mse = 0;
  double ssim = 0;
  double part_fraction = 0;               // part pixels / all pixels
  bool prompt_truncated = false;          // the prompt had more tokens than the text tower takes
};

struct ScoreTimings {
  double metrics_seconds = 0, clip_seconds = 0;
};

// The scores by key, in the order tables print them: clip_fg, clip_bg, psnr,
// background_mse, ssim, part_fraction (absent values as null).
nlohmann::json scores_json(const EditScores& scores);
const std::vector<std::string>& score_keys();

class EditScorer {
 public:
  // Loads the CLIPModel folder when given (Error naming the folder/key on bad input); without
  // it only PSNR/SSIM are computed.
  explicit EditScorer(std::optional<std::filesystem::path> clip_folder = std::nullopt, const ComputeOptions& compute = {});

  // Images [3, H, W] float RGB in [0, 1], the mask [H, W] (part where >= 0.5), all the same
  // size. Throws partedit::Error on bad input (masked_metrics.h's checks).
  EditScores score(const at::Tensor& source, const at::Tensor& edited, const at::Tensor& part_mask,
                   const std::string& edit_prompt, ScoreTimings* timings = nullptr) const;
  bool has_clip() const;
  double load_seconds() const { return load_seconds_; }

 private:
  std::shared_ptr<CLIPModelFolder> clip_;  // shared: the scorer is copyable, the model read-only
  ComputeOptions compute_;
  double load_seconds_ = 0;
};

}  // namespace partedit
