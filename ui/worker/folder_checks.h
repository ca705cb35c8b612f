#pragma once
// Quick checks and defaults the dialogs need from the engine, without loading anything:
// whether a folder is a diffusers model or a BLIP-2 model (the loader's own first checks and
// messages), whether CUDA is usable, where the default folders are, what the cache holds.
#include <QString>

namespace partedit::ui {

QString diffusersFolderProblem(const QString& folder);  // "" when the folder looks loadable
// The same for a model path that may also be a single-file .safetensors checkpoint (read
// with the configs of `configFolder`, or the shipped ones); `summary` gets what it is
// ("SDXL single-file checkpoint, shipped configs sdxl-base-1.0").
QString modelPathProblem(const QString& path, const QString& configFolder, QString* summary = nullptr);
bool isSingleFileCheckpoint(const QString& path);
QString captionFolderProblem(const QString& folder);    // "" when the folder looks loadable
bool cudaAvailable();
QString defaultTokenFolder();
QString defaultCacheFolder();
qint64 defaultCacheLimitBytes();
qint64 cacheUsageBytes(const QString& folder);  // "" = the default folder
QString formatBytes(qint64 bytes);              // "1.5 GB"

}  // namespace partedit::ui
