// The Train Part Token wizard end to end, offscreen, on the tiny model: without a model it
// says so; with it, three synthetic images (a bright disc on a dark background) get masks
// painted with simulated mouse strokes, the wizard trains a few steps (late timesteps: a
// random-weight model only learns there), the loss curve gets every step and a validation
// mIoU is shown, the token is saved as "bright-disc" and the main window's edit box
// completes it after "<" at once. Then a run is cancelled and resumed from its checkpoint.
// Closing and reopening keeps the painted masks. With PARTEDIT_SCREENSHOT_DIR set it saves
// training-wizard.png (masks painted, curve drawn) and training-masks.png.
#include <QtTest>

#include <QAbstractItemModel>
#include <QComboBox>
#include <QCompleter>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProgressBar>
#include <QMessageBox>
#include <QPainter>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QFileInfo>
#include <QLibraryInfo>
#include <QTranslator>

#include "ui/main_window.h"
#include "ui/panels/edit_panel.h"
#include "ui/settings/app_settings.h"
#include "support/test_support.h"
#include "ui/gui_test_helpers.h"
#include "ui/training/loss_curve.h"
#include "ui/training/mask_painter.h"
#include "ui/training/training_images_page.h"
#include "ui/training/training_run_page.h"
#include "ui/training/training_settings_page.h"
#include "ui/training/training_wizard.h"
#include "ui/worker/engine_client.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_training_wizard {

using namespace partedit::ui;
using partedit::test::qpath;
using partedit::test::screenshot;
using partedit::test::wait_for;

namespace {

struct Disc {
  QPointF centre;
  double radius;
};
const Disc kDiscs[] = {{{64, 64}, 30}, {{50, 72}, 26}, {{76, 56}, 32}};

QString writeDiscImage(const QString& folder, int index) {
  QImage image(128, 128, QImage::Format_RGB32);
  image.fill(QColor(28 + 6 * index, 34, 46 - 4 * index));
  QPainter p(&image);
  p.setRenderHint(QPainter::Antialiasing);
  p.setPen(Qt::NoPen);
  p.setBrush(QColor(235, 250, 240));
  p.drawEllipse(kDiscs[index].centre, kDiscs[index].radius, kDiscs[index].radius);
  p.end();
  const QString path = QDir(folder).filePath(QStringLiteral("disc-%1.png").arg(index + 1));
  return image.save(path) ? path : QString();
}

// One stroke over the disc: a dab of 0.7 of its radius at its centre, then a circle of 0.3
// of its radius, which together cover the disc.
void paintDisc(MaskPainter* painter, const Disc& disc) {
  painter->setTool(MaskPainter::Tool::Brush);
  painter->setBrushSize(1.4 * disc.radius);
  const auto& view = painter->viewTransform();
  const QPoint centre = view.mapToViewport(disc.centre).toPoint();
  QTest::mousePress(painter, Qt::LeftButton, Qt::NoModifier, centre);
  for (int a = 0; a <= 360; a += 45) {
    const double t = qDegreesToRadians(double(a));
    const QPointF p = disc.centre + QPointF(std::cos(t), std::sin(t)) * (disc.radius * 0.3);
    QTest::mouseMove(painter, view.mapToViewport(p).toPoint());
  }
  QTest::mouseRelease(painter, Qt::LeftButton, Qt::NoModifier, centre);
}

}  // namespace

