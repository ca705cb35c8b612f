// The main window end to end, offscreen, on the tiny model: first start without a model,
// opening a valid and a corrupt image, editing a photo, generating an image and editing it,
// instant t_e, undo/redo, export without silent overwrite and re-opening an export, the
// window icon and the compiled-in German translation. With PARTEDIT_SCREENSHOT_DIR set it
// saves edit-running.png, edit-done.png, photo-edit-done.png, history.png, preferences.png.
#include <QtTest>

#include <QAction>
#include <QDockWidget>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTimer>
#include <QMessageBox>
#include <QPointer>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTranslator>
#include <QUndoStack>

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <fstream>

#include "ui/canvas/image_canvas.h"
#include "ui/dialogs/image_info_dialog.h"
#include "ui/dialogs/preferences_dialog.h"
#include "editing/part_token.h"
#include "ui/history/history_model.h"
#include "io/image_io.h"
#include "io/safetensors.h"
#include "ui/main_window.h"
#include "ui/panels/edit_panel.h"
#include "ui/settings/app_settings.h"
#include "support/checkpoint_writer.h"
#include "support/sanitizer_skip.h"
#include "support/test_support.h"
#include "ui/gui_engine_fixtures.h"
#include "ui/gui_test_helpers.h"
#include "ui/widgets/run_status.h"
#include "ui/worker/engine_client.h"
#include "ui/widgets/status_line.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_main_window {

using namespace partedit::ui;
using partedit::test::qpath;
using partedit::test::screenshot;
using partedit::test::wait_for;
namespace fs = std::filesystem;

namespace {

void close_message_boxes(QWidget* window) {
  for (auto* box : window->findChildren<QMessageBox*>()) box->close();
}

}  // namespace

class TestMainWindow : public QObject {
  Q_OBJECT
  partedit::test::TempDir dir_;

  EngineConfig tinyConfig() { return partedit::test::tiny_engine_config(dir_.path()); }

 private Q_SLOTS:
  void initTestCase() {
    partedit::test::use_private_app_data(dir_ / "home");  // not the user's, nor another test's
    partedit::test::install_test_token(dir_ / "tokens");
  }

  void firstStartAsksForTheModelAndRefusesABadFolder() {
    QSettings().clear();
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(!window.windowIcon().isNull());
    window.startup();
    // The dialog deletes itself once accepted (WA_DeleteOnClose): watched through a QPointer,
    // since the AddressSanitizer build caught the test reading it after it was gone.
    QPointer<PreferencesDialog> dialog = window.findChild<PreferencesDialog*>(QStringLiteral("FirstRunDialog"));
    QVERIFY(dialog);
    dialog->setModelFolder(qpath(dir_ / "tokens"));  // a folder, but no diffusers model
    QTRY_VERIFY(!dialog->isChecking());  // checked off the GUI thread
    QVERIFY2(dialog->modelProblem().contains(QStringLiteral("model_index.json")), qPrintable(dialog->modelProblem()));
    dialog->accept();
    QVERIFY(dialog && dialog->isVisible());  // refused
    dialog->setModelFolder(qpath(partedit::test::tiny_sdxl_dir()));
    dialog->accept();  // while the check runs: accepted once it passes, then closed and deleted
    QTRY_VERIFY(dialog.isNull());
    QCOMPARE(AppSettings().engineConfig().modelFolder, qpath(partedit::test::tiny_sdxl_dir()));
  }

  void preferencesScreenshot() {
    MainWindow window;
    window.applyEngineConfig(tinyConfig());
    PreferencesDialog dialog(tinyConfig());
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    QTRY_VERIFY(!dialog.isChecking());
    screenshot(&dialog, QStringLiteral("preferences.png"));
  }

