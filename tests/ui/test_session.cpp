// Never losing work, through the main window on the tiny model: opening another image keeps
// the first one's history a tab away; undo puts an entry's settings back into the Edit
// panel; closing during an edit asks, stops the run and keeps the session, which the next
// start (a second window on the same data folder) restores; Esc in the part-name popup
// closes it without cancelling the run; a damaged session file is reported, not fatal.
// With PARTEDIT_SCREENSHOT_DIR set it saves session-restored.png.
#include <QtTest>

#include <QUndoStack>

#include <QAbstractItemView>
#include <QCompleter>
#include <QDockWidget>
#include <QDoubleSpinBox>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabBar>

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include "editing/part_token.h"
#include "io/image_io.h"
#include "support/test_support.h"
#include "ui/canvas/image_canvas.h"
#include "ui/dialogs/preferences_dialog.h"
#include "ui/gui_engine_fixtures.h"
#include "ui/gui_test_helpers.h"
#include "ui/history/history_model.h"
#include "ui/history/session_store.h"
#include "ui/main_window.h"
#include "ui/panels/edit_panel.h"
#include "ui/settings/app_settings.h"
#include "ui/worker/engine_client.h"
#include "ui/widgets/status_line.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_session {

using namespace partedit::ui;
using partedit::test::qpath;
using partedit::test::screenshot;
using partedit::test::wait_for;
namespace fs = std::filesystem;

namespace {

QSpinBox* steps_box(MainWindow& window) { return window.editPanel()->findChild<QSpinBox*>(QStringLiteral("steps")); }
QLineEdit* seed_box(MainWindow& window) { return window.editPanel()->findChild<QLineEdit*>(QStringLiteral("seed")); }
QDoubleSpinBox* guidance_box(MainWindow& window) {
  return window.editPanel()->findChild<QDoubleSpinBox*>(QStringLiteral("guidance"));
}

// Sets up one edit in the panel and runs it to the end.
void run_edit(MainWindow& window, const QString& instruction, int steps, double guidance, const QString& seed) {
  EditPanel* panel = window.editPanel();
  panel->editBox()->setText(instruction);
  steps_box(window)->setValue(steps);
  guidance_box(window)->setValue(guidance);
  seed_box(window)->setText(seed);
  QVERIFY(wait_for([&] { return !window.isRunning() && panel->currentCheck().ok; }));
  QVERIFY(window.applyEdit());
  QVERIFY(wait_for([&] { return !window.isRunning(); }));
}

void close_message_boxes(QWidget* window) {
  for (auto* box : window->findChildren<QMessageBox*>()) box->close();
}

}  // namespace

class TestSession : public QObject {
  Q_OBJECT
  partedit::test::TempDir dir_;

  EngineConfig tinyConfig() { return partedit::test::tiny_engine_config(dir_.path()); }

  QString photo(const std::string& name, int seed) {
    auto generator = at::detail::createCPUGenerator(seed);
    partedit::write_image(dir_ / name, at::rand({3, 64, 96}, generator));
    return qpath(dir_ / name);
  }

 private Q_SLOTS:
  void initTestCase() {
    // Settings and the session folder of this test alone (other GUI tests run beside it).
    partedit::test::use_private_app_data(dir_ / "home");
    AppSettings().setEngineConfig(tinyConfig());  // the start asks for no model folder
    partedit::test::install_test_token(dir_ / "tokens");
  }

  void init() {
    QVERIFY(SessionStore::defaultFolder().startsWith(qpath(dir_ / "home")));
    QDir(SessionStore::defaultFolder()).removeRecursively();
  }

