#include "content_hash.h"

#include <cstdio>
#include <fstream>
#include <vector>

namespace partedit::cli {

uint64_t fnv1a64(std::string_view bytes, uint64_t state) {
  constexpr uint64_t kPrime = 0x100000001b3ULL;
  for (const char byte : bytes) {
    state ^= static_cast<uint8_t>(byte);
    state *= kPrime;
  }
  return state;
}

std::string hash_hex(uint64_t hash) {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(hash));
  return text;
}

std::optional<FileFingerprint> fingerprint_file(const std::filesystem::path& path) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::vector<char> chunk(size_t(1) << 20);
  uint64_t state = kFnv1a64Start, bytes = 0;
  while (in) {
    in.read(chunk.data(), std::streamsize(chunk.size()));
    const auto got = static_cast<size_t>(in.gcount());
    state = fnv1a64(std::string_view(chunk.data(), got), state);
    bytes += got;
  }
  if (in.bad()) return std::nullopt;
  return FileFingerprint{bytes, hash_hex(state)};
}

}  // namespace partedit::cli
