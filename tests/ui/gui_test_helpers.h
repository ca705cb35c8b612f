#pragma once
// Helpers shared by the GUI tests: waiting on the event loop, and screenshots.
#include <filesystem>
#include <functional>

#include <QDir>
#include <QElapsedTimer>
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

}  // namespace partedit::test
