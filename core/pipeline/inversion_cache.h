#pragma once
// Inversions of photos kept on disk, so that a second edit of the same photo with the same
// model and inversion settings skips the inversion (issue: "costs only the edit"). The key
// hashes the working image's decoded pixels, every setting that changes the result and the
// model's fingerprint; an entry records its key (and its pixels' hash) in its metadata, and a
// hit is used only when the recorded key is the request's and the file validates: a damaged,
// foreign or replaced file is a miss, inverted again and replaced. The folder is kept under a
// size limit: a hit marks its entry as used (its modification time), and after each store the
// least recently used entries are removed until the total fits.
// What counts as an entry (the only files ever counted, replaced or removed): a regular file
// named like one (16 hex digits + ".safetensors") whose safetensors header says
// format "partedit-inversion". Symbolic links (never followed), folders and every other
// file of the folder are left alone.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/inversion.h"

namespace partedit {

constexpr uint64_t kDefaultInversionCacheLimit = uint64_t(4) << 30;  // 4 GiB: ~300 SDXL inversions of 50 steps

class InversionCache {
 public:
  explicit InversionCache(std::filesystem::path folder, uint64_t limit_bytes = kDefaultInversionCacheLimit);
  const std::filesystem::path& folder() const { return folder_; }
  uint64_t limit_bytes() const { return limit_; }

  // 16 hex digits identifying (image, settings, model). The request needs a seed or noise.
  static std::string key(const DiffusionModel& model, const InvertRequest& request);
  std::filesystem::path path_for(const std::string& key) const;

  // 16 hex digits identifying the pixels of the request's image alone (part of the key).
  static std::string image_hash(const InvertRequest& request);

  // The cached inversion for this request, or nullopt: none, or a file at the key that is not
  // this request's (made from other pixels or settings, by an older version, damaged) - then
  // `why_not` (when given) says so; the store after the new inversion replaces it. A hit marks
  // the entry as just used.
  std::optional<Inversion> find(const DiffusionModel& model, const InvertRequest& request,
                                std::string* why_not = nullptr) const;
  // Stores an inversion made from `request` with its key in the metadata, then evicts down to
  // the limit (never this entry, even when it alone exceeds the limit); returns where. Throws
  // Error when the file at the key is not an entry (a symbolic link, a folder, another file):
  // it is left as it is.
  std::filesystem::path store(const DiffusionModel& model, const InvertRequest& request, const Inversion& inversion) const;

  struct Entry {
    std::filesystem::path path;
    uint64_t bytes = 0;
    std::filesystem::file_time_type last_used;  // the file's modification time
  };
  // The entries in the folder (see above), least recently used first. Files that vanish
  // meanwhile (another process evicting) are left out; a missing folder has none.
  std::vector<Entry> entries() const;
  // Marks an entry as just used (it becomes the last to be evicted); false if it is gone.
  static bool touch(const std::filesystem::path& entry);
  // Removes least recently used entries, except `keep`, until the total is within the
  // limit; returns how many were removed.
  size_t evict(const std::filesystem::path& keep = {}) const;
  // Removes every entry (and nothing else); returns how many were removed.
  size_t clear() const;
  // Whether `filename` is named like an entry: 16 lowercase hex digits + ".safetensors".
  static bool is_entry_name(const std::string& filename);
  // Whether `path` is an inversion by its content: a regular file (a symbolic link is not
  // followed) whose safetensors header's metadata has format "partedit-inversion". Reads the
  // header only.
  static bool is_inversion_file(const std::filesystem::path& path);

 private:
  std::filesystem::path folder_;
  uint64_t limit_;
};

// $XDG_CACHE_HOME/partedit/inversions, or ~/.cache/partedit/inversions.
std::filesystem::path default_inversion_cache_dir();
// $PARTEDIT_CACHE_LIMIT (a size such as 500M or 4G; throws Error if malformed), else 4 GiB.
uint64_t default_inversion_cache_limit();
// The cache in `folder` ("" = default_inversion_cache_dir()) kept under `limit_bytes`
// (0 = default_inversion_cache_limit()).
InversionCache open_inversion_cache(const std::filesystem::path& folder, uint64_t limit_bytes);

}  // namespace partedit
