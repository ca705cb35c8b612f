#include "pipeline/model_folder.h"

#include <algorithm>
#include <cctype>

#include "runtime/error.h"

namespace partedit {
namespace fs = std::filesystem;

void require_model_folder(const fs::path& folder, const std::string& what, const std::string& marker) {
  std::error_code ec;
  if (fs::is_directory(folder, ec)) return;
  if (!fs::exists(folder, ec)) throw Error(what + " " + folder.string() + " does not exist");
  std::string ext = folder.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  if (folder.filename() == marker)
    throw Error(folder.string() + " is a file; give the " + what + " that holds it: " + folder.parent_path().string());
  if (ext == ".safetensors" || ext == ".ckpt" || ext == ".pt" || ext == ".pth" || ext == ".bin")
    throw Error(folder.string() + " is a single-file checkpoint (" + ext + "); single-file checkpoints are not " +
                "supported yet: give a diffusers " + what + " (the folder with " + marker + ")");
  throw Error(folder.string() + " is a file, not a " + what + " (give the folder with " + marker + ")");
}

}  // namespace partedit
