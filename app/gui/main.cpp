// partedit: the desktop application.
#include <cstring>
#include <exception>
#include <iostream>

#include <QApplication>
#include <QCommandLineParser>
#include <QLibraryInfo>
#include <QLocale>
#include <QMessageBox>
#include <QTimer>
#include <QTranslator>

#include "partedit_build_info.h"
#include "ui/main_window.h"
#include "ui/worker/engine_runtime.h"

int main(int argc, char** argv) {
  // --version needs no display: answered before Qt opens one.
  for (int i = 1; i < argc; ++i)
    if (std::strcmp(argv[i], "--version") == 0 || std::strcmp(argv[i], "-v") == 0) {
      std::cout << "partedit " << PARTEDIT_VERSION << " (LibTorch " << partedit::ui::libtorchVersion().toStdString() << ")\n";
      return 0;
    }
  partedit::ui::configureEngineRuntime(argc, argv);
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
  // Without ours for the locale, English (its plural forms: "1 image", "2 images").
  QTranslator appTranslator;
  if (appTranslator.load(QLocale(), QStringLiteral("partedit"), QStringLiteral("_"), QStringLiteral(":/i18n")) ||
      appTranslator.load(QStringLiteral(":/i18n/partedit_en.qm")))
    QApplication::installTranslator(&appTranslator);

  QCommandLineParser parser;
  parser.setApplicationDescription(QApplication::translate("main", "Part-level image editing with Stable Diffusion."));
  parser.addHelpOption();
  parser.addOption(QCommandLineOption({QStringLiteral("v"), QStringLiteral("version")},
                                      QApplication::translate("main", "Print the versions of PartEdit and LibTorch, and exit.")));
  parser.addPositionalArgument(QStringLiteral("image"), QApplication::translate("main", "An image to open."),
                               QStringLiteral("[image]"));
  parser.process(app);

  try {
    partedit::ui::MainWindow window;
    window.show();
    // Asks for the model folders on the first start, once the window is on screen.
    QTimer::singleShot(0, &window, [&window] { window.startup(); });
    if (!parser.positionalArguments().isEmpty()) window.openImage(parser.positionalArguments().constFirst());
    return app.exec();
  } catch (...) {
    // In our words, without LibTorch's stack trace (PARTEDIT_DEBUG=1 adds it on stderr).
    const QString text = partedit::ui::describeFatalError(std::current_exception());
    std::cerr << "partedit: error: " << text.toStdString() << "\n";
    QMessageBox::critical(nullptr, QStringLiteral("PartEdit"), text);
    return 1;
  }
}
