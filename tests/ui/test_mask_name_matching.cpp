// Several masks imported at once, each onto the training image of its name
// (training/mask_name_matching.h): exact and prefix names, case, the longest name winning,
// cat10 never taking cat1's mask, ambiguous and unmatched masks reported in words; then
// through the images page: the masks land in the project, the shown image's one is undoable,
// and the masks that fit no image are named.
#include <QtTest>

#include <QPainter>
#include <QTemporaryDir>
#include <QUndoStack>

#include "support/test_registry.h"
#include "ui/gui_test_helpers.h"
#include "ui/training/mask_document.h"
#include "ui/training/mask_name_matching.h"
#include "ui/training/mask_painter.h"
#include "ui/training/training_images_page.h"
#include "ui/training/training_project.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_mask_name_matching {

using namespace partedit::ui;

namespace {

QString imageOf(const MaskMatching& matching, const QStringList& images, const QString& maskName) {
  for (const MaskMatch& m : matching.matched)
    if (QFileInfo(m.maskPath).fileName() == maskName) return images[m.image];
  return {};
}

bool mentions(const QStringList& problems, const QString& maskName, const QString& words) {
  for (const QString& p : problems)
    if (p.startsWith(maskName + QLatin1Char(' ')) && p.contains(words)) return true;
  return false;
}

QString writeImage(const QString& path, const QSize& size, const QRect& white, QImage::Format format = QImage::Format_RGB32) {
  QImage image(size, QImage::Format_RGB32);
  image.fill(Qt::black);
  QPainter(&image).fillRect(white, Qt::white);
  QDir().mkpath(QFileInfo(path).absolutePath());
  return image.convertToFormat(format).save(path) ? path : QString();
}

}  // namespace

