#include "batch_eval.h"

#include <ATen/ATen.h>

#include "io/image_io.h"
#include "io/image_mask.h"
#include "runtime/error.h"

namespace partedit::cli {
namespace fs = std::filesystem;

namespace {

// [3, H, W] in [0, 1] as an 8-bit file stores it.
at::Tensor eight_bit(const at::Tensor& image) { return (image.clamp(0, 1) * 255).round() / 255; }

// The edit's mask ([h, w] in [0, 1]) at `height` x `width`, part where >= 0.5.
at::Tensor part_mask_at(const at::Tensor& mask, int64_t height, int64_t width) {
  at::Tensor m = mask.to(at::kFloat).cpu();
  if (m.size(0) != height || m.size(1) != width)
    m = at::upsample_bilinear2d(m.unsqueeze(0).unsqueeze(0), {height, width}, false).squeeze(0).squeeze(0);
  return (m >= 0.5).to(at::kFloat);
}

}  // namespace

BatchScorer::BatchScorer(const std::optional<fs::path>& clip_model, const ComputeOptions& compute)
    : scorer_(clip_model, compute) {}

nlohmann::ordered_json BatchScorer::score(const EditJobResult& result, const ManifestLine& line) const {
  fs::path written;
  for (const auto& [key, path] : line.outputs)
    if (key == "out") written = path;
  const at::Tensor edited = read_image(written);
  at::Tensor source;
  if (result.composited.defined()) source = result.photo->original;
  else if (result.photo) source = result.photo->working;
  else source = eight_bit(result.edit.source);
  at::Tensor mask;
  if (line.eval_mask) {
    mask = read_part_mask(*line.eval_mask);
    if (mask.size(0) != edited.size(1) || mask.size(1) != edited.size(2))
      throw Error("eval-mask " + line.eval_mask->string() + " is " + std::to_string(mask.size(1)) + "x" +
                  std::to_string(mask.size(0)) + ", the edit " + std::to_string(edited.size(2)) + "x" +
                  std::to_string(edited.size(1)));
  } else {
    mask = part_mask_at(result.mask(), edited.size(1), edited.size(2));
  }
  return scores_json(scorer_.score(source, edited, mask, result.edit.edit_prompt));
}

}  // namespace partedit::cli