  // The model chooser takes a single-file checkpoint too, with an optional config folder.
  void preferencesTakeASingleFileCheckpoint() {
    const auto file = dir_ / "tiny-sdxl.safetensors";
    partedit::test::write_single_file_checkpoint(partedit::test::tiny_sdxl_dir(), file, {});
    PreferencesDialog dialog(tinyConfig());
    QTRY_VERIFY(!dialog.isChecking());
    auto* configRow = dialog.findChild<QLineEdit*>(QStringLiteral("modelConfigFolder"));
    QVERIFY(configRow && !configRow->isEnabled());  // a folder has its own configs
    QVERIFY(dialog.findChild<QPushButton*>(QStringLiteral("chooseCheckpointFile")));
    dialog.setModelFolder(qpath(file));
    QTRY_VERIFY(!dialog.isChecking());
    QVERIFY2(dialog.modelProblem().isEmpty(), qPrintable(dialog.modelProblem()));
    QVERIFY(configRow->isEnabled());
    dialog.setModelConfigFolder(qpath(partedit::test::tiny_sdxl_dir()));
    QTRY_VERIFY(!dialog.isChecking());
    QVERIFY(dialog.modelProblem().isEmpty());
    QCOMPARE(dialog.config().modelFolder, qpath(file));
    QCOMPARE(dialog.config().modelConfigFolder, qpath(partedit::test::tiny_sdxl_dir()));
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    screenshot(&dialog, QStringLiteral("preferences-single-file.png"));
    // A file of no known family is refused with the loader's message.
    const auto lora = dir_ / "lora.safetensors";
    partedit::write_safetensors(lora, {{"lora_unet_x.lora_down.weight", at::zeros({2, 2})}});
    dialog.setModelFolder(qpath(lora));
    QTRY_VERIFY(!dialog.isChecking());
    QVERIFY2(dialog.modelProblem().contains(QStringLiteral("not a checkpoint of a known family")),
             qPrintable(dialog.modelProblem()));
  }

  void corruptAndMissingFilesReportErrors() {
    const QString corrupt = qpath(dir_ / "corrupt.png");
    std::ofstream(dir_ / "corrupt.png", std::ios::binary) << "\x89PNG\r\n\x1a\n this is not an image";
    const QString missing = qpath(dir_ / "missing.png");
    MainWindow window;
    QSignalSpy errors(&window, &MainWindow::errorReported);
    window.show();
    QVERIFY(!window.openImage(corrupt));
    QVERIFY(!window.openImage(missing));
    QCOMPARE(errors.count(), 2);
    QVERIFY(errors.at(0).at(0).toString().contains(corrupt));
    QVERIFY(errors.at(1).at(0).toString().contains(missing));
    close_message_boxes(&window);
  }