  void openingAnotherImageKeepsTheFirstHistoryAndUndoLoadsSettings() {
    MainWindow window;
    window.applyEngineConfig(tinyConfig());
    window.show();
    QSignalSpy errors(&window, &MainWindow::errorReported);
    QVERIFY(window.openImage(photo("first.png", 3)));
    window.editPanel()->setSourcePrompt(QStringLiteral("a photo of a cat"));
    run_edit(window, QStringLiteral("with a robotic <head>"), 3, 4.5, QStringLiteral("11"));
    run_edit(window, QStringLiteral("with a golden <head>"), 4, 6.0, QStringLiteral("12"));
    QVERIFY2(errors.isEmpty(), errors.isEmpty() ? "" : qPrintable(errors.first().at(0).toString()));
    QCOMPARE(window.history()->count(), 3);

    // Undo: the first edit's settings come back into the panel.
    window.history()->undoStack()->undo();
    QCOMPARE(window.editPanel()->editBox()->text(), QStringLiteral("with a robotic <head>"));
    QCOMPARE(steps_box(window)->value(), 3);
    QCOMPARE(guidance_box(window)->value(), 4.5);
    QCOMPARE(seed_box(window)->text(), QStringLiteral("11"));
    QCOMPARE(window.editPanel()->editEnd(), 3);
    window.history()->setCurrentRow(2);  // a click on the latest entry
    QCOMPARE(window.editPanel()->editBox()->text(), QStringLiteral("with a golden <head>"));
    QCOMPARE(steps_box(window)->value(), 4);
    QCOMPARE(seed_box(window)->text(), QStringLiteral("12"));

    // Opening another photo: a second image with its own history; the first is a tab away.
    QVERIFY(window.openImage(photo("second.png", 4)));
    QCOMPARE(window.documentCount(), 2);
    QCOMPARE(window.activeDocument(), 1);
    QCOMPARE(window.history()->count(), 1);
    QVERIFY(window.documentTabs()->isVisible());
    QCOMPARE(window.documentTabs()->tabText(0), QStringLiteral("first.png"));
    QCOMPARE(window.documentTabs()->tabText(1), QStringLiteral("second.png"));
    window.editPanel()->editBox()->setText(QStringLiteral("with a wooden <head>"));
    window.documentTabs()->setCurrentIndex(0);  // as a click on the tab
    QCOMPARE(window.activeDocument(), 0);
    QCOMPARE(window.history()->count(), 3);
    QCOMPARE(window.history()->currentRow(), 2);
    QCOMPARE(window.canvas()->image().size(), QSize(96, 64));
    QCOMPARE(window.editPanel()->editBox()->text(), QStringLiteral("with a golden <head>"));
    window.activateDocument(1);
    QCOMPARE(window.editPanel()->editBox()->text(), QStringLiteral("with a wooden <head>"));
    QCOMPARE(window.history()->count(), 1);
  }

  void closingDuringAnEditAsksAndTheNextStartRestores() {
    {
      MainWindow window;
      window.applyEngineConfig(tinyConfig());
      window.show();
      window.generateImage(partedit::test::small_generation());
      QVERIFY(wait_for([&] { return !window.isRunning(); }));
      QCOMPARE(window.history()->count(), 1);
      QVERIFY(window.openImage(photo("restored.png", 5)));
      window.editPanel()->setSourcePrompt(QStringLiteral("a photo of a cat"));
      run_edit(window, QStringLiteral("with a robotic <head>"), 3, 5.0, QStringLiteral("21"));
      QCOMPARE(window.history()->count(), 2);

      // A long edit, and the window is closed while it runs.
      window.editPanel()->editBox()->setText(QStringLiteral("with a golden <head>"));
      steps_box(window)->setValue(40);
      QVERIFY(window.applyEdit());
      QVERIFY(window.isRunning());
      QVERIFY(!window.close());  // asked, not closed
      auto* box = window.findChild<QMessageBox*>(QStringLiteral("quitQuestion"));
      QVERIFY(box);
      QVERIFY2(box->text().contains(QStringLiteral("still working")), qPrintable(box->text()));
      QPushButton* stop = nullptr;
      for (QAbstractButton* button : box->buttons())
        if (button->text() == QStringLiteral("Stop and Quit")) stop = qobject_cast<QPushButton*>(button);
      QVERIFY(stop);
      stop->click();
      QVERIFY(wait_for([&] { return !window.isVisible(); }, 30000));  // the run stopped, then the window closed
      QVERIFY(!window.isRunning());
      QCOMPARE(window.history()->count(), 2);  // the stopped run added nothing
      QVERIFY(QFile::exists(SessionStore().sessionFile()));
    }

    // The next start: both images, their histories and the panel as it was left.
    MainWindow window;
    QSignalSpy errors(&window, &MainWindow::errorReported);
    window.applyEngineConfig(tinyConfig());
    window.resize(1280, 800);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    const auto sessionBytes = [] {
      QFile file(SessionStore().sessionFile());
      return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    };
    const QByteArray saved = sessionBytes();
    window.startup();
    // Read off the GUI thread; meanwhile nothing is written over the session being read.
    QVERIFY(window.isRestoringSession());
    QVERIFY(window.saveSessionNow().isEmpty());
    QCOMPARE(sessionBytes(), saved);
    QVERIFY(wait_for([&] { return !window.isRestoringSession(); }, 60000));
    QVERIFY2(errors.isEmpty(), errors.isEmpty() ? "" : qPrintable(errors.first().at(0).toString()));
    QCOMPARE(window.documentCount(), 2);
    QCOMPARE(window.activeDocument(), 1);
    QCOMPARE(window.history()->count(), 2);
    QCOMPARE(window.history()->currentRow(), 1);
    QVERIFY(window.history()->currentEntry()->title.startsWith(QStringLiteral("with a robotic <head>")));
    QVERIFY(!window.history()->currentEntry()->mask.isNull());
    QCOMPARE(window.canvas()->image().size(), QSize(96, 64));
    QVERIFY(window.windowTitle().contains(QStringLiteral("restored.png")));
    QCOMPARE(window.editPanel()->editBox()->text(), QStringLiteral("with a golden <head>"));
    QCOMPARE(steps_box(window)->value(), 40);
    QCOMPARE(window.editPanel()->sourcePrompt(), QStringLiteral("a photo of a cat"));
    QVERIFY(window.statusLine()->current().contains(QStringLiteral("Restored 2 image")));
    window.findChild<QDockWidget*>(QStringLiteral("historyDock"))->raise();
    screenshot(&window, QStringLiteral("session-restored.png"));
    // The restored photo edits again (its inversion is made anew or reused).
    run_edit(window, QStringLiteral("with a robotic <head>"), 2, 5.0, QStringLiteral("21"));
    QCOMPARE(window.history()->count(), 3);
    window.activateDocument(0);
    QCOMPARE(window.history()->count(), 1);
    QVERIFY(!window.editPanel()->isPhoto());
    QCOMPARE(window.editPanel()->sourcePrompt(), QStringLiteral("a photo of a cat in a park"));
    QVERIFY2(errors.isEmpty(), errors.isEmpty() ? "" : qPrintable(errors.first().at(0).toString()));
  }

