// The training wizard's project folder: round trip, refusals, mask files, missing images,
// and atomic writes. A failed write is provoked with a file-size limit (RLIMIT_FSIZE), which
// binds root as well, unlike folder permissions.
#include <QtTest>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QTemporaryDir>

#ifdef Q_OS_UNIX
#include <csignal>
#include <sys/resource.h>
#endif

#include "support/test_registry.h"
#include "ui/training/training_project.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_training_project {

using partedit::ui::TrainingEntry;
using partedit::ui::TrainingProject;
using partedit::ui::ValidationChoice;

namespace {

QString makePhoto(const QTemporaryDir& dir, const QString& name, QSize size = QSize(16, 12)) {
  QImage photo(size, QImage::Format_RGB32);
  photo.fill(QColor(200, 150, 100));
  const QString path = dir.filePath(name);
  if (!photo.save(path)) return {};
  return path;
}

QImage halfMask(QSize size) {
  QImage mask(size, QImage::Format_Grayscale8);
  for (int y = 0; y < size.height(); ++y)
    for (int x = 0; x < size.width(); ++x) mask.scanLine(y)[x] = static_cast<uchar>(x < size.width() / 2 ? 200 : 90);
  return mask;
}

QByteArray readAll(const QString& path) {
  QFile file(path);
  return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

}  // namespace

class TestTrainingProject : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

  void roundTrip() {
    QTemporaryDir photos, root;
    const QString folder = root.filePath(QStringLiteral("wing"));
    TrainingProject project(folder);
    QVERIFY(project.setPartName(QStringLiteral("wing")).isEmpty());
    int index = -1;
    QCOMPARE(project.addImage(makePhoto(photos, QStringLiteral("a.png")), &index), QString());
    QCOMPARE(index, 0);
    QCOMPARE(project.addImage(makePhoto(photos, QStringLiteral("b.png"))), QString());
    QCOMPARE(project.setValidation(1, ValidationChoice::AlwaysValidation), QString());
    QCOMPARE(project.saveMask(0, halfMask(QSize(16, 12))), QString());
    const QJsonObject settings{{QStringLiteral("steps"), 500}, {QStringLiteral("layers"), QJsonArray{3, 4}}};
    QCOMPARE(project.setSettings(settings), QString());
    QCOMPARE(project.setLastCheckpoint(folder + QStringLiteral("/checkpoints/step-200.safetensors"), 120, 200), QString());
    QVERIFY(TrainingProject::exists(folder));

    TrainingProject loaded;
    QCOMPARE(loaded.load(folder), QString());
    QCOMPARE(loaded.folder(), folder);
    QCOMPARE(loaded.partName(), QStringLiteral("wing"));
    QCOMPARE(loaded.entryCount(), 2);
    QCOMPARE(loaded.entries()[0].imagePath, photos.filePath(QStringLiteral("a.png")));
    QCOMPARE(loaded.entries()[0].validation, ValidationChoice::Automatic);
    QCOMPARE(loaded.entries()[1].validation, ValidationChoice::AlwaysValidation);
    QVERIFY(!loaded.entries()[0].imageMissing);
    QCOMPARE(loaded.settings(), settings);
    QCOMPARE(loaded.lastCheckpoint(), folder + QStringLiteral("/checkpoints/step-200.safetensors"));
    QCOMPARE(loaded.lastCheckpointStep(), 120);
    QCOMPARE(loaded.lastCheckpointOf(), 200);
    QVERIFY(loaded.hasMask(0));
    QVERIFY(!loaded.hasMask(1));
    // The mask file: 8-bit grey, 0/255, thresholded at 128.
    const QImage onDisk(loaded.maskPath(0));
    QCOMPARE(onDisk.format(), QImage::Format_Grayscale8);
    QCOMPARE(onDisk.pixelColor(0, 0), QColor(255, 255, 255));
    QCOMPARE(onDisk.pixelColor(15, 0), QColor(0, 0, 0));
    QCOMPARE(loaded.loadMask(0), onDisk);
    QVERIFY(loaded.maskPath(0).startsWith(folder + QStringLiteral("/masks/")));
  }

