#pragma once
// Sizes of files on disk as users write them: "500M", "4G", "1.5GiB", "123456" (bytes).
// K, M, G, T are powers of 1024, as du and ls -h count.
#include <cstdint>
#include <string>

namespace partedit {

// Throws Error naming `what` (e.g. "--cache-limit") when the text is not a size.
uint64_t parse_byte_size(const std::string& text, const std::string& what);
// "812 B", "3.4 KiB", "512.0 MiB", "4.0 GiB".
std::string format_byte_size(uint64_t bytes);

}  // namespace partedit
