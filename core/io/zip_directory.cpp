#include "io/zip_directory.h"

#include "runtime/error.h"

namespace partedit {
namespace {

constexpr uint32_t kZipEndSignature = 0x06054b50;          // end of central directory record
constexpr uint32_t kZip64LocatorSignature = 0x07064b50;  // zip64 end of central directory locator
constexpr uint32_t kZip64EndSignature = 0x06064b50;      // zip64 end of central directory record
constexpr uint32_t kZipEntrySignature = 0x02014b50;         // central directory file header
constexpr size_t kZipEndSize = 22, kZip64LocatorSize = 20, kZip64EndSize = 56, kZipEntrySize = 46;
constexpr size_t kZipMaxCommentSize = 0xFFFF;
constexpr uint16_t kZip64ExtraId = 0x0001;
constexpr uint32_t kZip64Marker = 0xFFFFFFFF;  // "the value is in the zip64 extra field"

// Little-endian reads from a range already checked to hold them.
uint64_t zip_le(std::string_view s, size_t at, int bytes) {
  uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(s[at + static_cast<size_t>(i)]);
  return v;
}

// `count` bytes at `at` lie inside `size` bytes (no sum that can wrap).
bool zip_fits(uint64_t size, uint64_t at, uint64_t count) { return at <= size && count <= size - at; }

// The uncompressed size of a directory entry whose 32-bit field is the zip64 marker: the
// first value of its zip64 extra field (APPNOTE §4.5.3), the marker itself when absent.
uint64_t zip64_uncompressed_size(std::string_view extra) {
  for (size_t at = 0; zip_fits(extra.size(), at, 4);) {
    const auto id = static_cast<uint16_t>(zip_le(extra, at, 2));
    const auto size = static_cast<size_t>(zip_le(extra, at + 2, 2));
    if (!zip_fits(extra.size(), at + 4, size)) break;
    if (id == kZip64ExtraId) return size >= 8 ? zip_le(extra, at + 4, 8) : kZip64Marker;
    at += 4 + size;
  }
  return kZip64Marker;
}

}  // namespace

std::vector<ZipMember> zip_members(std::string_view archive) {
  const size_t size = archive.size();
  if (size < kZipEndSize) throw Error("it is too short to be a zip archive (" + std::to_string(size) + " bytes)");
  // The last end record: it is followed by a comment of at most 64 KiB.
  size_t end = size - kZipEndSize;
  const size_t lowest = end > kZipMaxCommentSize ? end - kZipMaxCommentSize : 0;
  while (zip_le(archive, end, 4) != kZipEndSignature) {
    if (end == lowest) throw Error("it has no zip directory (no end-of-central-directory record)");
    --end;
  }
  uint64_t entries = zip_le(archive, end + 10, 2);
  uint64_t directory_size = zip_le(archive, end + 12, 4);
  uint64_t directory_at = zip_le(archive, end + 16, 4);
  if (end >= kZipEndSize + kZip64LocatorSize && zip_le(archive, end - kZip64LocatorSize, 4) == kZip64LocatorSignature) {
    const uint64_t zip64_end = zip_le(archive, end - kZip64LocatorSize + 8, 8);
    if (!zip_fits(size, zip64_end, kZip64EndSize)) throw Error("its zip64 directory record lies outside the file");
    if (zip_le(archive, zip64_end, 4) == kZip64EndSignature) {
      entries = zip_le(archive, zip64_end + 32, 8);
      directory_size = zip_le(archive, zip64_end + 40, 8);
      directory_at = zip_le(archive, zip64_end + 48, 8);
    }
  }
  if (!zip_fits(size, directory_at, directory_size))
    throw Error("its zip directory (" + std::to_string(directory_size) + " bytes at byte " + std::to_string(directory_at) +
                ") lies outside the file (" + std::to_string(size) + " bytes)");
  const std::string_view directory = archive.substr(directory_at, directory_size);
  // Every entry takes at least kZipEntrySize bytes, so a huge count fails below, not in reserve().
  if (entries > directory.size() / kZipEntrySize)
    throw Error("its zip directory lists " + std::to_string(entries) + " members in " + std::to_string(directory.size()) +
                " bytes");
  std::vector<ZipMember> members;
  members.reserve(entries);
  size_t at = 0;
  for (uint64_t i = 0; i < entries; ++i) {
    if (!zip_fits(directory.size(), at, kZipEntrySize) || zip_le(directory, at, 4) != kZipEntrySignature)
      throw Error("its zip directory is damaged (member " + std::to_string(i + 1) + " of " + std::to_string(entries) + ")");
    const size_t name_size = zip_le(directory, at + 28, 2), extra_size = zip_le(directory, at + 30, 2),
                 comment_size = zip_le(directory, at + 32, 2);
    if (!zip_fits(directory.size(), at + kZipEntrySize, name_size + extra_size + comment_size))
      throw Error("its zip directory is damaged (member " + std::to_string(i + 1) + " runs past its end)");
    ZipMember member;
    member.name = std::string(directory.substr(at + kZipEntrySize, name_size));
    member.uncompressed_size = zip_le(directory, at + 24, 4);
    if (member.uncompressed_size == kZip64Marker)
      member.uncompressed_size = zip64_uncompressed_size(directory.substr(at + kZipEntrySize + name_size, extra_size));
    members.push_back(std::move(member));
    at += kZipEntrySize + name_size + extra_size + comment_size;
  }
  return members;
}

}  // namespace partedit
