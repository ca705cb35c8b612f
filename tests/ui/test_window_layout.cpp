// The main window as an artist first sees it, at 1280 × 800 and 1920 × 1080, in English and
// German, with a photo and two edits in its history: it fits the screen, the Edit panel shows
// every row without scrolling and no label is cut off, the check's message keeps its room while
// typing, the history shows several rows, and no two Alt+letter mnemonics collide. Also: the one status line (menu hover tips do
// not reach it; the engine's commentary goes to View › Log), the model switcher, and a model
// that fails to load leaving no empty image behind. With PARTEDIT_SCREENSHOT_DIR set it saves
// main-<w>x<h>-<lang>.png and model-load-failed.png.
#include <QtTest>

#include <QAbstractScrollArea>
#include <QAbstractButton>
#include <QAction>
#include <QComboBox>
#include <QLabel>
#include <QMenuBar>
#include <QListView>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QStatusBar>
#include <QStatusTipEvent>

#include "support/test_support.h"
#include "ui/gui_engine_fixtures.h"
#include "ui/gui_test_helpers.h"
#include "ui/history/history_model.h"
#include "ui/main_window.h"
#include "ui/panels/edit_panel.h"
#include "ui/settings/app_settings.h"
#include "ui/widgets/model_switcher.h"
#include "ui/widgets/status_line.h"
#include "ui/worker/engine_client.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_window_layout {

using namespace partedit::ui;
using partedit::test::qpath;
using partedit::test::screenshot;
using partedit::test::wait_for;
namespace fs = std::filesystem;

namespace {

// Where a visible label of `panel` shows less than its text: the widget's name and text.
QStringList clipped_labels(QWidget* panel) {
  QStringList clipped;
  for (QLabel* label : panel->findChildren<QLabel*>()) {
    if (!label->isVisibleTo(panel) || label->text().isEmpty()) continue;
    const bool fits = label->wordWrap() ? label->height() >= label->heightForWidth(label->width())
                                        : label->width() >= label->minimumSizeHint().width();
    if (!fits)
      clipped << QStringLiteral("%1 “%2” (%3 × %4)")
                     .arg(label->objectName(), label->text())
                     .arg(label->width())
                     .arg(label->height());
  }
  for (QPushButton* button : panel->findChildren<QPushButton*>())
    if (button->isVisibleTo(panel) && button->width() < button->minimumSizeHint().width())
      clipped << button->text();
  return clipped;
}

// The Alt+letter mnemonics the window offers at once: the menu bar's menus and the visible
// labels (with a buddy) and buttons of the window itself and its docks. Two of one letter
// make Alt+letter cycle between them instead of acting.
QStringList duplicate_mnemonics(QMainWindow* window) {
  QMap<QChar, QStringList> owners;
  auto add = [&](const QString& text) {
    for (int i = 0; i + 1 < text.size(); ++i) {
      if (text[i] != QLatin1Char('&')) continue;
      if (text[i + 1] == QLatin1Char('&')) {
        ++i;
        continue;
      }
      owners[text[i + 1].toLower()] << text;
      return;
    }
  };
  for (QAction* menu : window->menuBar()->actions()) add(menu->text());
  for (QLabel* label : window->findChildren<QLabel*>())
    if (label->buddy() && label->isVisible() && label->window() == window) add(label->text());
  for (QAbstractButton* button : window->findChildren<QAbstractButton*>())
    if (button->isVisible() && button->window() == window) add(button->text());
  QStringList duplicates;
  for (auto it = owners.cbegin(); it != owners.cend(); ++it)
    if (it.value().size() > 1) duplicates << it.value().join(QStringLiteral(" / "));
  return duplicates;
}

void settle() {
  QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
  QTest::qWait(50);
}

}  // namespace

class TestWindowLayout : public QObject {
  Q_OBJECT
  partedit::test::TempDir dir_;
  QString photo_;

  void runEdit(MainWindow& window, const QString& instruction) {
    window.editPanel()->editBox()->setText(instruction);
    // The token list (and so the check) arrives from the worker; Apply waits for it and for
    // the worker to be free.
    QVERIFY(wait_for([&] { return window.editPanel()->currentCheck().ok && !window.isRunning(); }, 60000));
    QVERIFY(window.applyEdit());
    QVERIFY(wait_for([&] { return !window.isRunning(); }));
  }

 private Q_SLOTS:
  void initTestCase() {
    partedit::test::use_private_app_data(dir_ / "home");
    partedit::test::install_test_token(dir_ / "tokens", "head");
    QImage photo(96, 64, QImage::Format_RGB32);
    for (int y = 0; y < photo.height(); ++y)
      for (int x = 0; x < photo.width(); ++x) photo.setPixel(x, y, qRgb(x * 2, y * 3, 128));
    photo_ = qpath(dir_ / "photo.png");
    QVERIFY(photo.save(photo_));
  }