  void quittingWithUnexportedResultsAsks() {
    MainWindow window;
    window.applyEngineConfig(tinyConfig());
    window.show();
    QVERIFY(window.openImage(photo("unexported.png", 6)));
    QVERIFY(wait_for([&] { return !window.isRunning(); }));  // the part names are listed
    QVERIFY(window.close());  // only the opened photo: nothing to lose, no question
    window.show();
    window.editPanel()->setSourcePrompt(QStringLiteral("a photo of a cat"));
    run_edit(window, QStringLiteral("with a robotic <head>"), 2, 5.0, QStringLiteral("1"));
    QVERIFY(!window.close());
    auto* box = window.findChild<QMessageBox*>(QStringLiteral("quitQuestion"));
    QVERIFY(box);
    QVERIFY2(box->text().contains(QStringLiteral("not been exported")), qPrintable(box->text()));
    box->button(QMessageBox::Cancel)->click();
    QVERIFY(window.isVisible());
    // Exported, the image needs no question.
    QSignalSpy exported(&window, &MainWindow::exportFinished);
    QVERIFY(window.exportCurrent(MainWindow::ExportKind::Image, qpath(dir_ / "unexported-edit.png")));
    QVERIFY(wait_for([&] { return exported.count() == 1 && !window.isRunning(); }));
    QVERIFY(window.close());
  }

  void escapeInThePartPopupDoesNotCancelTheRun() {
    MainWindow window;
    window.applyEngineConfig(tinyConfig());
    window.show();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    QVERIFY(window.openImage(photo("escape.png", 7)));
    EditPanel* panel = window.editPanel();
    panel->setSourcePrompt(QStringLiteral("a photo of a cat"));
    panel->editBox()->setText(QStringLiteral("with a robotic <head>"));
    steps_box(window)->setValue(12);
    QVERIFY(wait_for([&] { return !window.isRunning() && panel->currentCheck().ok; }));
    QSignalSpy results(&window, &MainWindow::resultShown);
    QVERIFY(window.applyEdit());
    // While it runs, the artist types the next edit; the popup offers the part names.
    panel->editBox()->setFocus();
    panel->editBox()->clear();
    QTest::keyClicks(panel->editBox(), QStringLiteral("with a golden <he"));
    auto* completer = panel->findChild<QCompleter*>();
    QVERIFY(completer);
    QTRY_VERIFY(completer->popup()->isVisible());
    QVERIFY(window.isRunning());
    QTest::keyClick(completer->popup(), Qt::Key_Escape);
    QTRY_VERIFY(!completer->popup()->isVisible());
    // Esc in the text field itself leaves the run alone too.
    QTest::keyClick(panel->editBox(), Qt::Key_Escape);
    QVERIFY(wait_for([&] { return !window.isRunning(); }));
    QCOMPARE(results.count(), 1);  // not cancelled
    QVERIFY(!window.statusLine()->current().contains(QStringLiteral("Cancelled")));

    // Esc with the focus outside text fields still cancels.
    panel->editBox()->setText(QStringLiteral("with a robotic <head>"));
    steps_box(window)->setValue(40);
    QVERIFY(wait_for([&] { return !window.isRunning() && panel->currentCheck().ok; }));
    QVERIFY(window.applyEdit());
    window.canvas()->setFocus();
    QTest::keyClick(window.canvas(), Qt::Key_Escape);
    QVERIFY(wait_for([&] { return !window.isRunning(); }));
    QCOMPARE(results.count(), 1);
    QVERIFY2(window.statusLine()->current().contains(QStringLiteral("Cancelled")),
             qPrintable(window.statusLine()->current()));
  }

