#pragma once
// `batch --eval`: each edit scored as `partedit-cli eval` scores it (core/eval), on the image
// the edit wrote (its --out file, read back), the source it was edited from (a photo as read;
// a generated source rounded to 8 bits, as --source-out writes it) and the part mask (the
// line's "eval-mask" file, else the edit's own mask at the image's size, part where >= 0.5),
// with the edit prompt.
#include <filesystem>
#include <optional>

#include <nlohmann/json.hpp>

#include "batch_manifest.h"
#include "engine/edit_job.h"
#include "eval/edit_scorer.h"
#include "runtime/compute.h"

namespace partedit::cli {

class BatchScorer {
 public:
  // Loads the CLIP folder when given (its scores are left out without one).
  BatchScorer(const std::optional<std::filesystem::path>& clip_model, const ComputeOptions& compute);
  // The "scores" object of the line's record. Throws Error (a mask of another size, …).
  nlohmann::ordered_json score(const EditJobResult& result, const ManifestLine& line) const;

 private:
  EditScorer scorer_;
};

}  // namespace partedit::cli