  void sameImageTwiceIsRefused() {
    QTemporaryDir photos, root;
    TrainingProject project(root.filePath(QStringLiteral("p")));
    const QString photo = makePhoto(photos, QStringLiteral("a.png"));
    QCOMPARE(project.addImage(photo), QString());
    const QString again = project.addImage(photo);
    QVERIFY(again.contains(QStringLiteral("a.png")));
    QVERIFY(again.contains(QStringLiteral("already")));
    QVERIFY(QDir(photos.path()).mkdir(QStringLiteral("sub")));
    QCOMPARE(project.addImage(photos.filePath(QStringLiteral("sub/../a.png"))), again);  // other spelling
    QVERIFY(QFile::link(photo, photos.filePath(QStringLiteral("link.png"))));
    QVERIFY(project.addImage(photos.filePath(QStringLiteral("link.png"))).contains(QStringLiteral("already")));  // by a link
    QVERIFY(!project.addImage(photos.filePath(QStringLiteral("none.png"))).isEmpty());
    QFile text(photos.filePath(QStringLiteral("notes.png")));
    QVERIFY(text.open(QIODevice::WriteOnly));
    text.write("not an image");
    text.close();
    QVERIFY(!project.addImage(text.fileName()).isEmpty());
    QCOMPARE(project.entryCount(), 1);
  }

  void removingAnEntryDeletesItsMask() {
    QTemporaryDir photos, root;
    const QString folder = root.filePath(QStringLiteral("p"));
    TrainingProject project(folder);
    QCOMPARE(project.addImage(makePhoto(photos, QStringLiteral("a.png"))), QString());
    QCOMPARE(project.addImage(makePhoto(photos, QStringLiteral("b.png"))), QString());
    QCOMPARE(project.saveMask(0, halfMask(QSize(16, 12))), QString());
    QCOMPARE(project.saveMask(1, halfMask(QSize(16, 12))), QString());
    const QString firstMask = project.maskPath(0), secondMask = project.maskPath(1);
    QCOMPARE(project.removeEntry(0), QString());
    QVERIFY(!QFileInfo::exists(firstMask));
    QVERIFY(QFileInfo::exists(secondMask));
    QCOMPARE(project.maskPath(0), secondMask);
    // A new entry never gets the removed entry's mask name.
    QCOMPARE(project.addImage(makePhoto(photos, QStringLiteral("c.png"))), QString());
    QVERIFY(project.maskPath(1) != firstMask);
    TrainingProject loaded;
    QCOMPARE(loaded.load(folder), QString());
    QCOMPARE(loaded.entryCount(), 2);
    QCOMPARE(loaded.entries()[0].imagePath, photos.filePath(QStringLiteral("b.png")));
    QVERIFY(!loaded.removeEntry(5).isEmpty());
  }

  void missingImageIsFlaggedNotFatal() {
    QTemporaryDir photos, root;
    const QString folder = root.filePath(QStringLiteral("p"));
    TrainingProject project(folder);
    QCOMPARE(project.addImage(makePhoto(photos, QStringLiteral("a.png"))), QString());
    QCOMPARE(project.addImage(makePhoto(photos, QStringLiteral("b.png"))), QString());
    QVERIFY(QFile::remove(photos.filePath(QStringLiteral("a.png"))));
    TrainingProject loaded;
    QCOMPARE(loaded.load(folder), QString());
    QCOMPARE(loaded.entryCount(), 2);
    QVERIFY(loaded.entries()[0].imageMissing);
    QVERIFY(!loaded.entries()[1].imageMissing);
    QCOMPARE(loaded.missingImageCount(), 1);
    makePhoto(photos, QStringLiteral("a.png"));  // put back
    loaded.refreshMissing();
    QCOMPARE(loaded.missingImageCount(), 0);
  }

