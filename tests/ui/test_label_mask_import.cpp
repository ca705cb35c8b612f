// Importing masks instead of painting them: the plain mask rule (grey, colour, alpha, 0/1,
// 16-bit), dataset label images (palette indices, not palette colours; grey values; colour
// codes), the size check, and the label picker dialog. Set PARTEDIT_SCREENSHOT_DIR to keep
// the dialog's render (label-picker.png).
#include <QtTest>

#include <QDialogButtonBox>
#include <QTreeWidget>
#include <QPushButton>
#include <QTemporaryDir>

#include "support/test_registry.h"
#include "ui/training/label_mask_import.h"
#include "ui/training/label_picker_dialog.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_label_mask_import {

using namespace partedit::ui;

namespace {

int value(const QImage& mask, int x, int y) { return mask.constScanLine(y)[x]; }

// 30 × 20 (times `scale`), palette indices: 0 around, 3 in a left block, 7 in a right block,
// 5 in one corner pixel. Palette entries 3 and 5 share a colour and no entry's colour encodes
// its index, so only reading the index gives the right labels.
QImage paletteLabels(int scale = 1) {
  QImage image(30 * scale, 20 * scale, QImage::Format_Indexed8);
  QVector<QRgb> palette(8, qRgb(0, 0, 0));
  palette[3] = qRgb(255, 0, 0);
  palette[5] = qRgb(255, 0, 0);
  palette[7] = qRgb(0, 200, 0);
  image.setColorTable(palette);
  image.fill(0);
  for (int y = 0; y < image.height(); ++y) {
    for (int x = 0; x < image.width(); ++x) {
      const int cx = x / scale, cy = y / scale;
      if (cy >= 5 && cy < 15 && cx >= 2 && cx < 12) image.setPixel(x, y, 3);   // 100 px at scale 1
      if (cy >= 5 && cy < 15 && cx >= 16 && cx < 28) image.setPixel(x, y, 7);  // 120 px
      if (cx == 29 && cy == 19) image.setPixel(x, y, 5);
    }
  }
  return image;
}

QImage expectedMask(const QImage& labels, const QSet<int>& values) {
  QImage mask(labels.size(), QImage::Format_Grayscale8);
  for (int y = 0; y < labels.height(); ++y)
    for (int x = 0; x < labels.width(); ++x) mask.scanLine(y)[x] = values.contains(labels.pixelIndex(x, y)) ? 255 : 0;
  return mask;
}

QImage greyRow(std::initializer_list<int> values) {
  QImage image(static_cast<int>(values.size()), 1, QImage::Format_Grayscale8);
  int x = 0;
  for (const int v : values) image.scanLine(0)[x++] = static_cast<uchar>(v);
  return image;
}

}  // namespace

