#pragma once
// What the app remembers between sessions (QSettings): the engine's folders and device,
// recent files and models, window geometry and panel layout, the mask overlay's look.
#include <QByteArray>
#include <QSettings>
#include <QStringList>

#include "ui/worker/engine_types.h"

namespace partedit::ui {

class AppSettings {
 public:
  AppSettings() = default;  // the application's QSettings (organisation/application names)

  EngineConfig engineConfig() const;
  void setEngineConfig(const EngineConfig& config);
  bool hasModel() const { return !engineConfig().modelFolder.isEmpty(); }

  QStringList recentFiles() const;
  void addRecentFile(const QString& path);  // most recent first, at most kMaxRecent, no duplicates
  void removeRecentFile(const QString& path);
  static constexpr int kMaxRecent = 10;
  // The model folders used, most recent first (the main window's model switcher).
  QStringList recentModels() const;
  // A single-file checkpoint's config folder goes with it (switching back restores both).
  void addRecentModel(const QString& folder, const QString& configFolder = QString());
  QString modelConfigFolderFor(const QString& folder) const;
  void removeRecentModel(const QString& folder);
  static constexpr int kMaxRecentModels = 8;

  QByteArray windowGeometry() const;
  void setWindowGeometry(const QByteArray& geometry);
  QByteArray windowState() const;
  void setWindowState(const QByteArray& state);

  double maskOpacity() const;
  void setMaskOpacity(double opacity);
  bool maskVisible() const;
  void setMaskVisible(bool visible);
  QString lastFolder() const;  // of the last open or export dialog
  void setLastFolder(const QString& folder);
  // How much of the history the session keeps on disk for the next start (oldest dropped first).
  qint64 sessionLimitBytes() const;
  void setSessionLimitBytes(qint64 bytes);
  static constexpr qint64 kDefaultSessionLimitBytes = 1024LL * 1024 * 1024;  // 1 GB
  QString trainingProject() const;  // the folder of the wizard's last project; "" = none yet
  void setTrainingProject(const QString& folder);

 private:
  void rememberModelConfigFolder(const QString& folder, const QString& configFolder);
  mutable QSettings settings_;
};

}  // namespace partedit::ui
