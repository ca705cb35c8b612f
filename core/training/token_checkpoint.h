#pragma once
// A training run's state after some steps, so that it resumes exactly where it stopped:
// the embedding, the optimiser's moments, the step count and the curves so far, plus a
// fingerprint of everything that must be the same to continue (model, data, settings).
// Stored as safetensors (written atomically, like every file PartEdit writes).
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

namespace partedit {

struct ValidationPoint {
  int64_t step = 0;  // steps done when it was measured
  double loss = 0;
  double miou = 0;
};

struct TokenCheckpoint {
  int64_t step = 0;            // optimisation steps done
  at::Tensor embedding;        // [2, D] float32 CPU
  at::Tensor first_moment;     // Adam's m, [2, D]; undefined for SGD
  at::Tensor second_moment;    // Adam's v, [2, D]; undefined for SGD
  std::vector<double> losses;  // training loss of every step done
  std::vector<ValidationPoint> validations;
  std::string fingerprint;     // JSON object (training_fingerprint)
};

void write_token_checkpoint(const std::filesystem::path& path, const TokenCheckpoint& checkpoint);
// Throws Error naming the file when it is not a PartEdit token checkpoint or is damaged.
TokenCheckpoint read_token_checkpoint(const std::filesystem::path& path);

// Throws Error listing what differs when a checkpoint of `saved` cannot continue a run of
// `current` (both training_fingerprint JSON texts).
void check_fingerprints_match(const std::string& saved, const std::string& current, const std::string& where);

}  // namespace partedit
