// partedit: the desktop application.
#include <QApplication>

#include "main_window.h"
#include "runtime/threads.h"

int main(int argc, char** argv) {
  partedit::configure_runtime(argc, argv);
  QApplication app(argc, argv);
  QApplication::setApplicationName(QStringLiteral("PartEdit"));
  QApplication::setOrganizationName(QStringLiteral("PartEdit"));
  QApplication::setOrganizationDomain(QStringLiteral("partedit.org"));
  QApplication::setApplicationVersion(QStringLiteral(PARTEDIT_VERSION));
  partedit::ui::MainWindow window;
  window.show();
  if (argc > 1) window.openImage(QString::fromLocal8Bit(argv[1]));
  return app.exec();
}
