#pragma once
// FNV-1a, 64 bits: a content hash for telling files and texts apart (a batch output replaced
// since it was written, a manifest line changed since its result was recorded). It catches
// accidents (a file cut short, overwritten, swapped), not a forger: it is not cryptographic.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace partedit::cli {

inline constexpr uint64_t kFnv1a64Start = 0xcbf29ce484222325ULL;

// The hash of `bytes` continued from `state` (kFnv1a64Start for a fresh hash).
uint64_t fnv1a64(std::string_view bytes, uint64_t state = kFnv1a64Start);

// 16 lower-case hex digits.
std::string hash_hex(uint64_t hash);

// A regular file's size and content hash.
struct FileFingerprint {
  uint64_t bytes = 0;
  std::string fnv1a64;  // hash_hex of its content
};
// nullopt when `path` is not a regular file or cannot be read.
std::optional<FileFingerprint> fingerprint_file(const std::filesystem::path& path);

}  // namespace partedit::cli
