#pragma once
// Reading a binary part mask drawn by a person or exported by a tool (token training,
// `locate`'s checks). The rule, stated once:
// - the mask value of a pixel is its alpha when the file has an alpha channel that is not
//   fully opaque (a painted layer exported with transparency), else the largest of its
//   colour channels (white, or any colour, on black), scaled to [0, 1] by the bit depth;
// - an 8-bit or 16-bit mask whose only values are 0 and 1 (label files saved as 0/1) counts
//   1 as the part;
// - a pixel is part when its value is ≥ 0.5;
// - a mask is refused as not binary when more than 2 % of its pixels lie strictly between
//   10 % and 90 % of full scale: anti-aliased edges and JPEG noise pass, a photo or a soft
//   matte does not.
#include <filesystem>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

namespace partedit {

constexpr double kMaskMaxSoftFraction = 0.02;

// [H, W] float32 in {0, 1} at the file's (oriented) size. Throws Error naming the file when
// it cannot be read (as read_image) or is not binary by the rule above.
at::Tensor read_part_mask(const std::filesystem::path& path, std::vector<std::string>* notes = nullptr);

}  // namespace partedit
