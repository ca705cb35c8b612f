#pragma once
// FNV-1a, 64 bits: the content keys and fingerprints that tell files and texts apart (a model
// folder an inversion was made with, a cache entry made from another photo, a batch output
// replaced since it was written). It catches accidents, not a forger: it is not cryptographic.
// The values are stored in files (inversions, cache entries, batch records): never change the
// bytes a caller feeds, or old files stop matching.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace partedit {

class ContentHash {
 public:
  static constexpr uint64_t kOffsetBasis = 0xcbf29ce484222325ULL;
  explicit ContentHash(uint64_t start = kOffsetBasis) : state_(start) {}
  ContentHash& add(const void* data, size_t size);
  // The text and a 0 byte after it, so that "ab" + "c" and "a" + "bc" differ.
  ContentHash& add_field(std::string_view text);
  uint64_t value() const { return state_; }
  std::string hex() const;  // 16 lower-case hex digits

 private:
  uint64_t state_;
};

// The hash of one text, as 16 hex digits.
std::string content_hash_hex(std::string_view bytes);

// A regular file's size and content hash.
struct FileFingerprint {
  uint64_t bytes = 0;
  std::string hash;  // 16 hex digits
};
// nullopt when `path` is not a regular file or cannot be read.
std::optional<FileFingerprint> fingerprint_file(const std::filesystem::path& path);

}  // namespace partedit
