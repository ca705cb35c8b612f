#pragma once
// Helpers shared by the GUI tests: waiting on the event loop, and screenshots.
#include <filesystem>
#include <functional>

#include <QDir>
#include <QElapsedTimer>
#include <QSettings>
#include <QStandardPaths>
#include <QString>
#include <QWidget>
#include <QtTest>

namespace partedit::test {

// Saves a screenshot of `widget` when PARTEDIT_SCREENSHOT_DIR is set.
inline void screenshot(QWidget* widget, const QString& name) {
  const QString dir = qEnvironmentVariable("PARTEDIT_SCREENSHOT_DIR");
  if (dir.isEmpty()) return;
  QDir().mkpath(dir);
  QVERIFY(widget->grab().save(dir + QLatin1Char('/') + name));
}

// Runs the event loop until `done` (false after `timeout_ms`).
inline bool wait_for(const std::function<bool()>& done, int timeout_ms = 300000) {
  QElapsedTimer timer;
  timer.start();
  while (!done()) {
    if (timer.elapsed() > timeout_ms) return false;
    QTest::qWait(20);
  }
  return true;
}

inline QString qpath(const std::filesystem::path& p) { return QString::fromStdString(p.string()); }

// Settings, recent files and the saved session of this test process alone, under `home`:
// CTest runs the GUI tests side by side, and one test's QSettings().clear() or saved
// session must not reach another's window.
inline void use_private_app_data(const std::filesystem::path& home) {
  std::filesystem::create_directories(home);
  qputenv("HOME", home.string().c_str());
  qputenv("XDG_CONFIG_HOME", (home / ".config").string().c_str());
  qputenv("XDG_DATA_HOME", (home / ".local/share").string().c_str());
  QStandardPaths::setTestModeEnabled(true);
  QSettings().clear();
}

}  // namespace partedit::test
