// The mask compositing used by the canvas and the export, and the per-step contact sheet.
// Tolerances: compositing at opacity 0.5 goes through 8-bit painter arithmetic, so a channel
// may differ from the exact value by up to 2 levels of 255 (rounding in two multiplications).
#include <QtTest>

#include <QPainter>

#include "support/test_registry.h"
#include "ui/widgets/mask_contact_sheet.h"
#include "ui/widgets/mask_overlay.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_mask_images {

using namespace partedit::ui;

namespace {
constexpr int kLevels = 2;

bool near(const QColor& actual, const QColor& expected, int tolerance = kLevels) {
  return std::abs(actual.red() - expected.red()) <= tolerance &&
         std::abs(actual.green() - expected.green()) <= tolerance &&
         std::abs(actual.blue() - expected.blue()) <= tolerance;
}

QString describe(const QColor& c) { return QStringLiteral("(%1, %2, %3)").arg(c.red()).arg(c.green()).arg(c.blue()); }

QImage solid(QSize size, QColor colour, QImage::Format format = QImage::Format_RGB32) {
  QImage image(size, format);
  image.fill(colour);
  return image;
}

// A grey mask whose left half is `left` and right half `right`.
QImage halves(QSize size, int left, int right) {
  QImage mask(size, QImage::Format_Grayscale8);
  for (int y = 0; y < size.height(); ++y)
    for (int x = 0; x < size.width(); ++x) mask.scanLine(y)[x] = static_cast<uchar>(x < size.width() / 2 ? left : right);
  return mask;
}
}  // namespace

