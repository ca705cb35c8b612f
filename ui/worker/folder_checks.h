#pragma once
// The checks Preferences makes as folders are chosen (the loaders' own first checks and
// messages, without loading anything) and the defaults it shows. The checks read model
// folders, which can be slow on a network disk, so they run on a pool thread, never on the
// GUI thread, and not on the engine worker either: that one may be busy with a long edit
// while the artist types a path.
#include <QFuture>
#include <QString>

namespace partedit::ui {

struct FolderCheckRequest {
  QString modelPath;          // a diffusers folder or a single-file .safetensors checkpoint
  QString modelConfigFolder;  // a single file's configs ("" = the shipped ones)
  QString captionFolder;      // "" = none (optional)
  QString cacheFolder;        // "" = the default folder
};

struct FolderCheckResult {
  QString modelProblem;      // "" when the model path looks loadable
  bool singleFile = false;   // the model path is a single-file checkpoint
  QString modelSummary;      // what the model path is ("an SDXL single-file checkpoint (shipped configs …)")
  QString captionProblem;    // "" when loadable or not chosen
  qint64 cacheBytes = 0;     // what the inversion cache holds
  int modelDefaultSize = 0;  // the side the model generates at by default; 0 when unknown
};

QFuture<FolderCheckResult> checkFoldersInBackground(const FolderCheckRequest& request);
FolderCheckResult checkFolders(const FolderCheckRequest& request);  // on the calling thread

// Where the engine looks when a setting is left empty, and whether CUDA is usable; reads
// only the environment.
struct EngineDefaultsInfo {
  QString tokenFolder, cacheFolder;
  qint64 cacheLimitBytes = 0;
  bool cuda = false;
  bool nativeBf16 = false;  // the CPU computes bf16 natively
  QString cpuBf16;          // "AMX-BF16 and AVX512-BF16", "no native bf16"
};
EngineDefaultsInfo engineDefaults();
QString formatBytes(qint64 bytes);  // "1.5 GB"

}  // namespace partedit::ui
