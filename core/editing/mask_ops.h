#pragma once
// Per-step localisation-mask arithmetic of PartEdit (algorithm.md §3 steps 2–5): bilinear
// resizing, min-max normalisation, Otsu's threshold and the adaptive threshold (Eq. 5).
#include <ATen/core/Tensor.h>

namespace partedit {

// Bilinear resize of [..., h, w] maps to [..., height, width] (half-pixel centres, no
// corner alignment, no antialiasing: F.interpolate(mode="bilinear")).
at::Tensor resize_bilinear(const at::Tensor& maps, int64_t height, int64_t width);

// (x - min) / (max - min + eps) over the whole tensor.
at::Tensor min_max_normalize(const at::Tensor& map, double eps = 1e-6);

// Otsu's threshold as scikit-image computes it (and the authors' torch port): a 256-bin
// histogram over [min, max] (torch.histc binning), bin centres, the threshold maximising
// the between-class variance. A constant map returns its value. Computed in float32.
double otsu_threshold(const at::Tensor& map, int64_t bins = 256);

// Paper Eq. 5: values < lower·k -> 0, values >= omega·k -> 1, others kept. lower = 0.5.
// NaNs (a degenerate map) become 0 so that blending never spreads them.
at::Tensor adaptive_threshold(const at::Tensor& normalized, double otsu, double omega, double lower = 0.5);

}  // namespace partedit