class TestMaskImages : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void greyMaskConversion() {
    QVERIFY(toGreyMask(QImage()).isNull());
    const QImage grey = toGreyMask(solid(QSize(4, 4), QColor(255, 255, 255)));
    QCOMPARE(grey.format(), QImage::Format_Grayscale8);
    QCOMPARE(int(grey.constScanLine(0)[0]), 255);
  }

  void tintIsColourWithMaskAlpha() {
    const QImage tint = maskTint(halves(QSize(4, 2), 255, 51), QColor(255, 100, 0));
    QCOMPARE(tint.format(), QImage::Format_ARGB32_Premultiplied);
    QCOMPARE(tint.pixelColor(0, 0), QColor(255, 100, 0, 255));
    const QColor faint = tint.pixelColor(3, 1);  // unpremultiplied by pixelColor
    QCOMPARE(faint.alpha(), 51);
    QVERIFY2(near(faint, QColor(255, 100, 0), 3), qPrintable(describe(faint)));
  }

  void composeBlendsByMaskAndOpacity() {
    const QImage image = solid(QSize(100, 80), QColor(0, 0, 255));
    const QImage mask = halves(QSize(10, 8), 255, 0);  // any size: stretched over the image
    const QImage out = composeMaskOverlay(image, mask, QColor(255, 0, 0), 0.5);
    QCOMPARE(out.size(), image.size());
    QCOMPARE(out.format(), QImage::Format_RGB32);
    const QColor masked = out.pixelColor(10, 40);
    QVERIFY2(near(masked, QColor(128, 0, 127)), qPrintable(describe(masked)));
    QCOMPARE(out.pixelColor(90, 40), QColor(0, 0, 255));  // weight 0: untouched
    // Opacity 1 with a full mask gives the colour itself; opacity 0 the image itself.
    QCOMPARE(composeMaskOverlay(image, mask, QColor(255, 0, 0), 1.0).pixelColor(10, 40), QColor(255, 0, 0));
    QCOMPARE(composeMaskOverlay(image, mask, QColor(255, 0, 0), 0.0), image);
    QCOMPARE(composeMaskOverlay(image, QImage(), QColor(255, 0, 0), 0.7), image);
  }

  void partialMaskWeightScalesTheBlend() {
    const QImage image = solid(QSize(8, 8), QColor(0, 0, 0));
    const QImage mask = halves(QSize(8, 8), 102, 102);  // m = 0.4
    const QColor out = composeMaskOverlay(image, mask, QColor(250, 250, 250), 0.5).pixelColor(4, 4);
    QVERIFY2(near(out, QColor(50, 50, 50)), qPrintable(describe(out)));  // 250 * 0.5 * 0.4
  }

  void composeKeepsAlpha() {
    const QImage image = solid(QSize(6, 6), QColor(0, 255, 0, 0), QImage::Format_ARGB32);
    const QImage out = composeMaskOverlay(image, halves(QSize(6, 6), 255, 255), QColor(255, 0, 0), 0.5);
    QCOMPARE(out.format(), QImage::Format_ARGB32);
    QVERIFY(std::abs(out.pixelColor(2, 2).alpha() - 128) <= kLevels);
  }

  void screenAndExportShareTheMaths() {
    // The canvas paints through paintMaskTint; the export must give the same pixels.
    const QImage image = solid(QSize(32, 32), QColor(30, 140, 200));
    const QImage mask = halves(QSize(32, 32), 200, 90);
    QImage painted = image.convertToFormat(QImage::Format_ARGB32_Premultiplied);
    {
      QPainter painter(&painted);
      paintMaskTint(painter, QRectF(0, 0, 32, 32), maskTint(mask, defaultMaskColour()), 0.6);
    }
    const QImage exported = composeMaskOverlay(image, mask, defaultMaskColour(), 0.6);
    QCOMPARE(exported, painted.convertToFormat(QImage::Format_RGB32));
  }

  void gridIsNearSquare() {
    QCOMPARE(contactSheetGrid(0), QSize(0, 0));
    QCOMPARE(contactSheetGrid(1), QSize(1, 1));
    QCOMPARE(contactSheetGrid(2), QSize(2, 1));
    QCOMPARE(contactSheetGrid(5), QSize(3, 2));
    QCOMPARE(contactSheetGrid(9), QSize(3, 3));
    QCOMPARE(contactSheetGrid(10), QSize(4, 3));
    for (int n = 1; n <= 60; ++n) {
      const QSize grid = contactSheetGrid(n);
      QVERIFY(grid.width() * grid.height() >= n);
      QVERIFY(grid.width() >= grid.height() && grid.width() - grid.height() <= 1);
      QVERIFY((grid.height() - 1) * grid.width() < n);  // no empty last row
    }
  }

  void contactSheetLaysOutLabelledTiles() {
    QVector<QImage> masks;
    for (int i = 0; i < 5; ++i) masks << solid(QSize(32, 32), QColor(40 * (i + 1), 40 * (i + 1), 40 * (i + 1)), QImage::Format_Grayscale8);
    ContactSheetLayout layout;
    layout.tileSide = 64;
    layout.gap = 4;
    const QImage sheet = makeMaskContactSheet(masks, layout);
    QVERIFY(!sheet.isNull());
    QCOMPARE(sheet.width(), 3 * (64 + 4) + 4);
    const int cellHeight = (sheet.height() - 4) / 2 - 4;
    QVERIFY2(cellHeight > 64 + 8, "room for a label under each tile");
    QCOMPARE(sheet.height(), 2 * (cellHeight + 4) + 4);
    for (int i = 0; i < 5; ++i) {
      const QPoint tileCentre(4 + (i % 3) * 68 + 32, 4 + (i / 3) * (cellHeight + 4) + 32);
      QCOMPARE(sheet.pixelColor(tileCentre), QColor(40 * (i + 1), 40 * (i + 1), 40 * (i + 1)));
      // Some light text pixels in the label strip under the tile.
      int light = 0;
      for (int y = tileCentre.y() + 33; y < tileCentre.y() - 32 + cellHeight; ++y)
        for (int x = tileCentre.x() - 32; x < tileCentre.x() + 32; ++x) light += qGray(sheet.pixel(x, y)) > 150;
      QVERIFY2(light > 10, qPrintable(QStringLiteral("label of tile %1: %2 light pixels").arg(i).arg(light)));
    }
    QCOMPARE(sheet.pixelColor(1, 1), layout.background);  // the outer gap
    QCOMPARE(sheet.pixelColor(4 + 64 + 2, 20), layout.background);  // between tiles
    QCOMPARE(sheet.pixelColor(4 + 64, 20), layout.frameColour);      // each tile is framed
    QCOMPARE(sheet.pixelColor(3, 20), layout.frameColour);
    // The sixth cell of the 3 x 2 grid is empty.
    QCOMPARE(sheet.pixelColor(4 + 2 * 68 + 32, 4 + cellHeight + 4 + 32), layout.background);
    if (const QString dir = qEnvironmentVariable("PARTEDIT_SCREENSHOT_DIR"); !dir.isEmpty())
      sheet.save(dir + QStringLiteral("/canvas-contact-sheet.png"));
  }

  void contactSheetOfNothingIsNull() { QVERIFY(makeMaskContactSheet({}).isNull()); }

  void contactSheetKeepsAspectRatio() {
    ContactSheetLayout layout;
    layout.tileSide = 60;
    layout.gap = 2;
    const QImage sheet = makeMaskContactSheet({solid(QSize(40, 20), Qt::white, QImage::Format_Grayscale8)}, layout);
    QCOMPARE(sheet.width(), 60 + 2 * 2);
    QCOMPARE(sheet.pixelColor(2 + 30, 2 + 15), QColor(Qt::white));
    QCOMPARE(qGray(sheet.pixel(2 + 30, 2 + 31)) < 255, true);  // below the 30-px tall tile
  }
};

PARTEDIT_TEST(TestMaskImages);
}  // namespace test_mask_images
#include "test_mask_images.moc"