  void photoEditThenGeneratedEditThenExport() {
    MainWindow window;
    window.applyEngineConfig(tinyConfig());
    window.resize(1100, 760);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QSignalSpy errors(&window, &MainWindow::errorReported);

    // 1. A photo: opened, edited; the run shows progress, the canvas a mask overlay.
    auto generator = at::detail::createCPUGenerator(7);
    const fs::path photo = dir_ / "photo.png";
    partedit::write_image(photo, at::rand({3, 64, 96}, generator));
    QVERIFY(window.openImage(qpath(photo)));
    QCOMPARE(window.history()->count(), 1);
    EditPanel* panel = window.editPanel();
    panel->setSourcePrompt(QStringLiteral("a photo of a cat"));
    panel->editBox()->setText(QStringLiteral("with a robotic <head>"));
    QVERIFY2(panel->currentCheck().ok, qPrintable(panel->currentCheck().reason));
    panel->findChild<QSpinBox*>(QStringLiteral("steps"))->setValue(4);
    bool sawMaskWhileRunning = false;
    connect(window.engine()->worker(), &EngineWorker::progress, &window, [&](quint64, const ProgressInfo& info) {
      if (info.mask.isNull() || sawMaskWhileRunning) return;
      QTimer::singleShot(0, &window, [&] {
        sawMaskWhileRunning = !window.canvas()->mask().isNull() && window.runStatus()->isVisible();
        screenshot(&window, QStringLiteral("edit-running.png"));
      });
    });
    QSignalSpy results(&window, &MainWindow::resultShown);
    QVERIFY(wait_for([&] { return !window.isRunning(); }));  // opening a photo may still be captioning or listing tokens
    QVERIFY(window.applyEdit());
    QVERIFY(wait_for([&] { return !window.isRunning(); }));
    QVERIFY2(errors.isEmpty(), errors.isEmpty() ? "" : qPrintable(errors.first().at(0).toString()));
    QCOMPARE(results.count(), 1);
    QVERIFY(sawMaskWhileRunning);
    QCOMPARE(window.history()->count(), 2);
    QCOMPARE(window.canvas()->image().size(), QSize(96, 64));  // composited at the photo's size
    QVERIFY(!window.canvas()->mask().isNull());
    screenshot(&window, QStringLiteral("photo-edit-done.png"));

    // A second edit of the same photo reuses its inversion.
    QVERIFY(wait_for([&] { return !window.isRunning(); }));  // opening a photo may still be captioning or listing tokens
    QVERIFY(window.applyEdit());
    QVERIFY(wait_for([&] { return !window.isRunning(); }));
    QVERIFY2(window.statusLine()->current().contains(QStringLiteral("inversion was reused")),
             qPrintable(window.statusLine()->current()));

    // 2. Undo returns to the first edit, redo to the second.
    QCOMPARE(window.history()->currentRow(), 2);
    window.history()->undoStack()->undo();
    QCOMPARE(window.history()->currentRow(), 1);
    window.history()->undoStack()->redo();
    QCOMPARE(window.history()->currentRow(), 2);

    // 3. A generated image, then its edit; instant t_e moves the last edit.
    GenerateSettings generation = partedit::test::small_generation(64, 4);
    generation.guidance = 6.5;
    generation.scheduler = QStringLiteral("ddim");
    window.generateImage(generation);
    QVERIFY(wait_for([&] { return !window.isRunning(); }));
    QCOMPARE(window.history()->count(), 1);
    panel->editBox()->setText(QStringLiteral("with a robotic <head>"));
    QVERIFY(wait_for([&] { return !window.isRunning(); }));  // opening a photo may still be captioning or listing tokens
    QVERIFY(window.applyEdit());
    QVERIFY(wait_for([&] { return !window.isRunning(); }));
    QCOMPARE(window.history()->count(), 2);
    screenshot(&window, QStringLiteral("edit-done.png"));
    Q_EMIT panel->editEndMoved(2);
    QVERIFY(wait_for([&] { return !window.isRunning(); }));
    QCOMPARE(window.history()->count(), 3);
    QVERIFY(window.history()->currentEntry()->parameters.contains(QStringLiteral("t_e: 2")));
    QVERIFY2(window.statusLine()->current().startsWith(QStringLiteral("Re-rendered with t_e 2")),
             qPrintable(window.statusLine()->current()));
    window.findChild<QDockWidget*>(QStringLiteral("historyDock"))->raise();
    screenshot(&window, QStringLiteral("history.png"));

    // 4. Export: written with its parameters; an existing file is not replaced unasked.
    QSignalSpy exported(&window, &MainWindow::exportFinished);
    const QString out = qpath(dir_ / "edited.png");
    QVERIFY(window.exportCurrent(MainWindow::ExportKind::Image, out));
    QVERIFY(wait_for([&] { return exported.count() == 1; }));
    const auto parameters = partedit::read_image_parameters(out.toStdString());
    QVERIFY(parameters && parameters->find("t_e: 2") != std::string::npos);
    const qint64 size = QFileInfo(out).size();
    QVERIFY(!window.exportCurrent(MainWindow::ExportKind::Mask, out));  // exists, not confirmed
    QCOMPARE(QFileInfo(out).size(), size);
    const QString mask = qpath(dir_ / "mask.png");
    QVERIFY(window.exportCurrent(MainWindow::ExportKind::Mask, mask));
    const QString sheet = qpath(dir_ / "steps.png");
    QVERIFY(window.exportCurrent(MainWindow::ExportKind::StepMasks, sheet));
    QVERIFY(wait_for([&] { return exported.count() == 3; }));
    QCOMPARE(QImage(mask).size(), QSize(64, 64));
    QVERIFY(!QImage(sheet).isNull());

    // 5. Re-opening the export restores every setting into the panel (steps before t_e: the
    // panel had other steps), and Image Info lists them, sampler and size included.
    panel->findChild<QSpinBox*>(QStringLiteral("steps"))->setValue(33);
    panel->findChild<QLineEdit*>(QStringLiteral("seed"))->clear();
    QVERIFY(window.openImage(out));
    QCOMPARE(panel->sourcePrompt(), QStringLiteral("a photo of a cat in a park"));
    QCOMPARE(panel->editBox()->text(), QStringLiteral("with a robotic <head>"));
    QCOMPARE(panel->steps(), 4);
    QCOMPARE(panel->editEnd(), 2);
    QCOMPARE(panel->generationSettings().guidance, 6.5);
    QCOMPARE(panel->generationSettings().seed.value_or(0), quint64(5));
    QVERIFY(window.history()->currentEntry()->parameters.contains(QStringLiteral("t_e: 2")));
    window.findChild<QAction*>(QStringLiteral("imageInfoAction"))->trigger();
    auto* info = window.findChild<ImageInfoDialog*>();
    QVERIFY(info && info->isVisible());
    QCOMPARE(info->parameters().sampler, QStringLiteral("ddim"));
    QCOMPARE(info->parameters().width.value_or(0), 64);
    info->close();
    QVERIFY2(errors.isEmpty(), errors.isEmpty() ? "" : qPrintable(errors.first().at(0).toString()));
  }