  void fitsTheScreen_data() {
    QTest::addColumn<QSize>("size");
    QTest::addColumn<bool>("german");
    QTest::newRow("1280x800-en") << QSize(1280, 800) << false;
    QTest::newRow("1280x800-de") << QSize(1280, 800) << true;
    QTest::newRow("1920x1080-en") << QSize(1920, 1080) << false;
    QTest::newRow("1920x1080-de") << QSize(1920, 1080) << true;
  }

  void fitsTheScreen() {
    QFETCH(QSize, size);
    QFETCH(bool, german);
    std::optional<partedit::test::GermanTranslation> translation;
    if (german) translation.emplace();
    AppSettings().setWindowGeometry({});
    AppSettings().setWindowState({});
    MainWindow window;
    window.applyEngineConfig(partedit::test::tiny_engine_config(dir_.path()));
    // The frame a window manager adds is not part of the window: 800 px of screen leave
    // about 770 for it (a title bar), so that is what it must fit.
    const QSize inner = size - QSize(0, 30);
    PE_VERIFY_LE(window.minimumSizeHint().height(), inner.height());
    PE_VERIFY_LE(window.minimumSizeHint().width(), inner.width());
    window.setWindowState(Qt::WindowNoState);
    window.resize(inner);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(window.openImage(photo_));
    window.editPanel()->setSourcePrompt(QStringLiteral("a photo of a man"));
    runEdit(window, QStringLiteral("with a robotic <head>"));
    runEdit(window, QStringLiteral("with a golden <head>"));
    QCOMPARE(window.history()->count(), 3);
    settle();

    EditPanel* panel = window.editPanel();
    const QStringList duplicates = duplicate_mnemonics(&window);
    QVERIFY2(duplicates.isEmpty(), qPrintable(duplicates.join(QStringLiteral("; "))));
    const QStringList clipped = clipped_labels(panel);
    QVERIFY2(clipped.isEmpty(), qPrintable(clipped.join(QStringLiteral("; "))));
    // Every setting in view, Apply included: nothing to scroll to.
    auto* scroll = panel->findChild<QScrollArea*>();
    QVERIFY(scroll);
    QVERIFY2(!scroll->verticalScrollBar()->isVisible(),
             qPrintable(QStringLiteral("the Edit panel scrolls: %1 of %2 px")
                            .arg(scroll->viewport()->height())
                            .arg(scroll->widget()->minimumSizeHint().height())));
    // The history shows at least three rows.
    auto* list = window.findChild<QListView*>(QStringLiteral("historyList"));
    QVERIFY(list && list->sizeHintForRow(0) > 0);
    PE_VERIFY_LE(3 * list->sizeHintForRow(0), list->viewport()->height());

    // Typing an edit that cannot run, then one that can, moves no row below the message.
    auto* steps = panel->findChild<QWidget*>(QStringLiteral("steps"));
    const int stepsY = steps->mapTo(panel, QPoint()).y();
    panel->editBox()->setText(QStringLiteral("a robotic <head>"));  // no "with": a reason shows
    settle();
    QCOMPARE(steps->mapTo(panel, QPoint()).y(), stepsY);
    panel->editBox()->clear();
    settle();
    QCOMPARE(steps->mapTo(panel, QPoint()).y(), stepsY);
    panel->editBox()->setText(QStringLiteral("with a golden <head>"));
    settle();
    screenshot(&window, QStringLiteral("main-%1x%2-%3.png")
                            .arg(size.width())
                            .arg(size.height())
                            .arg(german ? QStringLiteral("de") : QStringLiteral("en")));
  }

