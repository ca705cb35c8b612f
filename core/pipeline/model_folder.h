#pragma once
// The first check of a model path: a folder. A file given instead is named as such (a
// single-file checkpoint, or a file inside the folder), not reported as missing.
#include <filesystem>
#include <string>

namespace partedit {

// Throws Error unless `folder` is a directory. `what` names it in messages ("model folder",
// "BLIP-2 model folder"); `marker` is the file that makes it one ("model_index.json").
void require_model_folder(const std::filesystem::path& folder, const std::string& what, const std::string& marker);

}  // namespace partedit