  void aPhotoIsCaptionedIntoTheSourcePromptBeforeAnythingRuns() {
    PARTEDIT_SKIP_IN_ASAN_BUILD("needs the T5 tokenizer");
    MainWindow window;
    EngineConfig config = tinyConfig();
    config.captionFolder = qpath(partedit::test::tiny_blip2_dir());
    window.applyEngineConfig(config);
    window.show();
    auto generator = at::detail::createCPUGenerator(9);
    const fs::path photo = dir_ / "to-caption.png";
    partedit::write_image(photo, at::rand({3, 48, 64}, generator));
    QSignalSpy captions(window.engine()->worker(), &EngineWorker::captionReady);
    QVERIFY(window.openImage(qpath(photo)));
    QVERIFY(wait_for([&] { return captions.count() == 1; }));
    const QString caption = captions.first().at(1).toString();
    // The spy records in the worker's thread; the window gets the signal queued, a moment later.
    QVERIFY(wait_for([&] { return window.editPanel()->sourcePrompt() == caption; }, 10000));  // editable, before any edit
    QCOMPARE(window.history()->count(), 1);
  }

  void cancelKeepsThePreviousResult() {
    MainWindow window;
    window.applyEngineConfig(tinyConfig());
    window.show();
    window.generateImage(partedit::test::small_generation());
    QVERIFY(wait_for([&] { return !window.isRunning(); }));
    const QImage before = window.canvas()->image();
    window.editPanel()->editBox()->setText(QStringLiteral("with a robotic <head>"));
    window.editPanel()->findChild<QSpinBox*>(QStringLiteral("steps"))->setValue(12);
    connect(window.engine()->worker(), &EngineWorker::progress, &window, [&](quint64, const ProgressInfo& info) {
      if (info.step == 2) window.cancelRun();
    });
    // The token list and the edit text's check arrive from the worker after the generation: the
    // Apply button waits for them, and so does the test.
    QVERIFY(wait_for([&] { return !window.isRunning() && window.editPanel()->currentCheck().ok; }));
    QVERIFY(window.applyEdit());
    QVERIFY(wait_for([&] { return !window.isRunning(); }));
    QCOMPARE(window.history()->count(), 1);
    QCOMPARE(window.canvas()->image(), before);
    QVERIFY(window.statusLine()->current().contains(QStringLiteral("Cancelled")));
  }

  void germanTranslationIsCompiledIn() {
    QTranslator translator;
    QVERIFY(translator.load(QStringLiteral(":/i18n/partedit_de.qm")));
    QCOMPARE(translator.translate("partedit::ui::MainWindow", "&File"), QStringLiteral("&Datei"));
    QVERIFY(QCoreApplication::installTranslator(&translator));
    {
      MainWindow window;
      QCOMPARE(window.statusLine()->current(), QStringLiteral("Bereit"));
    }
    QCoreApplication::removeTranslator(&translator);
    // English has its plural forms: "1 image", not "1 image(s)".
    QTranslator english;
    QVERIFY(english.load(QStringLiteral(":/i18n/partedit_en.qm")));
    const char* restored = "Restored %n image(s) of the last session.";
    QCOMPARE(english.translate("partedit::ui::MainWindow", restored, nullptr, 1),
             QStringLiteral("Restored %n image of the last session."));
    QCOMPARE(english.translate("partedit::ui::MainWindow", restored, nullptr, 3),
             QStringLiteral("Restored %n images of the last session."));
  }
};

PARTEDIT_TEST(TestMainWindow);
}  // namespace test_main_window
#include "test_main_window.moc"