  void aResultFinishedBehindAnotherImageJoinsItsOwnHistory() {
    MainWindow window;
    window.applyEngineConfig(tinyConfig());
    window.show();
    QVERIFY(window.openImage(photo("behind.png", 9)));
    EditPanel* panel = window.editPanel();
    panel->setSourcePrompt(QStringLiteral("a photo of a cat"));
    panel->editBox()->setText(QStringLiteral("with a robotic <head>"));
    steps_box(window)->setValue(6);
    QVERIFY(wait_for([&] { return !window.isRunning() && panel->currentCheck().ok; }));
    QVERIFY(window.applyEdit());
    QVERIFY(window.openImage(photo("in-front.png", 10)));  // while the edit runs
    QSignalSpy results(&window, &MainWindow::resultShown);
    QVERIFY(wait_for([&] { return results.count() == 1; }));
    QCOMPARE(window.activeDocument(), 1);
    QCOMPARE(window.history()->count(), 1);  // the shown photo is untouched
    // Its tab cannot be closed silently: it has a result nobody exported.
    QVERIFY(wait_for([&] { return !window.isRunning(); }));
    QVERIFY(!window.closeDocument(0));
    auto* box = window.findChild<QMessageBox*>(QStringLiteral("closeImageQuestion"));
    QVERIFY(box);
    QVERIFY2(box->text().contains(QStringLiteral("behind.png")), qPrintable(box->text()));
    box->button(QMessageBox::Cancel)->click();
    QCOMPARE(window.documentCount(), 2);
    window.activateDocument(0);
    QCOMPARE(window.history()->count(), 2);
    QCOMPARE(window.history()->currentRow(), 1);
    QVERIFY(window.history()->currentEntry()->title.startsWith(QStringLiteral("with a robotic <head>")));
    QCOMPARE(steps_box(window)->value(), 6);
    // The image without results closes at once; the other one stays.
    QVERIFY(window.closeDocument(1));
    QCOMPARE(window.documentCount(), 1);
    QCOMPARE(window.activeDocument(), 0);
    QCOMPARE(window.history()->count(), 2);
  }

  void preferencesSetTheSessionLimit() {
    PreferencesDialog dialog(tinyConfig());
    dialog.setSessionLimitBytes(3LL * 1024 * 1024 * 1024);
    QCOMPARE(dialog.sessionLimitBytes(), 3LL * 1024 * 1024 * 1024);
    QVERIFY(dialog.findChild<QDoubleSpinBox*>(QStringLiteral("sessionLimit")));
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    QTRY_VERIFY(!dialog.isChecking());
    screenshot(&dialog, QStringLiteral("preferences-session-limit.png"));
  }

  void aDamagedSessionFileIsReportedAndTheStartGoesOn() {
    QDir().mkpath(SessionStore::defaultFolder());
    QFile file(SessionStore().sessionFile());
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("{\"format\": \"partedit-session\", \"documents\": [{\"kind\": \"ph");
    file.close();
    MainWindow window;
    QSignalSpy errors(&window, &MainWindow::errorReported);
    window.applyEngineConfig(tinyConfig());
    window.show();
    window.startup();
    QVERIFY(wait_for([&] { return !window.isRestoringSession(); }, 60000));  // read off the GUI thread
    QCOMPARE(errors.count(), 1);
    QVERIFY2(errors.first().at(0).toString().contains(QStringLiteral("is damaged")),
             qPrintable(errors.first().at(0).toString()));
    QCOMPARE(window.documentCount(), 0);
    close_message_boxes(&window);
    QVERIFY(window.openImage(photo("after-damage.png", 8)));  // the window works as usual
    QCOMPARE(window.documentCount(), 1);
  }
};

PARTEDIT_TEST(TestSession);
}  // namespace test_session
#include "test_session.moc"
