#pragma once
// Helpers shared by the GUI tests: waiting on the event loop, and screenshots.
#include <filesystem>
#include <functional>

#include <QDir>
#include <QElapsedTimer>
#include <QLibraryInfo>
#include <QLocale>
#include <QSettings>
#include <QStandardPaths>
#include <QString>
#include <QTranslator>
#include <QWidget>
#include <QtTest>

// The ui library's resources (translations, icons) without a MainWindow, which registers
// them too. At global scope: Q_INIT_RESOURCE declares an unqualified function.
inline void partedit_test_init_ui_resources() { Q_INIT_RESOURCE(resources); }

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

// While it lives: our German texts and Qt's own (the wizard's "Weiter >", the dialogs'
// buttons), installed as the app installs them for a German system. Construct it before the
// windows it should translate.
class GermanTranslation {
 public:
  GermanTranslation() {
    partedit_test_init_ui_resources();
    if (!app_.load(QStringLiteral(":/i18n/partedit_de.qm"))) qFatal("no compiled-in German translation");
    QCoreApplication::installTranslator(&app_);
    if (qt_.load(QLocale(QLocale::German), QStringLiteral("qtbase"), QStringLiteral("_"),
                 QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
      QCoreApplication::installTranslator(&qt_);
  }
  ~GermanTranslation() {
    QCoreApplication::removeTranslator(&qt_);
    QCoreApplication::removeTranslator(&app_);
  }
  GermanTranslation(const GermanTranslation&) = delete;
  GermanTranslation& operator=(const GermanTranslation&) = delete;

 private:
  QTranslator app_, qt_;
};

}  // namespace partedit::test