class TestTrainingWizard : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;

  EngineConfig tinyConfig() {
    EngineConfig config;
    config.modelFolder = QString::fromStdString(partedit::test::tiny_sdxl_dir().string());
    config.tokenFolder = dir_.filePath(QStringLiteral("tokens"));
    config.cacheFolder = dir_.filePath(QStringLiteral("cache"));
    return config;
  }

  // The settings page filled in for a short run on late timesteps.
  static void fillSettings(TrainingWizard* wizard, int steps) {
    auto* page = wizard->settingsPage();
    page->findChild<QLineEdit*>(QStringLiteral("partName"))->setText(QStringLiteral("bright-disc"));
    page->findChild<QSpinBox*>(QStringLiteral("trainingSteps"))->setValue(steps);
    page->setAdvancedShown(true);
    page->findChild<QLineEdit*>(QStringLiteral("timesteps"))->setText(QStringLiteral("20:0"));
    page->findChild<QSpinBox*>(QStringLiteral("timestepStride"))->setValue(10);
    page->findChild<QSpinBox*>(QStringLiteral("validateEvery"))->setValue(3);
    QVERIFY2(page->isComplete(), qPrintable(page->problem()));
  }

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    partedit::test::use_private_app_data(dir_.path().toStdString() + "/home");
  }

  // Picking an optimizer sets its rate (the CLI's defaults: SGD 30, Adam 0.3) unless the artist
  // typed one, and the tooltips give those values.
  void optimizerSetsItsDefaultRate() {
    TrainingSettingsPage page;
    page.setAdvancedShown(true);
    page.show();
    QVERIFY(QTest::qWaitForWindowExposed(&page));
    const QLocale locale = page.locale();  // how the page writes numbers
    auto* optimizer = page.findChild<QComboBox*>(QStringLiteral("optimizer"));
    auto* rate = page.findChild<QDoubleSpinBox*>(QStringLiteral("learningRate"));
    QVERIFY(optimizer && rate);
    const auto choose = [&](const char* name) { optimizer->setCurrentIndex(optimizer->findData(QString::fromLatin1(name))); };
    QCOMPARE(page.settings().optimizer, QStringLiteral("sgd"));
    QCOMPARE(page.settings().learningRate, 30.0);
    choose("adam");
    QCOMPARE(page.settings().optimizer, QStringLiteral("adam"));
    QCOMPARE(page.settings().learningRate, 0.3);
    choose("sgd");
    QCOMPARE(page.settings().learningRate, 30.0);
    for (QWidget* field : {static_cast<QWidget*>(rate), static_cast<QWidget*>(optimizer)}) {
      QVERIFY2(field->toolTip().contains(locale.toString(30.0)) && field->toolTip().contains(locale.toString(0.3)),
               qPrintable(field->toolTip()));
      QVERIFY2(!field->toolTip().contains(locale.toString(0.01)), qPrintable(field->toolTip()));
    }

    // A rate the artist typed survives changes of optimizer.
    rate->setFocus();
    rate->selectAll();
    QTest::keyClicks(rate, locale.toString(12.5));
    QCOMPARE(page.settings().learningRate, 12.5);
    choose("adam");
    QCOMPARE(page.settings().learningRate, 12.5);
    choose("sgd");
    QCOMPARE(page.settings().learningRate, 12.5);
    // Restore Defaults gives the rate back to the optimizer.
    page.setSettings(TrainingSettings::defaults());
    choose("adam");
    QCOMPARE(page.settings().learningRate, 0.3);
    // A project saved with Adam and its own rate keeps it, and switching keeps it too.
    TrainingSettings saved = TrainingSettings::defaults();
    saved.optimizer = QStringLiteral("adam");
    saved.learningRate = 0.05;
    page.setSettings(saved);
    QCOMPARE(page.settings().learningRate, 0.05);
    choose("sgd");
    QCOMPARE(page.settings().learningRate, 0.05);
  }

  void withoutAModelTheWizardSaysSo() {
    MainWindow window;
    EngineConfig config = tinyConfig();
    config.modelFolder.clear();
    window.applyEngineConfig(config);
    TrainingWizard* wizard = window.showTrainingWizard(dir_.filePath(QStringLiteral("no-model-project")));
    QVERIFY(QTest::qWaitForWindowExposed(wizard));
    auto* line = wizard->runPage()->findChild<QLabel*>(QStringLiteral("modelLine"));
    QVERIFY2(line->text().contains(QStringLiteral("No model is set")), qPrintable(line->text()));
    QVERIFY(!wizard->runPage()->findChild<QPushButton*>(QStringLiteral("train"))->isEnabled());
    QVERIFY(!wizard->runPage()->startTraining());
  }

  void paintTrainSaveAndComplete() {
    MainWindow window;
    window.applyEngineConfig(tinyConfig());
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    // The model is loaded through the app's worker, as an artist's first generation does.
    GenerateSettings generation = GenerateSettings::defaults();
    generation.prompt = QStringLiteral("a disc");
    generation.steps = 1;
    generation.width = generation.height = 64;
    generation.seed = 1;
    window.generateImage(generation);
    QVERIFY(wait_for([&] { return !window.isRunning(); }));

    const QString project = dir_.filePath(QStringLiteral("project"));
    TrainingWizard* wizard = window.showTrainingWizard(project);
    QVERIFY(QTest::qWaitForWindowExposed(wizard));
    auto* modelLine = wizard->runPage()->findChild<QLabel*>(QStringLiteral("modelLine"));
    QVERIFY2(modelLine->text().startsWith(QStringLiteral("Model: ")) && !modelLine->text().contains(QStringLiteral("loaded when")),
             qPrintable(modelLine->text()));
    QSignalSpy errors(wizard, &TrainingWizard::errorReported);

    // 1. Three images, a mask painted on each.
    QStringList paths;
    for (int i = 0; i < 3; ++i) paths << writeDiscImage(dir_.path(), i);
    TrainingImagesPage* images = wizard->imagesPage();
    QVERIFY(images->addImages(paths).isEmpty());
    QCOMPARE(wizard->project().entryCount(), 3);
    QVERIFY(!images->isComplete());
    for (int i = 0; i < 3; ++i) {
      images->selectImage(i);
      QVERIFY(images->painter()->hasPhoto());
      paintDisc(images->painter(), kDiscs[i]);
      QVERIFY(images->hasPart(i));
      QVERIFY(QFileInfo::exists(wizard->project().maskPath(i)));
    }
    QVERIFY2(images->isComplete(), qPrintable(images->problem()));
    // The painted mask is the disc: its centre is part, a corner is not.
    const QImage saved = wizard->project().loadMask(2);
    QCOMPARE(saved.pixelColor(76, 56).red(), 255);
    QCOMPARE(saved.pixelColor(2, 2).red(), 0);
    screenshot(wizard, QStringLiteral("training-masks.png"));

    // 2. Settings, 3. training.
    wizard->next();
    QCOMPARE(wizard->currentId(), int(TrainingWizard::SettingsPageId));
    fillSettings(wizard, 6);
    screenshot(wizard, QStringLiteral("training-settings.png"));
    wizard->next();
    QCOMPARE(wizard->currentId(), int(TrainingWizard::RunPageId));
    TrainingRunPage* run = wizard->runPage();
    QSignalSpy finished(run, &TrainingRunPage::trainingFinished);
    // A look while it runs: the window's queued copy of step 3 has reached the page.
    bool sawRunning = false;
    connect(window.engine()->worker(), &EngineWorker::trainingStep, wizard, [&](quint64, const TrainingStepInfo& s) {
      if (s.step != 3) return;
      sawRunning = run->isTraining() && run->lossCurve()->lossCount() == 3;
      screenshot(wizard, QStringLiteral("training-running.png"));
    });
    QTest::mouseClick(run->findChild<QPushButton*>(QStringLiteral("train")), Qt::LeftButton);
    QVERIFY(run->isTraining());
    QVERIFY(wait_for([&] { return finished.count() == 1; }));
    QVERIFY2(errors.isEmpty(), errors.isEmpty() ? "" : qPrintable(errors.first().at(0).toString()));
    QCOMPARE(finished.first().at(0).toBool(), true);
    QVERIFY(sawRunning);
    QCOMPARE(run->lossCurve()->lossCount(), 6);
    QVERIFY(run->lossCurve()->validationCount() >= 1);
    QVERIFY2(run->validationText().contains(QStringLiteral("mIoU")), qPrintable(run->validationText()));
    QVERIFY(!run->findChild<QLabel*>(QStringLiteral("validationPreview"))->pixmap().isNull());
    QVERIFY2(run->statusText().startsWith(QStringLiteral("Trained 6 steps")), qPrintable(run->statusText()));
    screenshot(wizard, QStringLiteral("training-wizard.png"));

    // 4. Saved under its name: the edit box completes it after "<" at once.
    QSignalSpy tokenSaved(wizard, &TrainingWizard::tokenSaved);
    QCOMPARE(run->findChild<QLineEdit*>(QStringLiteral("savePartName"))->text(), QStringLiteral("bright-disc"));
    QTest::mouseClick(run->findChild<QPushButton*>(QStringLiteral("saveToken")), Qt::LeftButton);
    QVERIFY(wait_for([&] { return tokenSaved.count() == 1; }));
    QVERIFY(QFileInfo::exists(dir_.filePath(QStringLiteral("tokens/bright-disc.safetensors"))));
    QLineEdit* box = window.editPanel()->editBox();
    auto* completer = window.editPanel()->findChild<QCompleter*>();
    const auto offersPart = [&] {
      QAbstractItemModel* model = completer->model();
      for (int row = 0; row < model->rowCount(); ++row)
        if (model->index(row, 0).data().toString() == QLatin1String("bright-disc")) return true;
      return false;
    };
    QVERIFY(wait_for([&] { return offersPart() && !window.isRunning(); }, 10000));
    window.activateWindow();
    box->setFocus();
    box->clear();
    QTest::keyClicks(box, QStringLiteral("with a red <"));
    QCOMPARE(completer->completionPrefix(), QString());
    bool offered = false;
    for (int row = 0; completer->setCurrentRow(row); ++row) offered |= completer->currentCompletion() == QLatin1String("bright-disc");
    QVERIFY(offered);
    QTest::keyClicks(box, QStringLiteral("bright"));
    QCOMPARE(completer->completionCount(), 1);
    QCOMPARE(completer->currentCompletion(), QStringLiteral("bright-disc"));

    // 5. Train again after the finished run: the wizard asks. Continue trains 6 more steps on
    // the same token (12 in all) and Save is offered again; Start Over trains a new one.
    const auto answerTrainAgain = [&](const char* button) {
      QTest::mouseClick(run->findChild<QPushButton*>(QStringLiteral("train")), Qt::LeftButton);
      QMessageBox* question = nullptr;
      QVERIFY(wait_for([&] { return (question = run->findChild<QMessageBox*>(QStringLiteral("trainAgainQuestion"))) && question->isVisible(); }, 5000));
      QVERIFY(!run->isTraining());  // nothing starts before the answer
      QVERIFY2(question->text().contains(QStringLiteral("trained for 6 steps")) ||
                   question->text().contains(QStringLiteral("trained for 12 steps")),
               qPrintable(question->text()));
      if (qstrcmp(button, "continueTraining") == 0) screenshot(question, QStringLiteral("training-continue-question.png"));
      QTest::mouseClick(question->findChild<QPushButton*>(QString::fromLatin1(button)), Qt::LeftButton);
    };
    answerTrainAgain("continueTraining");
    QVERIFY(run->isTraining());
    QVERIFY(wait_for([&] { return finished.count() == 2; }));
    QCOMPARE(finished.at(1).at(0).toBool(), true);
    QCOMPARE(run->lossCurve()->lossCount(), 12);  // the 6 steps before and 6 more
    QVERIFY2(run->statusText().startsWith(QStringLiteral("Trained 12 steps")), qPrintable(run->statusText()));
    QVERIFY(run->hasTrainedToken());
    QVERIFY(run->findChild<QPushButton*>(QStringLiteral("saveToken"))->isEnabled());
    answerTrainAgain("startOver");
    QVERIFY(wait_for([&] { return finished.count() == 3; }));
    QCOMPARE(finished.at(2).at(0).toBool(), true);
    QCOMPARE(run->lossCurve()->lossCount(), 6);  // a new run from the beginning
    QVERIFY2(run->statusText().startsWith(QStringLiteral("Trained 6 steps")), qPrintable(run->statusText()));
    QVERIFY(run->findChild<QPushButton*>(QStringLiteral("saveToken"))->isEnabled());
    QVERIFY2(errors.isEmpty(), errors.isEmpty() ? "" : qPrintable(errors.first().at(0).toString()));
  }

  void cancelThenResumeContinuesTheRun() {
    const QString project = dir_.filePath(QStringLiteral("project"));
    {
      MainWindow window;
      window.applyEngineConfig(tinyConfig());
      TrainingWizard* wizard = window.showTrainingWizard(project);
      QVERIFY(QTest::qWaitForWindowExposed(wizard));
      // Closing the wizard lost nothing: the images and their masks are back.
      QCOMPARE(wizard->project().entryCount(), 3);
      QVERIFY(wizard->imagesPage()->isComplete());
      QCOMPARE(wizard->settingsPage()->partName(), QStringLiteral("bright-disc"));
      wizard->next();
      fillSettings(wizard, 8);
      wizard->next();
      TrainingRunPage* run = wizard->runPage();
      QSignalSpy finished(run, &TrainingRunPage::trainingFinished);
      // Cancel from the worker's thread right after step 3, as a click would between steps.
      EngineClient* engine = window.engine();
      auto stopper = connect(engine->worker(), &EngineWorker::trainingStep, engine->worker(),
                             [engine](quint64, const TrainingStepInfo& s) { if (s.step == 3) engine->cancel(); },
                             Qt::DirectConnection);
      QVERIFY(run->startTraining());
      QVERIFY(wait_for([&] { return finished.count() == 1; }));
      disconnect(stopper);
      QCOMPARE(finished.first().at(0).toBool(), false);
      QVERIFY2(run->statusText().contains(QStringLiteral("Stopped at step 3 of 8")), qPrintable(run->statusText()));
      auto* resume = run->findChild<QPushButton*>(QStringLiteral("resumeTraining"));
      QVERIFY(resume->isVisible() && resume->isEnabled());
      QVERIFY(QFileInfo::exists(wizard->checkpointPath()));
      QCOMPARE(run->lossCurve()->lossCount(), 3);
      wizard->close();
    }

    // The app closed and opened again: the wizard tells the real state, and Resume goes on.
    MainWindow window;
    window.applyEngineConfig(tinyConfig());
    TrainingWizard* wizard = window.showTrainingWizard(project);
    QVERIFY(QTest::qWaitForWindowExposed(wizard));
    wizard->next();
    wizard->next();
    TrainingRunPage* run = wizard->runPage();
    QVERIFY2(run->statusText() == QStringLiteral("Stopped at step 3 of 8. Resume continues from the checkpoint."),
             qPrintable(run->statusText()));
    auto* resume = run->findChild<QPushButton*>(QStringLiteral("resumeTraining"));
    QVERIFY(resume->isVisible() && resume->isEnabled());
    auto* bar = run->findChild<QProgressBar*>(QStringLiteral("trainingProgress"));
    QCOMPARE(bar->value(), 3);
    QCOMPARE(bar->maximum(), 8);
    screenshot(wizard, QStringLiteral("training-reopened.png"));
    QSignalSpy finished(run, &TrainingRunPage::trainingFinished);
    QTest::mouseClick(resume, Qt::LeftButton);
    QVERIFY(wait_for([&] { return finished.count() == 1; }));
    QCOMPARE(finished.at(0).at(0).toBool(), true);
    QCOMPARE(run->lossCurve()->lossCount(), 8);  // 3 before the stop, 5 after
    QVERIFY(run->hasTrainedToken());
    QVERIFY2(run->statusText().startsWith(QStringLiteral("Trained 8 steps")), qPrintable(run->statusText()));
    // The held-out image says so on a line of its own, in a cell that does not reach its neighbour.
    auto* thumbnails = run->findChild<QListWidget*>(QStringLiteral("trainingThumbnails"));
    QCOMPARE(thumbnails->count(), 3);
    int heldOut = 0;
    for (int i = 0; i < thumbnails->count(); ++i) {
      const QRect cell = thumbnails->visualItemRect(thumbnails->item(i));
      if (thumbnails->item(i)->text().endsWith(QStringLiteral("\n(held out)"))) {
        ++heldOut;
        QVERIFY(cell.width() >= thumbnails->fontMetrics().horizontalAdvance(QStringLiteral("(held out)")));
      }
      if (i + 1 < thumbnails->count()) QVERIFY(!cell.intersects(thumbnails->visualItemRect(thumbnails->item(i + 1))));
    }
    QCOMPARE(heldOut, 1);
    screenshot(wizard, QStringLiteral("training-held-out.png"));
  }

  // A finished run's checkpoint, reopened: Resume brings the token back to save.
  void reopenedAfterAFinishedRun() {
    MainWindow window;
    window.applyEngineConfig(tinyConfig());
    TrainingWizard* wizard = window.showTrainingWizard(dir_.filePath(QStringLiteral("project")));
    QVERIFY(QTest::qWaitForWindowExposed(wizard));
    TrainingRunPage* run = wizard->runPage();
    QVERIFY2(run->statusText().startsWith(QStringLiteral("Trained 8 steps before. Resume brings the token back")),
             qPrintable(run->statusText()));
    QVERIFY(run->findChild<QPushButton*>(QStringLiteral("resumeTraining"))->isEnabled());
    // And a project without a run says so.
    QVERIFY(wizard->openProject(dir_.filePath(QStringLiteral("empty-project"))).isEmpty());
    QCOMPARE(run->statusText(), QStringLiteral("Not started."));
    QVERIFY(run->findChild<QPushButton*>(QStringLiteral("resumeTraining"))->isHidden());
  }

  // The German texts are longer: every page still fits the wizard's default size.
  void germanTextsFit() {
    MainWindow window;  // registers the resources that hold the translations
    {
      const partedit::test::GermanTranslation german;
      MainWindow germanWindow;
      germanWindow.applyEngineConfig(tinyConfig());
      TrainingWizard* wizard = germanWindow.showTrainingWizard(dir_.filePath(QStringLiteral("project")));
      QVERIFY(QTest::qWaitForWindowExposed(wizard));
      QCOMPARE(wizard->windowTitle(), QStringLiteral("Teil-Token trainieren"));
      QVERIFY2(wizard->minimumSizeHint().width() <= wizard->width(),
               qPrintable(QStringLiteral("%1 > %2").arg(wizard->minimumSizeHint().width()).arg(wizard->width())));
      screenshot(wizard, QStringLiteral("training-masks-de.png"));
      wizard->next();
      wizard->next();
      screenshot(wizard, QStringLiteral("training-wizard-de.png"));
      // Qt's own buttons are German too, where the system has Qt's translations.
      if (QFileInfo::exists(QLibraryInfo::path(QLibraryInfo::TranslationsPath) + QStringLiteral("/qtbase_de.qm")))
        QVERIFY2(!wizard->buttonText(QWizard::NextButton).contains(QStringLiteral("Next")),
                 qPrintable(wizard->buttonText(QWizard::NextButton)));
    }
  }
};

PARTEDIT_TEST(TestTrainingWizard);
}  // namespace test_training_wizard
#include "test_training_wizard.moc"