  void damagedOrForeignFilesAreErrors() {
    QTemporaryDir root;
    TrainingProject project;
    QVERIFY(!project.load(root.path()).isEmpty());  // no project.json
    QFile file(root.filePath(QStringLiteral("project.json")));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("{ \"format\": \"partedit-training-project\", \"version\": 1, \"entries\": [ ");
    file.close();
    QVERIFY(project.load(root.path()).contains(QStringLiteral("damaged")));
    // A mask name that leaves masks/ is refused, so removeEntry can never delete elsewhere.
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(R"({ "format": "partedit-training-project", "version": 1,
                    "entries": [ { "image": "/x.png", "mask": "../../project.json" } ] })");
    file.close();
    QVERIFY(project.load(root.path()).contains(QStringLiteral("mask")));
    QCOMPARE(project.entryCount(), 0);  // left as it was
  }

  void failedWriteKeepsThePreviousFile() {
#ifdef Q_OS_UNIX
    QTemporaryDir root;
    const QString folder = root.filePath(QStringLiteral("p"));
    QTemporaryDir photos;
    TrainingProject project(folder);
    QCOMPARE(project.addImage(makePhoto(photos, QStringLiteral("a.png"), QSize(256, 256))), QString());
    QCOMPARE(project.saveMask(0, halfMask(QSize(256, 256))), QString());
    QCOMPARE(project.setSettings(QJsonObject{{QStringLiteral("steps"), 300}}), QString());
    const QString path = QDir(folder).filePath(QStringLiteral("project.json"));
    const QByteArray before = readAll(path);
    const QByteArray maskBefore = readAll(project.maskPath(0));
    QVERIFY(!before.isEmpty() && !maskBefore.isEmpty());
    QImage noise(256, 256, QImage::Format_Grayscale8);  // incompressible: well over the limit as PNG
    for (int y = 0; y < 256; ++y)
      for (int x = 0; x < 256; ++x) noise.scanLine(y)[x] = (QRandomGenerator::global()->generate() & 1) ? 255 : 0;

    // Writing more than 4 KiB now fails (EFBIG instead of SIGXFSZ), like a full disk.
    rlimit original{};
    QCOMPARE(getrlimit(RLIMIT_FSIZE, &original), 0);
    rlimit small = original;
    small.rlim_cur = 4096;
    const auto previousHandler = std::signal(SIGXFSZ, SIG_IGN);
    QCOMPARE(setrlimit(RLIMIT_FSIZE, &small), 0);
    const QString error = project.setSettings(QJsonObject{{QStringLiteral("notes"), QString(100000, QLatin1Char('x'))}});
    const QString maskError = project.saveMask(0, noise);
    setrlimit(RLIMIT_FSIZE, &original);
    std::signal(SIGXFSZ, previousHandler);

    QVERIFY(!error.isEmpty());
    QVERIFY2(!maskError.isEmpty(), qPrintable(QStringLiteral("mask file now %1 bytes").arg(QFileInfo(project.maskPath(0)).size())));
    QCOMPARE(readAll(path), before);  // the old files, whole
    QCOMPARE(readAll(project.maskPath(0)), maskBefore);
    QCOMPARE(project.settings().value(QStringLiteral("steps")).toInt(), 300);  // memory agrees
    QVERIFY(!project.settings().contains(QStringLiteral("notes")));
    QCOMPARE(QDir(folder).entryList(QDir::Files), QStringList{QStringLiteral("project.json")});  // no temp left
    QCOMPARE(QDir(folder).entryList({QStringLiteral("masks")}, QDir::Dirs).size(), 1);
    QCOMPARE(QDir(folder + QStringLiteral("/masks")).entryList(QDir::Files), QStringList{QStringLiteral("1.png")});
    TrainingProject loaded;
    QCOMPARE(loaded.load(folder), QString());
    QCOMPARE(loaded.settings().value(QStringLiteral("steps")).toInt(), 300);
#else
    QSKIP("needs RLIMIT_FSIZE");
#endif
  }

  void defaultLocationIsPerPart() {
    const QString base = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/training/");
    QCOMPARE(TrainingProject::defaultLocation(QStringLiteral("wing")), base + QStringLiteral("wing"));
    QCOMPARE(TrainingProject::defaultLocation(QStringLiteral("<head>")), base + QStringLiteral("head"));
    QCOMPARE(TrainingProject::defaultLocation(QStringLiteral("../..")), base + QStringLiteral("part"));
    QCOMPARE(TrainingProject::defaultLocation(QStringLiteral("Flügel/links")), base + QStringLiteral("Flügel_links"));
  }
};

PARTEDIT_TEST(TestTrainingProject);
}  // namespace test_training_project
#include "test_training_project.moc"
