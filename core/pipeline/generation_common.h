#pragma once
// Pieces shared by the text-to-image and the PartEdit pipelines: request validation,
// truncation warnings, SDXL micro-conditioning, initial noise.
#include <string>
#include <vector>

#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>

#include "pipeline/text_to_image.h"

namespace partedit {

class DiffusionModel;
class PromptEncoder;

std::string number_text(double value);  // %g

// Everything checkable before touching a model (prompt, steps, guidance, size, initial
// latents); returns the resolved image size.
void validate_generation(const DiffusionModel& model, const GenerateRequest& request, int64_t& width,
                         int64_t& height, bool allow_blank_prompt = false);

// CLIP reads at most max_length ids; diffusers truncates and logs what it dropped.
void warn_if_truncated(const PromptEncoder& encoder, const std::string& text, const char* what,
                       std::vector<std::string>& warnings);

// Throws Error("the model produced NaN/Inf at step <step> (...)") when `values` (a step's latents
// or noise prediction) hold a value that is not finite: damaged weights or an fp16 overflow
// would otherwise end in a black image, or in a failure far from the cause. `step` counts from
// 1. One sum per step (and on a GPU one synchronisation, as the progress report makes); a
// finite sum that overflows (values near 1e34, a run already lost) also counts as Inf.
void check_finite_step(const at::Tensor& values, int step);

// SDXL micro-conditioning (original size, crop (0, 0), target size), one row per batch entry.
at::Tensor sdxl_time_ids(int64_t height, int64_t width, int64_t batch, const at::TensorOptions& options);

// Unit-variance initial noise [1, C, h, w] float32 on the CPU: the request's latents or a
// draw from `generator` (bit-equal to torch.manual_seed(seed); torch.randn(...)).
at::Tensor initial_noise(const DiffusionModel& model, const GenerateRequest& request, int64_t width, int64_t height,
                         at::Generator& generator);

}  // namespace partedit
