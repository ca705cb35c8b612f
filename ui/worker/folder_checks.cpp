#include "ui/worker/folder_checks.h"

#include <QObject>
#include <QtConcurrent/QtConcurrentRun>

#include "engine/folder_checks.h"

namespace partedit::ui {

FolderCheckResult checkFolders(const FolderCheckRequest& request) {
  FolderCheckResult out;
  const QString model = request.modelPath.trimmed();
  if (model.isEmpty()) {
    out.modelProblem = QObject::tr("Choose a model folder.");
  } else {
    const QString configFolder = request.modelConfigFolder.trimmed();
    const ModelPathCheck check = check_model_path(model.toStdString(), configFolder.toStdString());
    out.singleFile = check.single_file;
    out.modelDefaultSize = static_cast<int>(check.default_size);
    out.modelProblem = QString::fromStdString(check.problem);
    const QString family = QString::fromStdString(check.family);
    out.modelSummary = !check.single_file        ? QObject::tr("a diffusers model folder")
                       : configFolder.isEmpty() ? QObject::tr("an %1 single-file checkpoint (shipped configs %2)")
                                                      .arg(family, QString::fromStdString(check.shape_name))
                                                : QObject::tr("an %1 single-file checkpoint (configs from the chosen folder)")
                                                      .arg(family);
  }
  const QString caption = request.captionFolder.trimmed();
  if (!caption.isEmpty()) out.captionProblem = QString::fromStdString(caption_folder_problem(caption.toStdString()));
  out.cacheBytes = static_cast<qint64>(inversion_cache_usage(request.cacheFolder.trimmed().toStdString()));
  return out;
}

QFuture<FolderCheckResult> checkFoldersInBackground(const FolderCheckRequest& request) {
  return QtConcurrent::run([request] { return checkFolders(request); });
}

EngineDefaultsInfo engineDefaults() {
  const EngineDefaults d = engine_defaults();
  EngineDefaultsInfo out;
  out.tokenFolder = QString::fromStdString(d.token_folder.string());
  out.cacheFolder = QString::fromStdString(d.cache_folder.string());
  out.cacheLimitBytes = static_cast<qint64>(d.cache_limit);
  out.cuda = d.cuda;
  out.nativeBf16 = d.native_bf16;
  out.cpuBf16 = QString::fromStdString(d.cpu_bf16);
  return out;
}

QString formatBytes(qint64 bytes) { return QString::fromStdString(format_byte_size(static_cast<uint64_t>(bytes))); }

}  // namespace partedit::ui