class TestLabelMaskImport : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void paletteIndexIsTheLabel() {
    const QImage labels = paletteLabels();
    QCOMPARE(labelEncoding(labels), LabelEncoding::Index);
    const QVector<LabelCount> counts = distinctLabels(labels);
    QCOMPARE(counts.size(), 4);
    QCOMPARE(counts[0].value, 0);
    QCOMPARE(counts[0].pixels, 30 * 20 - 100 - 120 - 1);
    QCOMPARE(counts[1].value, 3);
    QCOMPARE(counts[1].pixels, 100);
    QCOMPARE(counts[2].value, 5);
    QCOMPARE(counts[2].pixels, 1);
    QCOMPARE(counts[3].value, 7);
    QCOMPARE(counts[3].pixels, 120);
    QCOMPARE(maskForLabels(labels, {3, 7}), expectedMask(labels, {3, 7}));
    QCOMPARE(maskForLabels(labels, {3}), expectedMask(labels, {3}));  // 5 shares 3's colour, not its label
    QCOMPARE(labelAt(labels, QPoint(29, 19), LabelEncoding::Index), 5);
    QVERIFY(looksLikeLabelImage(labels));
  }

  void paletteSurvivesAPngFile() {
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("labels.png"));
    QVERIFY(paletteLabels().save(path));
    QString error;
    const QImage read = readImageFile(path, &error);
    QVERIFY2(!read.isNull(), qPrintable(error));
    QCOMPARE(read.format(), QImage::Format_Indexed8);
    QCOMPARE(maskForLabels(read, {3, 7}), expectedMask(paletteLabels(), {3, 7}));
  }

  void greyAndColourLabelImages() {
    const QImage grey = greyRow({0, 0, 1, 2, 2, 2, 255});
    QCOMPARE(labelEncoding(grey), LabelEncoding::Grey);
    const QVector<LabelCount> counts = distinctLabels(grey);
    QCOMPARE(counts.size(), 4);
    QCOMPARE(counts[2].value, 2);
    QCOMPARE(counts[2].pixels, 3);
    QVERIFY(looksLikeLabelImage(grey));  // 255 is "void", the rest small
    QVERIFY(!looksLikeLabelImage(greyRow({0, 255, 255, 0})));  // a plain mask

    QImage colour(3, 1, QImage::Format_RGB32);
    colour.setPixel(0, 0, qRgb(255, 128, 0));
    colour.setPixel(1, 0, qRgb(0, 0, 0));
    colour.setPixel(2, 0, qRgb(255, 128, 0));
    QCOMPARE(labelEncoding(colour), LabelEncoding::Colour);
    QCOMPARE(distinctLabels(colour).size(), 2);
    QCOMPARE(labelName(0xFF8000, LabelEncoding::Colour), QStringLiteral("#ff8000"));
    const QImage mask = maskForLabels(colour, {0xFF8000});
    QCOMPARE(value(mask, 0, 0), 255);
    QCOMPARE(value(mask, 1, 0), 0);
    QCOMPARE(value(mask, 2, 0), 255);
  }

  void greyMaskRule() {
    const QImage mask = binaryMaskFromImage(greyRow({0, 127, 128, 255}));
    QCOMPARE(mask.format(), QImage::Format_Grayscale8);
    QCOMPARE(value(mask, 0, 0), 0);
    QCOMPARE(value(mask, 1, 0), 0);
    QCOMPARE(value(mask, 2, 0), 255);
    QCOMPARE(value(mask, 3, 0), 255);
    // A 0/1 label file: 1 is the part, and the artist is told.
    QStringList notes;
    const QImage zeroOne = binaryMaskFromImage(greyRow({0, 1, 1, 0}), &notes);
    QCOMPARE(value(zeroOne, 1, 0), 255);
    QCOMPARE(value(zeroOne, 0, 0), 0);
    QCOMPARE(notes.size(), 1);
    // 16 bits: half of 65535 is the threshold.
    QImage wide(2, 1, QImage::Format_Grayscale16);
    reinterpret_cast<quint16*>(wide.scanLine(0))[0] = 32767;
    reinterpret_cast<quint16*>(wide.scanLine(0))[1] = 32768;
    const QImage wideMask = binaryMaskFromImage(wide);
    QCOMPARE(value(wideMask, 0, 0), 0);
    QCOMPARE(value(wideMask, 1, 0), 255);
  }

  void colourAndAlphaMaskRule() {
    // Opaque colour: the largest channel counts, so red on black is part.
    QImage rgb(3, 1, QImage::Format_RGB32);
    rgb.setPixel(0, 0, qRgb(255, 0, 0));
    rgb.setPixel(1, 0, qRgb(100, 120, 127));
    rgb.setPixel(2, 0, qRgb(0, 0, 0));
    QImage mask = binaryMaskFromImage(rgb);
    QCOMPARE(value(mask, 0, 0), 255);
    QCOMPARE(value(mask, 1, 0), 0);
    QCOMPARE(value(mask, 2, 0), 0);
    // Not fully opaque: alpha decides, whatever the colour.
    QImage rgba(4, 1, QImage::Format_ARGB32);
    rgba.setPixel(0, 0, qRgba(0, 0, 0, 255));      // black but opaque: part
    rgba.setPixel(1, 0, qRgba(255, 255, 255, 0));  // white but transparent: background
    rgba.setPixel(2, 0, qRgba(255, 255, 255, 127));
    rgba.setPixel(3, 0, qRgba(0, 0, 0, 128));
    mask = binaryMaskFromImage(rgba);
    QCOMPARE(value(mask, 0, 0), 255);
    QCOMPARE(value(mask, 1, 0), 0);
    QCOMPARE(value(mask, 2, 0), 0);
    QCOMPARE(value(mask, 3, 0), 255);
    // An alpha channel that is fully opaque says nothing: the colour rule applies.
    QImage opaque(2, 1, QImage::Format_ARGB32);
    opaque.setPixel(0, 0, qRgba(255, 255, 255, 255));
    opaque.setPixel(1, 0, qRgba(0, 0, 0, 255));
    mask = binaryMaskFromImage(opaque);
    QCOMPARE(value(mask, 0, 0), 255);
    QCOMPARE(value(mask, 1, 0), 0);
  }

  void sizeMismatchIsExplained() {
    QCOMPARE(maskSizeError(QSize(64, 48), QSize(64, 48)), QString());
    const QString error = maskSizeError(QSize(64, 48), QSize(100, 80));
    QVERIFY(error.contains(QStringLiteral("64 × 48")));
    QVERIFY(error.contains(QStringLiteral("100 × 80")));
    QVERIFY(!error.contains(QStringLiteral("90°")));
    QVERIFY(maskSizeError(QSize(48, 64), QSize(64, 48)).contains(QStringLiteral("90°")));

    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("mask.png"));
    QVERIFY(greyRow({0, 255, 0}).save(path));
    MaskImport wrong = importMaskFile(path, QSize(4, 1));
    QVERIFY(wrong.mask.isNull());
    QVERIFY(wrong.error.contains(QStringLiteral("3 × 1")));
    MaskImport right = importMaskFile(path, QSize(3, 1));
    QVERIFY2(right.error.isEmpty(), qPrintable(right.error));
    QCOMPARE(value(right.mask, 1, 0), 255);
    MaskImport missing = importMaskFile(dir.filePath(QStringLiteral("none.png")), QSize(3, 1));
    QVERIFY(missing.error.contains(QStringLiteral("none.png")));
  }

  void pickerDialogChoosesLabels() {
    const QImage labels = paletteLabels(10);
    QImage photo(labels.size(), QImage::Format_RGB32);
    photo.fill(QColor(90, 120, 160));
    LabelPickerDialog dialog(labels, photo);
    auto* ok = dialog.findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok);
    QVERIFY(!ok->isEnabled());  // nothing chosen yet
    QCOMPARE(dialog.findChild<QTreeWidget*>(QStringLiteral("labels"))->topLevelItemCount(), 4);
    QSignalSpy changed(&dialog, &LabelPickerDialog::selectionChanged);
    dialog.setSelectedLabels({3, 7});
    QCOMPARE(changed.count(), 1);
    QCOMPARE(dialog.selectedLabels(), QSet<int>({3, 7}));
    QCOMPARE(dialog.mask(), maskForLabels(labels, {3, 7}));
    QVERIFY(ok->isEnabled());

    // Clicking a label in the picture toggles it: the left block's centre, found through the
    // view's fitted geometry, unticks label 3.
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    auto* view = dialog.findChild<QWidget*>(QStringLiteral("labelsView"));
    QVERIFY(view);
    const QSizeF fitted = QSizeF(labels.size()).scaled(QSizeF(view->size()).shrunkBy(QMarginsF(6, 6, 6, 6)), Qt::KeepAspectRatio);
    const QPointF topLeft((view->width() - fitted.width()) / 2.0, (view->height() - fitted.height()) / 2.0);
    const QPointF leftBlock = topLeft + QPointF(70.0 / 300.0 * fitted.width(), 100.0 / 200.0 * fitted.height());
    QTest::mouseClick(view, Qt::LeftButton, Qt::NoModifier, leftBlock.toPoint());
    QCOMPARE(dialog.selectedLabels(), QSet<int>({7}));
    if (const QString dir = qEnvironmentVariable("PARTEDIT_SCREENSHOT_DIR"); !dir.isEmpty())
      dialog.grab().save(dir + QStringLiteral("/label-picker.png"));
  }

  void pickerDialogRefusesAPhotoOfAnotherSize() {
    QImage photo(10, 10, QImage::Format_RGB32);
    photo.fill(Qt::white);
    LabelPickerDialog dialog(paletteLabels(), photo);
    dialog.setSelectedLabels({3});
    QVERIFY(!dialog.sizeError().isEmpty());
    QVERIFY(!dialog.findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok)->isEnabled());
  }
};

PARTEDIT_TEST(TestLabelMaskImport);
}  // namespace test_label_mask_import
#include "test_label_mask_import.moc"
