#include "runtime/content_hash.h"

#include <cstdio>
#include <fstream>
#include <vector>

namespace partedit {

ContentHash& ContentHash::add(const void* data, size_t size) {
  constexpr uint64_t kPrime = 0x100000001b3ULL;
  const auto* bytes = static_cast<const unsigned char*>(data);
  for (size_t i = 0; i < size; ++i) state_ = (state_ ^ bytes[i]) * kPrime;
  return *this;
}

ContentHash& ContentHash::add_field(std::string_view text) {
  add(text.data(), text.size());
  return add("", 1);
}

std::string ContentHash::hex() const {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(state_));
  return text;
}

std::string content_hash_hex(std::string_view bytes) { return ContentHash().add(bytes.data(), bytes.size()).hex(); }

std::optional<FileFingerprint> fingerprint_file(const std::filesystem::path& path) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::vector<char> chunk(size_t(1) << 20);
  ContentHash hash;
  uint64_t bytes = 0;
  while (in) {
    in.read(chunk.data(), std::streamsize(chunk.size()));
    const auto got = static_cast<size_t>(in.gcount());
    hash.add(chunk.data(), got);
    bytes += got;
  }
  if (in.bad()) return std::nullopt;
  return FileFingerprint{bytes, hash.hex()};
}

}  // namespace partedit
