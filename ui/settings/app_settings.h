#pragma once
// What the app remembers between sessions (QSettings): the engine's folders and device,
// recent files, window geometry and panel layout, the mask overlay's look.
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
  mutable QSettings settings_;
};

}  // namespace partedit::ui
