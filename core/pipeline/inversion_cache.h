#pragma once
// Inversions of photos kept on disk, so that a second edit of the same photo with the same
// model and inversion settings skips the inversion (issue: "costs only the edit"). The key
// hashes the working image's pixels, every setting that changes the result and the model's
// fingerprint; files are written atomically and validated on load (a damaged or foreign
// file is ignored and replaced). The folder is kept under a size limit: a hit marks its
// entry as used (its modification time), and after each store the least recently used
// entries are removed until the total fits. Only files named like entries are ever counted
// or removed: the folder may hold anything else.
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

  // The cached inversion for this request, or nullopt (missing, unreadable or not matching).
  // A hit marks the entry as just used.
  std::optional<Inversion> find(const DiffusionModel& model, const InvertRequest& request) const;
  // Stores an inversion made from `request`, then evicts down to the limit (never this
  // entry, even when it alone exceeds the limit); returns where.
  std::filesystem::path store(const DiffusionModel& model, const InvertRequest& request, const Inversion& inversion) const;

  struct Entry {
    std::filesystem::path path;
    uint64_t bytes = 0;
    std::filesystem::file_time_type last_used;  // the file's modification time
  };
  // The entries in the folder, least recently used first. Files that vanish meanwhile
  // (another process evicting) are left out; a missing folder has none.
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
