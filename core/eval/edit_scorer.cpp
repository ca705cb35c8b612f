#include "eval/edit_scorer.h"

#include <ATen/ATen.h>

#include "eval/clip_regions.h"
#include "eval/masked_metrics.h"
#include "models/clip/clip_model.h"
#include "pipeline/generation_common.h"
#include "runtime/elapsed.h"

namespace partedit {

namespace {

// 100 x cos(a, b) of two [P] feature vectors, in float64.
double clip_similarity(const at::Tensor& a, const at::Tensor& b) {
  const auto x = a.to(at::kDouble).cpu().flatten(), y = b.to(at::kDouble).cpu().flatten();
  return 100.0 * (x.dot(y) / (x.norm() * y.norm())).item<double>();
}

nlohmann::json optional_json(const std::optional<double>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

// The one list of the score keys and where each value comes from.
std::vector<std::pair<std::string, nlohmann::json>> score_fields(const EditScores& s) {
  return {{"clip_fg", optional_json(s.clip_foreground)},
          {"clip_bg", optional_json(s.clip_background)},
          {"psnr", optional_json(s.psnr)},
          {"background_mse", s.background_mse},
          {"ssim", s.ssim},
          {"part_fraction", s.part_fraction}};
}

}  // namespace

nlohmann::json scores_json(const EditScores& s) {
  nlohmann::json j;
  for (const auto& [key, value] : score_fields(s)) j[key] = value;
  return j;
}

const std::vector<std::string>& score_keys() {
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> out;
    for (const auto& field : score_fields(EditScores{})) out.push_back(field.first);
    return out;
  }();
  return keys;
}

EditScorer::EditScorer(std::optional<std::filesystem::path> clip_folder, const ComputeOptions& compute)
    : compute_(compute) {
  if (!clip_folder) return;
  const auto start = SteadyClock::now();
  clip_ = std::make_shared<CLIPModelFolder>(CLIPModelFolder::load(*clip_folder, compute));
  load_seconds_ = seconds_since(start);
}

bool EditScorer::has_clip() const { return clip_ != nullptr; }

EditScores EditScorer::score(const at::Tensor& source, const at::Tensor& edited, const at::Tensor& part_mask,
                             const std::string& edit_prompt, ScoreTimings* timings) const {
  // 1. background metrics (they check the inputs first)
  auto start = SteadyClock::now();
  EditScores s;
  s.background_mse = background_mse(source, edited, part_mask);
  s.psnr = psnr_from_mse(s.background_mse);
  s.ssim = background_ssim(source, edited, part_mask);
  s.part_fraction = part_pixels(part_mask).sum().item<double>() / double(part_mask.numel());
  if (timings) timings->metrics_seconds = seconds_since(start);
  if (!clip_) return s;

  // 2. CLIP: the prompt, the edited part, both backgrounds (one batch)
  start = SteadyClock::now();
  InferenceGuard guard(compute_.device);
  CLIPModelFolder& clip = *clip_;
  const auto& blank = clip.processor.image_mean;
  // The ids and pixels are made on the CPU in float32; the model may sit on a GPU or in bf16/fp16.
  auto pixels_of = [&](const at::Tensor& image) {
    return clip_preprocess(image, clip.processor).to(compute_.device, compute_.dtype);
  };
  const auto text =
      clip.model->text_features(clip.tokenize(edit_prompt, &s.prompt_truncated).to(compute_.device));  // [1, P]
  const auto part = clip.model->image_features(pixels_of(clip_foreground_image(edited, part_mask, blank)));  // [1, P]
  const auto backgrounds = clip.model->image_features(at::cat({pixels_of(clip_background_image(source, part_mask, blank)),
                                                               pixels_of(clip_background_image(edited, part_mask, blank))}));  // [2, P]
  s.clip_foreground = clip_similarity(text[0], part[0]);
  s.clip_background = clip_similarity(backgrounds[0], backgrounds[1]);
  if (timings) timings->clip_seconds = seconds_since(start);
  return s;
}

}  // namespace partedit
