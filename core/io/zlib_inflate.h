#pragma once
// zlib-compressed bytes (a PNG zTXt or compressed iTXt chunk's text) inflated with a bound on
// the output: a few hundred crafted bytes can claim gigabytes.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace partedit {

// The inflated bytes; nullopt when the data is damaged, truncated, or inflates beyond
// `max_bytes` (and always in a build without zlib, see CMakeLists.txt).
std::optional<std::string> inflate_bounded(std::string_view compressed, size_t max_bytes);

}  // namespace partedit
