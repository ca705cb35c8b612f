#pragma once
// Text metadata in WebP files, as AUTOMATIC1111's web UI writes it (and reads it back): an
// EXIF block whose Exif IFD holds one UserComment, "UNICODE\0" followed by the text in
// UTF-16 big-endian (piexif.helper.UserComment.dump(text, encoding="unicode")), stored in
// the EXIF chunk of an extended (VP8X) WebP container (Google's "WebP Container
// Specification"). No codec is involved: the image chunks are copied as they are.
#include <cstdint>
#include <optional>
#include <string>

namespace partedit {

// TIFF-structured EXIF bytes (big-endian, no "Exif\0\0" prefix) holding `text` as UserComment.
std::string exif_with_user_comment(const std::string& text);
// The UserComment of EXIF bytes (with or without the "Exif\0\0" prefix) as UTF-8: "UNICODE"
// comments decoded from UTF-16 in the block's byte order, "ASCII" and undefined ones taken
// as they are; nullopt when there is none or the block is malformed.
std::optional<std::string> exif_user_comment(const std::string& exif);

// `webp` (a complete RIFF/WEBP file of a `width` x `height` image) with `text` as its EXIF
// UserComment: a simple (VP8/VP8L) file gains a VP8X header; an existing EXIF chunk is
// replaced. Throws Error when `webp` is not a WebP file.
std::string webp_with_parameters(const std::string& webp, const std::string& text, int64_t width, int64_t height);
// The EXIF UserComment of a WebP file in memory; nullopt when not WebP or absent.
std::optional<std::string> webp_parameters(const std::string& webp);

}  // namespace partedit
