#pragma once
// Writes a diffusers folder as a single-file checkpoint in the original SGM/LDM layout,
// through the inverse of the loader's own table (models/checkpoint_layout.h), so the tests
// and benchmarks need no third-party file. Linked by the tests and the benchmarks.
#include <filesystem>

#include <c10/core/ScalarType.h>

#include "models/checkpoint_layout.h"

namespace partedit::test {

struct CheckpointWriteOptions {
  CheckpointFamily family = CheckpointFamily::SDXL;  // the key layout to write
  c10::ScalarType dtype = c10::kFloat;                // kHalf / kBFloat16: an fp16 / bf16 file
  // Also write the tensors real files carry that the loader knows and skips: the EMA copy,
  // LDM's schedule buffers, position_ids, OpenCLIP's logit_scale, SD 2.x's last resblock
  // and unused text_projection.
  bool known_extras = false;
};

// Reads `diffusers_folder` (any family the layout knows) and writes `out` atomically.
void write_single_file_checkpoint(const std::filesystem::path& diffusers_folder, const std::filesystem::path& out,
                                  const CheckpointWriteOptions& options);

}  // namespace partedit::test
