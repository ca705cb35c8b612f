#pragma once
// Image files <-> tensors [3, H, W] float RGB in [0, 1] on the CPU (OpenCV codecs).
// Writing is atomic (temporary file in the target folder, then rename) and can embed the
// generation parameters as text: a PNG `tEXt` chunk (keyword "parameters", A1111-style;
// `iTXt` with UTF-8 when the text is not ASCII) right after IHDR, a JPEG COM segment, or a
// WebP EXIF UserComment (as A1111 writes WebP; io/webp_metadata.h).
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

namespace partedit {

// Writes `image` ([3, H, W] or [1, 3, H, W], float, any range: clamped to [0, 1] and
// rounded to 8 bits) to `path`; the format comes from the extension: .png, .jpg/.jpeg,
// .webp (case-insensitive). `parameters` (if not empty) is stored as text metadata in each
// format (see above). Throws Error on an unknown extension, a bad tensor, or an
// I/O failure; on failure an existing file at `path` is left untouched.
void write_image(const std::filesystem::path& path, const at::Tensor& image, const std::string& parameters = "",
                 int jpeg_quality = 95);

// Reads PNG, JPEG, WebP, TIFF (8- or 16-bit, float TIFF, grey, RGB, RGBA; EXIF orientation
// applied) as [3, H, W] float RGB in [0, 1]. Grey is replicated to three channels; alpha is
// composited over white. Throws Error naming the file when it is missing, a folder or other
// non-file, empty, or damaged ("<file> is damaged or not a PNG: <reason>"). A JPEG cut short
// is read as far as its data goes; what is missing is added to `warnings` (when given), as
// is other damage the decoder worked around. Codec libraries print nothing (image_decode.h).
at::Tensor read_image(const std::filesystem::path& path, std::vector<std::string>* warnings = nullptr);

// The "parameters" text of a PNG (tEXt or uncompressed iTXt), the first COM segment of a
// JPEG (else its EXIF UserComment), or the EXIF UserComment of a WebP; nullopt when there is
// none. Throws Error when the file cannot be read.
std::optional<std::string> read_image_parameters(const std::filesystem::path& path);

// The same, on the bytes of a PNG file already in memory (nullopt if not a PNG or absent).
std::optional<std::string> png_parameters(const std::string& png_bytes);

// CRC-32 (ISO-HDLC, as PNG uses) of `size` bytes, continuing from `crc` (start with 0).
uint32_t crc32(const void* data, size_t size, uint32_t crc = 0);

}  // namespace partedit
