#pragma once
// Inversions of photos kept on disk, so that a second edit of the same photo with the same
// model and inversion settings skips the inversion (issue: "costs only the edit"). The key
// hashes the working image's pixels, every setting that changes the result and the model's
// fingerprint; files are written atomically and validated on load (a damaged or foreign
// file is ignored and replaced).
#include <filesystem>
#include <optional>
#include <string>

#include "pipeline/inversion.h"

namespace partedit {

class InversionCache {
 public:
  explicit InversionCache(std::filesystem::path folder);
  const std::filesystem::path& folder() const { return folder_; }

  // 16 hex digits identifying (image, settings, model). The request needs a seed or noise.
  static std::string key(const DiffusionModel& model, const InvertRequest& request);
  std::filesystem::path path_for(const std::string& key) const;

  // The cached inversion for this request, or nullopt (missing, unreadable or not matching).
  std::optional<Inversion> find(const DiffusionModel& model, const InvertRequest& request) const;
  // Stores an inversion made from `request`; returns where.
  std::filesystem::path store(const DiffusionModel& model, const InvertRequest& request, const Inversion& inversion) const;

 private:
  std::filesystem::path folder_;
};

// $XDG_CACHE_HOME/partedit/inversions, or ~/.cache/partedit/inversions.
std::filesystem::path default_inversion_cache_dir();

}  // namespace partedit
