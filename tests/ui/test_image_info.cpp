// What an image's parameters text restores: File › Image Info on an AUTOMATIC1111 PNG (every
// setting listed, an unknown sampler named as such, "New Image with These Settings" filling
// New from Prompt), an image without parameters, the Edit panel taking steps before t_e,
// New from Prompt's labels (no literal '&') and the size it offers for a configured model
// before anything is loaded. With PARTEDIT_SCREENSHOT_DIR set it saves png-info.png.
#include <QtTest>

#include <QAction>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSlider>
#include <QSpinBox>
#include <QTableWidget>
#include <QToolButton>

#include "support/test_support.h"
#include "ui/dialogs/image_info_dialog.h"
#include "ui/dialogs/new_image_dialog.h"
#include "ui/gui_test_helpers.h"
#include "ui/main_window.h"
#include "ui/panels/edit_panel.h"
#include "ui/settings/app_settings.h"
#include "ui/worker/engine_client.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_image_info {

using namespace partedit::ui;
using partedit::test::qpath;
using partedit::test::screenshot;
using partedit::test::wait_for;
namespace fs = std::filesystem;

namespace {

const QString kA1111 = QStringLiteral(
    "a portrait of a knight, oil painting\n"
    "Negative prompt: blurry, lowres\n"
    "Steps: 30, Sampler: DPM++ 2M Karras, CFG scale: 7, Seed: 1234, Size: 512x768, Model: sd15-base, "
    "Version: v1.7.0");

// A PNG whose tEXt "parameters" chunk holds `text` (as A1111 writes it); none when empty.
QString png_with_parameters(const fs::path& path, const QString& text) {
  QImage image(32, 48, QImage::Format_RGB32);
  image.fill(Qt::darkCyan);
  if (!text.isEmpty()) image.setText(QStringLiteral("parameters"), text);
  const QString out = qpath(path);
  if (!image.save(out, "PNG")) qFatal("cannot write %s", qPrintable(out));
  return out;
}

QString cell(QTableWidget* table, int row, int column) { return table->item(row, column)->text(); }

}  // namespace

class TestImageInfo : public QObject {
  Q_OBJECT
  partedit::test::TempDir dir_;

 private Q_SLOTS:
  void initTestCase() { partedit::test::use_private_app_data(dir_ / "home"); }

  void a1111ParametersAreListedAndReusable() {
    const QString path = png_with_parameters(dir_ / "a1111.png", kA1111);
    ImageInfoDialog dialog;
    dialog.setEditingAvailable(false);
    dialog.showFile(path);
    dialog.resize(640, 520);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    screenshot(&dialog, QStringLiteral("png-info.png"));

    QCOMPARE(dialog.findChild<QPlainTextEdit*>(QStringLiteral("imageInfoPrompt"))->toPlainText(),
             QStringLiteral("a portrait of a knight, oil painting"));
    QCOMPARE(dialog.findChild<QPlainTextEdit*>(QStringLiteral("imageInfoNegative"))->toPlainText(),
             QStringLiteral("blurry, lowres"));
    auto* table = dialog.findChild<QTableWidget*>(QStringLiteral("imageInfoSettings"));
    QCOMPARE(table->rowCount(), 7);  // every pair, ours or not (Version)
    QCOMPARE(cell(table, 0, 0), QStringLiteral("Steps"));
    QCOMPARE(cell(table, 0, 1), QStringLiteral("30"));
    QVERIFY2(cell(table, 1, 1).contains(QStringLiteral("not available")), qPrintable(cell(table, 1, 1)));
    QCOMPARE(cell(table, 6, 0), QStringLiteral("Version"));

    // No image open: the Edit panel cannot take them; a new image can.
    auto* useForEditing = dialog.findChild<QPushButton*>(QStringLiteral("useForEditing"));
    auto* newImage = dialog.findChild<QPushButton*>(QStringLiteral("newImageWithSettings"));
    QVERIFY(!useForEditing->isEnabled());
    QVERIFY(newImage->isEnabled());
    QSignalSpy requested(&dialog, &ImageInfoDialog::newImageRequested);
    newImage->click();
    QCOMPARE(requested.count(), 1);
    const auto parameters = requested.first().at(0).value<RestoredParameters>();
    const GenerateSettings settings = parameters.generation(GenerateSettings::defaults());
    QCOMPARE(settings.prompt, QStringLiteral("a portrait of a knight, oil painting"));
    QCOMPARE(settings.negative, QStringLiteral("blurry, lowres"));
    QCOMPARE(settings.steps, 30);
    QCOMPARE(settings.guidance, 7.0);
    QCOMPARE(settings.seed.value_or(0), quint64(1234));
    QCOMPARE(settings.width, 512);
    QCOMPARE(settings.height, 768);
    QCOMPARE(settings.scheduler, QString());  // Karras sigmas are not ours: the model's own
    QCOMPARE(parameters.model, QStringLiteral("sd15-base"));

    // New from Prompt opened with them shows every one.
    NewImageDialog newDialog(settings, 1024);
    QCOMPARE(newDialog.findChild<QSpinBox*>(QStringLiteral("width"))->value(), 512);
    QCOMPARE(newDialog.findChild<QSpinBox*>(QStringLiteral("height"))->value(), 768);
    QCOMPARE(newDialog.settings().seed.value_or(0), quint64(1234));
    QCOMPARE(newDialog.settings().steps, 30);
  }

