// End-to-end check of the main window, offscreen: show/close, opening a valid and a
// corrupt image, a screenshot, the window icon and the compiled-in German translation.
#include <QtTest>

#include <QLabel>
#include <QMessageBox>
#include <QStatusBar>
#include <QTranslator>

#include <fstream>

#include "main_window.h"
#include "support/test_support.h"

using partedit::ui::MainWindow;

namespace {
QString qpath(const std::filesystem::path& p) { return QString::fromStdString(p.string()); }
}  // namespace

class TestMainWindow : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void showsAndCloses() {
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(!window.windowIcon().isNull());
    QVERIFY(window.close());
    QVERIFY(!window.isVisible());
  }

  void opensValidPng() {
    partedit::test::TempDir dir;
    const QString path = qpath(dir / "image.png");
    QImage image(96, 64, QImage::Format_RGB32);
    image.fill(QColor(200, 60, 30));
    QVERIFY(image.save(path));

    MainWindow window;
    QSignalSpy errors(&window, &MainWindow::errorReported);
    window.show();
    QVERIFY(window.openImage(path));
    QCOMPARE(errors.count(), 0);
    const QString status = window.statusBar()->currentMessage();
    qInfo() << "status bar:" << status;
    QVERIFY2(status.contains(QStringLiteral("96 × 64")), qPrintable(status));
    auto* view = window.findChild<QLabel*>(QStringLiteral("imageView"));
    QVERIFY(view);
    QCOMPARE(view->pixmap().size(), QSize(96, 64));
  }

  void corruptFileReportsError() {
    partedit::test::TempDir dir;
    const QString corrupt = qpath(dir / "corrupt.png");
    std::ofstream(dir / "corrupt.png", std::ios::binary) << "\x89PNG\r\n\x1a\n this is not an image";
    const QString missing = qpath(dir / "missing.png");

    MainWindow window;
    QSignalSpy errors(&window, &MainWindow::errorReported);
    window.show();
    QVERIFY(!window.openImage(corrupt));
    QVERIFY(!window.openImage(missing));
    QCOMPARE(errors.count(), 2);
    const QString first = errors.at(0).at(0).toString();
    qInfo() << "reported:" << first;
    QVERIFY2(first.contains(corrupt), qPrintable(first));
    QVERIFY(errors.at(1).at(0).toString().contains(missing));
    // The message boxes are non-blocking children of the window; close them.
    const auto boxes = window.findChildren<QMessageBox*>();
    QCOMPARE(boxes.size(), 2);
    for (auto* box : boxes) box->close();
    QVERIFY(window.close());
  }

  void screenshotIsSaved() {
    partedit::test::TempDir dir;
    const QString shot = qpath(dir / "window.png");
    MainWindow window;
    window.resize(640, 480);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(window.grab().save(shot));
    const QImage saved(shot);
    qInfo() << "screenshot" << saved.size() << QFileInfo(shot).size() << "bytes";
    QVERIFY(QFileInfo(shot).size() > 0);
    QCOMPARE(saved.size(), window.size() * window.devicePixelRatio());
  }

  void germanTranslationIsCompiledIn() {
    QTranslator translator;
    QVERIFY(translator.load(QStringLiteral(":/i18n/partedit_de.qm")));
    QCOMPARE(translator.translate("partedit::ui::MainWindow", "&File"), QStringLiteral("&Datei"));
    QVERIFY(QCoreApplication::installTranslator(&translator));
    {
      MainWindow window;
      QCOMPARE(window.statusBar()->currentMessage(), QStringLiteral("Bereit"));
    }
    QCoreApplication::removeTranslator(&translator);
  }
};

QTEST_MAIN(TestMainWindow)
#include "test_main_window.moc"