class TestMaskNameMatching : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    partedit::test::use_private_app_data(dir_.path().toStdString() + "/home");
  }

  void matchesByName() {
    const QStringList images{"/p/cat1.jpg", "/p/cat10.jpg", "/p/cat1_b.jpg", "/q/dog.png", "/r/dog.png", "/p/Owl.JPG"};
    const QStringList masks{"/m/cat1_mask.png", "/m/cat10.png",   "/m/cat1_b_mask.png", "/m/owl.png",
                            "/m/dog.png",       "/m/cat1.png",    "/m/cat1-label.png",  "/m/horse.png",
                            "/p/cat1.jpg",      "/m/cat100.png",  "/m/cat.png"};
    const MaskMatching matching = matchMasksToImages(masks, images);
    QCOMPARE(matching.matched.size(), 4);
    QCOMPARE(imageOf(matching, images, "cat1.png"), QStringLiteral("/p/cat1.jpg"));  // exact beats cat1_mask.png
    QCOMPARE(imageOf(matching, images, "cat10.png"), QStringLiteral("/p/cat10.jpg"));
    QCOMPARE(imageOf(matching, images, "cat1_b_mask.png"), QStringLiteral("/p/cat1_b.jpg"));  // the longest name
    QCOMPARE(imageOf(matching, images, "owl.png"), QStringLiteral("/p/Owl.JPG"));             // case does not matter
    QCOMPARE(imageOf(matching, images, "cat1_mask.png"), QString());
    // Each mask that was not used, in words.
    QVERIFY(mentions(matching.problems, "dog.png", "several images"));
    QVERIFY(mentions(matching.problems, "cat1_mask.png", "cat1.jpg gets cat1.png"));
    QVERIFY(mentions(matching.problems, "cat1-label.png", "cat1.jpg already gets cat1.png"));
    QVERIFY(mentions(matching.problems, "horse.png", "matches no training image"));
    QVERIFY(mentions(matching.problems, "cat100.png", "matches no training image"));  // cat10 + "0": no separator
    QVERIFY(mentions(matching.problems, "cat.png", "matches no training image"));
    QVERIFY(mentions(matching.problems, "cat1.jpg", "is one of the training images"));
    QCOMPARE(matching.problems.size(), 7);
    // A prefix match stands when no exact one comes.
    const MaskMatching prefix = matchMasksToImages({"/m/cat1_mask.png", "/m/cat1.seg.png"}, {"/p/cat1.jpg"});
    QCOMPARE(prefix.matched.size(), 1);
    QCOMPARE(QFileInfo(prefix.matched.first().maskPath).fileName(), QStringLiteral("cat1_mask.png"));
    QVERIFY(mentions(prefix.problems, "cat1.seg.png", "already gets cat1_mask.png"));
  }

  void importsSeveralMasksOntoTheImagesPage() {
    const QDir root(dir_.path());
    const QSize size(40, 30);
    QStringList photos;
    for (const char* name : {"photos/cat1.png", "photos/cat10.png", "photos/dog.jpg"})
      photos << writeImage(root.filePath(QString::fromLatin1(name)), size, QRect(0, 0, 40, 30));
    const QRect catPart(2, 3, 10, 8), cat10Part(20, 5, 12, 12), dogPart(0, 20, 40, 10);
    const QStringList masks{writeImage(root.filePath("masks/cat1_mask.png"), size, catPart),
                            writeImage(root.filePath("masks/CAT10.png"), size, cat10Part, QImage::Format_Grayscale8),
                            writeImage(root.filePath("masks/dog-label.png"), size, dogPart),
                            writeImage(root.filePath("masks/owl.png"), size, catPart),
                            writeImage(root.filePath("masks/cat1.png"), QSize(30, 40), catPart)};
    TrainingProject project(root.filePath("project"));
    TrainingImagesPage page(&project);
    page.resize(900, 600);
    page.show();
    QVERIFY(QTest::qWaitForWindowExposed(&page));
    QVERIFY(page.addImages(photos).isEmpty());
    page.selectImage(0);  // cat1 is shown: its mask goes through the painter, undoable
    QVERIFY(!page.isComplete());

    const TrainingImagesPage::MaskImportReport report = page.importMasks(masks);
    QCOMPARE(report.imported, (QStringList{"cat10.png", "dog.jpg"}));
    // cat1.png (exact name) took cat1 from cat1_mask.png, but it has the wrong size; owl.png fits nothing.
    QVERIFY2(mentions(report.problems, "owl.png", "matches no training image"), qPrintable(report.problems.join('\n')));
    QVERIFY2(mentions(report.problems, "cat1.png", "for cat1.png"), qPrintable(report.problems.join('\n')));
    QVERIFY(mentions(report.problems, "cat1_mask.png", "is not used"));
    QCOMPARE(report.problems.size(), 3);
    QVERIFY(!page.hasPart(0));
    QVERIFY(page.hasPart(1) && page.hasPart(2));

    // Each written into the project as its image's mask.
    const auto partRect = [](const QImage& mask) {
      QRect bounds;
      for (int y = 0; y < mask.height(); ++y)
        for (int x = 0; x < mask.width(); ++x)
          if (mask.constScanLine(y)[x] >= MaskDocument::kPartThreshold) bounds |= QRect(x, y, 1, 1);
      return bounds;
    };
    QCOMPARE(partRect(project.loadMask(1)), cat10Part);
    QCOMPARE(partRect(project.loadMask(2)), dogPart);

    // Without the wrong-sized exact name, cat1_mask.png goes onto the shown image as one undo step.
    const TrainingImagesPage::MaskImportReport second = page.importMasks({masks[0], masks[3]});
    QCOMPARE(second.imported, QStringList{"cat1.png"});
    QCOMPARE(second.problems.size(), 1);
    QCOMPARE(partRect(page.painter()->document()->mask()), catPart);
    QCOMPARE(partRect(project.loadMask(0)), catPart);
    QCOMPARE(page.painter()->undoStack()->count(), 1);
    QVERIFY2(page.isComplete(), qPrintable(page.problem()));
    // Importing onto painted parts again: the window asks first; keeping them changes nothing.
    QCOMPARE(page.paintedImagesMatching({masks[0], masks[3]}), QStringList{"cat1.png"});
    const TrainingImagesPage::MaskImportReport kept =
        page.importMasks({masks[0], masks[3]}, TrainingImagesPage::PaintedMasks::Keep);
    QCOMPARE(kept.kept, QStringList{"cat1.png"});
    QVERIFY(kept.imported.isEmpty());
    QCOMPARE(page.painter()->undoStack()->count(), 1);
    partedit::test::screenshot(&page, QStringLiteral("training-masks-imported.png"));
    page.painter()->undoStack()->undo();
    QVERIFY(!page.hasPart(0));
    QVERIFY(!project.loadMask(0).isNull() && partRect(project.loadMask(0)).isEmpty());
  }
};

PARTEDIT_TEST(TestMaskNameMatching);
}  // namespace test_mask_name_matching
#include "test_mask_name_matching.moc"
