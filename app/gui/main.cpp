// partedit: the desktop application.
#include <QApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>

#include "main_window.h"
#include "runtime/threads.h"

int main(int argc, char** argv) {
  partedit::configure_runtime(argc, argv);
  QApplication app(argc, argv);
  QApplication::setApplicationName(QStringLiteral("PartEdit"));
  QApplication::setOrganizationName(QStringLiteral("PartEdit"));
  QApplication::setOrganizationDomain(QStringLiteral("partedit.org"));
  QApplication::setApplicationVersion(QStringLiteral(PARTEDIT_VERSION));
  QGuiApplication::setDesktopFileName(QStringLiteral("org.partedit.PartEdit"));

  // Translations for the system locale: ours are compiled in (:/i18n/partedit_<lang>.qm),
  // Qt's own dialogs use the installed qtbase catalogue when there is one.
  QTranslator qtTranslator;
  if (qtTranslator.load(QLocale(), QStringLiteral("qtbase"), QStringLiteral("_"),
                        QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
    QApplication::installTranslator(&qtTranslator);
  QTranslator appTranslator;
  if (appTranslator.load(QLocale(), QStringLiteral("partedit"), QStringLiteral("_"), QStringLiteral(":/i18n")))
    QApplication::installTranslator(&appTranslator);

  partedit::ui::MainWindow window;
  window.show();
  if (argc > 1) window.openImage(QString::fromLocal8Bit(argv[1]));
  return app.exec();
}
