#include "ui/worker/folder_checks.h"

#include <QObject>

#include "editing/token_library.h"
#include "pipeline/captioner.h"
#include "pipeline/inversion_cache.h"
#include "pipeline/model_folder.h"
#include "pipeline/single_file_checkpoint.h"
#include "runtime/byte_size.h"
#include "runtime/compute.h"
#include "runtime/error.h"

namespace partedit::ui {
namespace fs = std::filesystem;

QString diffusersFolderProblem(const QString& folder) {
  if (folder.trimmed().isEmpty()) return QObject::tr("Choose a model folder.");
  try {
    inspect_diffusers_folder(folder.toStdString());
    return QString();
  } catch (const Error& e) {
    return QString::fromStdString(e.what());
  }
}

bool isSingleFileCheckpoint(const QString& path) { return is_single_file_checkpoint(path.toStdString()); }

QString modelPathProblem(const QString& path, const QString& configFolder, QString* summary) {
  const QString trimmed = path.trimmed();
  if (trimmed.isEmpty() || !isSingleFileCheckpoint(trimmed)) {
    if (summary) *summary = QObject::tr("a diffusers model folder");
    return diffusersFolderProblem(trimmed);
  }
  try {
    ModelLoadOptions options;
    options.config_dir = configFolder.trimmed().toStdString();
    const auto checkpoint = SingleFileCheckpoint::open(trimmed.toStdString(), options);
    if (summary)
      *summary = configFolder.trimmed().isEmpty()
                     ? QObject::tr("an %1 single-file checkpoint (shipped configs %2)")
                           .arg(QString::fromUtf8(checkpoint_family_name(checkpoint.family())),
                                QString::fromStdString(checkpoint.shape_name()))
                     : QObject::tr("an %1 single-file checkpoint (configs from the chosen folder)")
                           .arg(QString::fromUtf8(checkpoint_family_name(checkpoint.family())));
    return QString();
  } catch (const Error& e) {
    return QString::fromStdString(e.what());
  }
}

QString captionFolderProblem(const QString& folder) {
  if (folder.trimmed().isEmpty()) return QString();  // optional
  try {
    check_blip2_folder(fs::path(folder.toStdString()));  // Flan-T5 or OPT
    return QString();
  } catch (const Error& e) {
    return QString::fromStdString(e.what());
  }
}

bool cudaAvailable() { return cuda_available(); }

QString defaultTokenFolder() { return QString::fromStdString(default_user_token_dir().string()); }
QString defaultCacheFolder() { return QString::fromStdString(default_inversion_cache_dir().string()); }

qint64 defaultCacheLimitBytes() {
  try {
    return static_cast<qint64>(default_inversion_cache_limit());
  } catch (const Error&) {  // a malformed PARTEDIT_CACHE_LIMIT: the built-in default
    return static_cast<qint64>(kDefaultInversionCacheLimit);
  }
}

qint64 cacheUsageBytes(const QString& folder) {
  const InversionCache cache(folder.isEmpty() ? default_inversion_cache_dir() : fs::path(folder.toStdString()));
  qint64 total = 0;
  for (const auto& entry : cache.entries()) total += static_cast<qint64>(entry.bytes);
  return total;
}

QString formatBytes(qint64 bytes) { return QString::fromStdString(format_byte_size(static_cast<uint64_t>(bytes))); }

}  // namespace partedit::ui
