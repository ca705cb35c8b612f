#pragma once
// The ranges in which a front end offers a request's controls (spin boxes, sliders). The
// engine's validation is the hard rule (RequestLimits, validate()); these are the ranges in
// which the controls are useful, within it.
#include "pipeline/text_to_image.h"

namespace partedit {

struct ControlRanges {
  static constexpr int min_steps = 1;
  static constexpr int max_steps = RequestLimits::max_steps;
  static constexpr double min_guidance = 1.0;        // a generation: 1 = the prompt alone
  static constexpr double min_edit_guidance = 1.1;   // a part edit needs guidance above 1
  static constexpr double max_guidance = 30.0;
  static constexpr double min_omega = 1.0;           // ω below 1 would call pixels under the threshold part
  static constexpr double max_omega = 5.0;
  static constexpr double max_feather = 64.0;        // original-photo pixels
  static constexpr int64_t min_side = RequestLimits::min_side;
  static constexpr int64_t max_side = RequestLimits::max_side;
  static constexpr int64_t side_step = 64;           // a spin box's step; any multiple of 8 is valid
};

}  // namespace partedit