  void anOurSamplerIsRestoredToTheDialog() {
    const RestoredParameters restored = parseImageParameters(QStringLiteral(
        "a cat\nSteps: 8, Sampler: DPM++ 2M, CFG scale: 5.5, Seed: 9, Size: 64x96, Model: tiny"));
    QVERIFY(restored.found);
    QCOMPARE(restored.sampler, QStringLiteral("dpmpp-2m"));
    NewImageDialog dialog(restored.generation(GenerateSettings::defaults()), 1024);
    QCOMPARE(dialog.settings().scheduler, QStringLiteral("dpmpp-2m"));
    QCOMPARE(dialog.settings().guidance, 5.5);
    QCOMPARE(dialog.settings().width, 64);
    QCOMPARE(dialog.settings().height, 96);
  }

  void anImageWithoutParametersSaysSo() {
    ImageInfoDialog dialog;
    dialog.setEditingAvailable(true);
    dialog.showFile(png_with_parameters(dir_ / "plain.png", QString()));
    auto* empty = dialog.findChild<QLabel*>(QStringLiteral("imageInfoEmpty"));
    QVERIFY(!empty->isHidden());
    QVERIFY2(empty->text().contains(QStringLiteral("no generation parameters")), qPrintable(empty->text()));
    QCOMPARE(dialog.findChild<QTableWidget*>(QStringLiteral("imageInfoSettings"))->rowCount(), 0);
    QVERIFY(!dialog.findChild<QPushButton*>(QStringLiteral("useForEditing"))->isEnabled());
    QVERIFY(!dialog.findChild<QPushButton*>(QStringLiteral("newImageWithSettings"))->isEnabled());
    dialog.showFile(qpath(dir_ / "missing.png"));  // unreadable: the same, no crash
    QVERIFY(!empty->isHidden());
  }

  // Steps before t_e, or t_e 20 would be clamped to the panel's old 16 steps.
  void theEditPanelTakesEverySettingItNames() {
    EditPanel panel;
    panel.findChild<QSpinBox*>(QStringLiteral("steps"))->setValue(16);
    panel.restoreSettings(parseImageParameters(QStringLiteral(
        "a photo of a man\nSteps: 33, Sampler: DDIM, CFG scale: 6.5, Seed: 77, Size: 64x64, Model: tiny, "
        "Edit prompt: \"a photo of a man with a golden head\", Parts: head, t_e: 20, Omega: 1.4, "
        "Composited: feather 3.0")));
    QCOMPARE(panel.steps(), 33);
    QCOMPARE(panel.editEnd(), 20);
    QCOMPARE(panel.findChild<QDoubleSpinBox*>(QStringLiteral("guidance"))->value(), 6.5);
    QCOMPARE(panel.findChild<QDoubleSpinBox*>(QStringLiteral("omega"))->value(), 1.4);
    QCOMPARE(panel.findChild<QDoubleSpinBox*>(QStringLiteral("feather"))->value(), 3.0);
    QCOMPARE(panel.generationSettings().seed.value_or(0), quint64(77));
    QCOMPARE(panel.editBox()->text(), QStringLiteral("with a golden <head>"));
    QCOMPARE(panel.sourcePrompt(), QStringLiteral("a photo of a man"));
  }

  void newFromPromptLabelsShowNoAmpersand() {
    NewImageDialog dialog(GenerateSettings::defaults(), 1024);
    for (QLabel* label : dialog.findChildren<QLabel*>()) {
      if (!label->text().contains(QLatin1Char('&'))) continue;
      QVERIFY2(label->buddy(), qPrintable(QStringLiteral("'%1' shows its '&' (no buddy)").arg(label->text())));
    }
    auto* dice = dialog.findChild<QToolButton*>(QStringLiteral("dice"));
    QVERIFY(dice && !dice->icon().isNull() && dice->text().isEmpty());  // drawn, no emoji glyph
    dice->click();
    QVERIFY(dialog.settings().seed.has_value());
  }

  // A 128-px model is offered at 128 px as soon as its folder is configured.
  void newFromPromptOffersTheConfiguredModelsSize() {
    EngineConfig config;
    config.modelFolder = qpath(partedit::test::tiny_sdxl_dir());
    config.tokenFolder = qpath(dir_ / "tokens");
    config.cacheFolder = qpath(dir_ / "cache");
    AppSettings().setEngineConfig(config);
    MainWindow window;
    QAction* newImage = nullptr;
    for (QAction* action : window.findChildren<QAction*>())
      if (action->shortcut() == QKeySequence(QKeySequence::New)) newImage = action;
    QVERIFY(newImage);
    QVERIFY(wait_for([&] {
      newImage->trigger();
      auto* dialog = window.findChild<NewImageDialog*>();
      const int width = dialog ? dialog->findChild<QSpinBox*>(QStringLiteral("width"))->value() : 0;
      if (dialog) dialog->close();
      QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
      return width == 128;
    }, 10000));
  }
};

PARTEDIT_TEST(TestImageInfo);

}  // namespace test_image_info

#include "test_image_info.moc"
