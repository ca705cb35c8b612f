// The main window's smaller tools: Help › Keyboard Shortcuts (made from the menus) and
// Getting Started, Edit › Copy Image / Paste Image through the clipboard, the Part Tokens
// panel without tokens and its Rename/Delete for the user's own tokens only, and a truncated
// JPEG opening with the CLI's warning. No model runs.
#include <QtTest>

#include <QApplication>
#include <QClipboard>
#include <QDialog>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QTextBrowser>
#include <QTreeWidget>

#include <fstream>

#include "support/test_support.h"
#include "ui/gui_test_helpers.h"
#include "ui/history/history_model.h"
#include "ui/main_window.h"
#include "ui/panels/token_panel.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_window_tools {

using namespace partedit::ui;
using partedit::test::qpath;
using partedit::test::screenshot;
using partedit::test::wait_for;
namespace fs = std::filesystem;

namespace {

QAction* action_named(QWidget& window, const char* name) { return window.findChild<QAction*>(QLatin1String(name)); }

QImage gradient(int width, int height) {
  QImage image(width, height, QImage::Format_RGB32);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) image.setPixel(x, y, qRgb(x * 255 / width, y * 255 / height, 90));
  return image;
}

}  // namespace

class TestWindowTools : public QObject {
  Q_OBJECT
  partedit::test::TempDir dir_;

 private Q_SLOTS:
  void initTestCase() { partedit::test::use_private_app_data(dir_ / "home"); }

  void shortcutsAreListedFromTheMenus() {
    MainWindow window;
    window.show();
    QTest::qWait(0);
    for (QAction* action : window.findChildren<QAction*>())
      if (action->text().contains(QStringLiteral("Keyboard Shortcuts"))) action->trigger();
    auto* dialog = window.findChild<QDialog*>(QStringLiteral("KeyboardShortcutsDialog"));
    QVERIFY(dialog);
    auto* table = dialog->findChild<QTableWidget*>(QStringLiteral("shortcutTable"));
    QStringList rows;
    for (int r = 0; r < table->rowCount(); ++r)
      rows << table->item(r, 1)->text() + QStringLiteral(" = ") + table->item(r, 2)->text();
    const QString keysOfCopy = QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C).toString(QKeySequence::NativeText);
    QVERIFY2(rows.contains(QStringLiteral("Copy Image = ") + keysOfCopy), qPrintable(rows.join(QLatin1Char('\n'))));
    QVERIFY2(rows.contains(QStringLiteral("Open = ") + QKeySequence(QKeySequence::Open).toString(QKeySequence::NativeText)),
             qPrintable(rows.join(QLatin1Char('\n'))));
    for (QAction* action : window.findChildren<QAction*>())
      if (action->text().contains(QStringLiteral("Getting Started"))) action->trigger();
    auto* started = window.findChild<QDialog*>(QStringLiteral("GettingStartedDialog"));
    QVERIFY(started);
    QVERIFY(started->findChild<QTextBrowser*>()->toPlainText().contains(QStringLiteral("with a robotic <head>")));
  }

  void pastedImageOpensAndCopyPutsTheResultBack() {
    MainWindow window;
    const QImage picture = gradient(40, 24);
    QApplication::clipboard()->setImage(picture);
    action_named(window, "pasteImageAction")->trigger();
    QCOMPARE(window.history()->count(), 1);
    QCOMPARE(window.history()->currentEntry()->result.convertToFormat(QImage::Format_RGB32), picture);
    QApplication::clipboard()->clear();
    QVERIFY(action_named(window, "copyImageAction")->isEnabled());
    action_named(window, "copyImageAction")->trigger();
    QCOMPARE(QApplication::clipboard()->image().convertToFormat(QImage::Format_RGB32), picture);
    // Nothing on the clipboard: said, and nothing opened.
    QApplication::clipboard()->clear();
    QSignalSpy errors(&window, &MainWindow::errorReported);
    QVERIFY(!window.pasteImage());
    QCOMPARE(errors.count(), 1);
    QCOMPARE(window.history()->count(), 1);
    for (auto* box : window.findChildren<QDialog*>()) box->close();
  }

  void tokenPanelExplainsWhereTokensComeFromAndChangesOnlyOwnTokens() {
    TokenPanel panel;
    panel.resize(420, 300);
    panel.setTokens({});
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    screenshot(&panel, QStringLiteral("tokens-empty.png"));
    auto* empty = panel.findChild<QLabel*>(QStringLiteral("tokenPanelEmpty"));
    QVERIFY(empty->isVisible());
    QVERIFY(empty->text().contains(QStringLiteral("Train Part Token")));
    QVERIFY(empty->text().contains(QStringLiteral("tokens/README.md")));

    TokenInfo own, shipped;
    own.partName = QStringLiteral("red-hat");
    own.path = qpath(dir_ / "tokens" / "red-hat.safetensors");
    own.editable = true;
    own.usable = false;  // still renamable and deletable
    own.reason = QStringLiteral("trained for sd15");
    shipped.partName = QStringLiteral("human-head");
    shipped.path = QStringLiteral("/usr/share/partedit/tokens/human-head.safetensors");
    panel.setTokens({own, shipped});
    QVERIFY(!empty->isVisible());
    auto* list = panel.findChild<QTreeWidget*>(QStringLiteral("tokenList"));
    auto* rename = panel.findChild<QPushButton*>(QStringLiteral("renameToken"));
    auto* remove = panel.findChild<QPushButton*>(QStringLiteral("deleteToken"));
    list->setCurrentItem(list->topLevelItem(1));
    QVERIFY(!rename->isEnabled() && !remove->isEnabled());
    list->setCurrentItem(list->topLevelItem(0));
    QVERIFY(rename->isEnabled() && remove->isEnabled());
    QSignalSpy chosen(&panel, &TokenPanel::partChosen);
    Q_EMIT list->itemDoubleClicked(list->topLevelItem(0), 0);  // unusable: not put into the edit
    QCOMPARE(chosen.count(), 0);
  }

  void aTruncatedJpegOpensWithTheWarning() {
    const fs::path whole = dir_ / "whole.jpg", cut = dir_ / "cut.jpg";
    QVERIFY(gradient(320, 240).save(qpath(whole), "JPEG", 90));
    const std::string bytes = partedit::test::read_bytes(whole);
    std::ofstream(cut, std::ios::binary) << bytes.substr(0, bytes.size() / 2);
    MainWindow window;
    QSignalSpy warnings(&window, &MainWindow::warningReported);
    QVERIFY(window.openImage(qpath(cut)));
    QVERIFY(wait_for([&] { return warnings.count() == 1; }, 20000));
    const QString text = warnings.first().at(0).toString();
    QVERIFY2(text.contains(QStringLiteral("ends before the end of the image data")), qPrintable(text));
    for (auto* box : window.findChildren<QDialog*>()) box->close();
    QVERIFY(window.openImage(qpath(whole)));  // an intact file: no warning
    QTest::qWait(500);
    QCOMPARE(warnings.count(), 1);
  }
};

PARTEDIT_TEST(TestWindowTools);

}  // namespace test_window_tools

#include "test_window_tools.moc"
