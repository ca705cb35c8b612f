#pragma once
// The members a zip archive lists in its central directory, with the uncompressed sizes it
// declares, read before anything is extracted: a torch.save file is a zip archive, and a
// crafted one can declare a member that inflates to gigabytes (a "zip bomb").
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace partedit {

struct ZipMember {
  std::string name;
  uint64_t uncompressed_size = 0;  // as declared (zip64 extra field included)
};

// The central directory found the way miniz (LibTorch's zip reader) finds it: the last
// end-of-central-directory record in the final 64 KiB + 22 bytes, the zip64 record when a
// zip64 locator precedes it (PKWARE APPNOTE.TXT §4.3.12-§4.3.16, §4.5.3). Throws Error
// saying what is wrong (without a file name: the caller adds it) when there is no directory
// or it runs outside `archive`.
std::vector<ZipMember> zip_members(std::string_view archive);

}  // namespace partedit