  void oneStatusLineAndTheLog() {
    MainWindow window;
    window.applyEngineConfig(partedit::test::tiny_engine_config(dir_.path()));
    window.resize(1280, 770);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QCOMPARE(window.statusLine()->current(), QStringLiteral("Ready"));
    QVERIFY(window.openImage(photo_));
    QVERIFY(window.statusLine()->current().startsWith(QStringLiteral("Opened ")));
    // A menu item's hover tip (and the empty one when the pointer leaves it) leaves it alone.
    const QString before = window.statusLine()->current();
    QStatusTipEvent tip(QStringLiteral("a hover tip"));
    QCoreApplication::sendEvent(&window, &tip);
    QStatusTipEvent empty{QString()};
    QCoreApplication::sendEvent(&window, &empty);
    QCOMPARE(window.statusLine()->current(), before);
    QVERIFY(window.statusBar()->currentMessage().isEmpty());

    window.editPanel()->setSourcePrompt(QStringLiteral("a photo of a man"));
    runEdit(window, QStringLiteral("with a robotic <head>"));
    QVERIFY2(window.statusLine()->current().startsWith(QStringLiteral("Edited in")),
             qPrintable(window.statusLine()->current()));
    // The engine's commentary is in the log, with what the line said; not in the line.
    const QString log = window.logPanel()->text();
    QVERIFY2(log.contains(QStringLiteral("edit prompt: a photo of a man with a robotic head")), qPrintable(log));
    QVERIFY(log.contains(QStringLiteral("Edited in")));
    QVERIFY(log.contains(QStringLiteral("Opened ")));
    QVERIFY(!window.statusLine()->current().contains(QStringLiteral("edit prompt")));
    auto* showLog = window.findChild<QAction*>(QStringLiteral("showLogAction"));
    QVERIFY(showLog && !showLog->isChecked());
    showLog->trigger();
    QVERIFY(window.logPanel()->isVisible());

    // The active model, loaded: name, family and precision.
    ModelSwitcher* models = window.modelSwitcher();
    QCOMPARE(models->state(), ModelSwitcher::State::Loaded);
    QVERIFY2(models->text().contains(QStringLiteral("SDXL")) && models->text().contains(QStringLiteral("fp32")),
             qPrintable(models->text()));
  }

  void aModelThatFailsToLoadLeavesNoImageBehind() {
    // A folder with a model's layout whose UNet weights are cut short.
    const fs::path broken = dir_ / "broken-model";
    fs::copy(partedit::test::tiny_sdxl_dir(), broken, fs::copy_options::recursive);
    const fs::path weights = broken / "unet" / "diffusion_pytorch_model.safetensors";
    QVERIFY(fs::exists(weights));
    fs::resize_file(weights, fs::file_size(weights) / 2);

    MainWindow window;
    EngineConfig good = partedit::test::tiny_engine_config(dir_.path());
    window.applyEngineConfig(good);
    EngineConfig bad = good;
    bad.modelFolder = qpath(broken);
    window.applyEngineConfig(bad);
    window.resize(1280, 770);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    ModelSwitcher* models = window.modelSwitcher();
    QCOMPARE(models->state(), ModelSwitcher::State::NotLoaded);
    QCOMPARE(models->currentFolder(), bad.modelFolder);
    // Both folders are offered (and "Other Model Folder…").
    QVERIFY(models->comboBox()->findData(good.modelFolder) >= 0);
    QVERIFY(models->comboBox()->findData(bad.modelFolder) >= 0);

    QSignalSpy errors(&window, &MainWindow::errorReported);
    GenerateSettings generation = GenerateSettings::defaults();
    generation.prompt = QStringLiteral("a photo of a cat");
    generation.steps = 2;
    generation.width = generation.height = 64;
    window.generateImage(generation);
    QVERIFY(wait_for([&] { return !window.isRunning(); }));
    QCOMPARE(errors.count(), 1);
    QVERIFY2(errors.first().first().toString().contains(QStringLiteral("diffusion_pytorch_model.safetensors")),
             qPrintable(errors.first().first().toString()));
    QCOMPARE(models->state(), ModelSwitcher::State::Failed);
    QVERIFY2(models->text().contains(QStringLiteral("failed to load")), qPrintable(models->text()));
    // No tab, no history, nothing to apply an edit to, and the canvas is empty.
    QCOMPARE(window.documentCount(), 0);
    QCOMPARE(window.history()->count(), 0);
    window.editPanel()->editBox()->setText(QStringLiteral("with a robotic <head>"));
    QVERIFY(!window.applyEdit());
    settle();
    screenshot(&window, QStringLiteral("model-load-failed.png"));
    // Closes the error box the failure opened (window-modal, not blocking).
    for (QWidget* box : QApplication::topLevelWidgets())
      if (box->inherits("QMessageBox")) box->close();

    // The switcher takes the good model back; it loads with the next run.
    Q_EMIT models->modelChosen(good.modelFolder);
    QCOMPARE(AppSettings().engineConfig().modelFolder, good.modelFolder);
    QCOMPARE(models->state(), ModelSwitcher::State::NotLoaded);
    window.generateImage(generation);
    QVERIFY(wait_for([&] { return !window.isRunning(); }));
    QCOMPARE(window.documentCount(), 1);
    QCOMPARE(models->state(), ModelSwitcher::State::Loaded);
  }
};

PARTEDIT_TEST(TestWindowLayout);
}  // namespace test_window_layout
#include "test_window_layout.moc"
