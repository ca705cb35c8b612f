#include "ui/settings/app_settings.h"

#include <QDir>

namespace partedit::ui {

EngineConfig AppSettings::engineConfig() const {
  EngineConfig c;
  c.modelFolder = settings_.value(QStringLiteral("engine/modelFolder")).toString();
  c.modelConfigFolder = settings_.value(QStringLiteral("engine/modelConfigFolder")).toString();
  c.captionFolder = settings_.value(QStringLiteral("engine/captionFolder")).toString();
  c.device = settings_.value(QStringLiteral("engine/device"), c.device).toString();
  c.dtype = settings_.value(QStringLiteral("engine/dtype"), c.dtype).toString();
  c.tokenFolder = settings_.value(QStringLiteral("engine/tokenFolder")).toString();
  c.cacheFolder = settings_.value(QStringLiteral("engine/cacheFolder")).toString();
  c.cacheLimitBytes = settings_.value(QStringLiteral("engine/cacheLimitBytes"), qint64(0)).toLongLong();
  c.useCache = settings_.value(QStringLiteral("engine/useCache"), true).toBool();
  return c;
}

void AppSettings::setEngineConfig(const EngineConfig& c) {
  settings_.setValue(QStringLiteral("engine/modelFolder"), c.modelFolder);
  settings_.setValue(QStringLiteral("engine/modelConfigFolder"), c.modelConfigFolder);
  settings_.setValue(QStringLiteral("engine/captionFolder"), c.captionFolder);
  settings_.setValue(QStringLiteral("engine/device"), c.device);
  settings_.setValue(QStringLiteral("engine/dtype"), c.dtype);
  settings_.setValue(QStringLiteral("engine/tokenFolder"), c.tokenFolder);
  settings_.setValue(QStringLiteral("engine/cacheFolder"), c.cacheFolder);
  settings_.setValue(QStringLiteral("engine/cacheLimitBytes"), c.cacheLimitBytes);
  settings_.setValue(QStringLiteral("engine/useCache"), c.useCache);
}

namespace {

// Most recent first, no duplicates, at most `limit`.
QStringList with_first(QStringList list, const QString& first, int limit) {
  list.removeAll(first);
  list.prepend(first);
  while (list.size() > limit) list.removeLast();
  return list;
}

}  // namespace

QStringList AppSettings::recentFiles() const { return settings_.value(QStringLiteral("recentFiles")).toStringList(); }

void AppSettings::addRecentFile(const QString& path) {
  settings_.setValue(QStringLiteral("recentFiles"),
                     with_first(recentFiles(), QDir::cleanPath(QDir(path).absolutePath()), kMaxRecent));
}

void AppSettings::removeRecentFile(const QString& path) {
  QStringList files = recentFiles();
  files.removeAll(path);
  settings_.setValue(QStringLiteral("recentFiles"), files);
}

QStringList AppSettings::recentModels() const {
  QStringList models = settings_.value(QStringLiteral("recentModels")).toStringList();
  // The configured model is always among them (also when it was set before the list existed).
  const QString configured = engineConfig().modelFolder;
  if (!configured.isEmpty() && !models.contains(configured)) models.prepend(configured);
  return models;
}

void AppSettings::addRecentModel(const QString& folder, const QString& configFolder) {
  if (folder.isEmpty()) return;
  rememberModelConfigFolder(folder, configFolder);
  settings_.setValue(QStringLiteral("recentModels"), with_first(recentModels(), folder, kMaxRecentModels));
}

QString AppSettings::modelConfigFolderFor(const QString& folder) const {
  return settings_.value(QStringLiteral("recentModelConfigs")).toMap().value(folder).toString();
}

void AppSettings::rememberModelConfigFolder(const QString& folder, const QString& configFolder) {
  QVariantMap configs = settings_.value(QStringLiteral("recentModelConfigs")).toMap();
  if (configFolder.isEmpty())
    configs.remove(folder);
  else
    configs.insert(folder, configFolder);
  settings_.setValue(QStringLiteral("recentModelConfigs"), configs);
}

void AppSettings::removeRecentModel(const QString& folder) {
  QStringList models = settings_.value(QStringLiteral("recentModels")).toStringList();
  models.removeAll(folder);
  settings_.setValue(QStringLiteral("recentModels"), models);
}

QByteArray AppSettings::windowGeometry() const { return settings_.value(QStringLiteral("window/geometry")).toByteArray(); }
void AppSettings::setWindowGeometry(const QByteArray& g) { settings_.setValue(QStringLiteral("window/geometry"), g); }
QByteArray AppSettings::windowState() const { return settings_.value(QStringLiteral("window/state")).toByteArray(); }
void AppSettings::setWindowState(const QByteArray& s) { settings_.setValue(QStringLiteral("window/state"), s); }

double AppSettings::maskOpacity() const { return settings_.value(QStringLiteral("view/maskOpacity"), 0.5).toDouble(); }
void AppSettings::setMaskOpacity(double o) { settings_.setValue(QStringLiteral("view/maskOpacity"), o); }
bool AppSettings::maskVisible() const { return settings_.value(QStringLiteral("view/maskVisible"), true).toBool(); }
void AppSettings::setMaskVisible(bool v) { settings_.setValue(QStringLiteral("view/maskVisible"), v); }
QString AppSettings::lastFolder() const {
  return settings_.value(QStringLiteral("lastFolder"), QDir::homePath()).toString();
}
void AppSettings::setLastFolder(const QString& folder) { settings_.setValue(QStringLiteral("lastFolder"), folder); }

qint64 AppSettings::sessionLimitBytes() const {
  const qint64 bytes = settings_.value(QStringLiteral("session/limitBytes"), kDefaultSessionLimitBytes).toLongLong();
  return bytes > 0 ? bytes : kDefaultSessionLimitBytes;
}
void AppSettings::setSessionLimitBytes(qint64 bytes) { settings_.setValue(QStringLiteral("session/limitBytes"), bytes); }

QString AppSettings::trainingProject() const { return settings_.value(QStringLiteral("training/project")).toString(); }

void AppSettings::setTrainingProject(const QString& folder) {
  settings_.setValue(QStringLiteral("training/project"), folder);
}

}  // namespace partedit::ui
