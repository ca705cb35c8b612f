// The session kept between runs, without a window: images and settings come back as they
// were saved; the size limit drops the oldest entries first (of whichever image) and their
// files; a damaged session.json or a missing image is reported in plain words, never thrown.
#include <QtTest>

#include <QDir>
#include <QFile>

#include "support/test_registry.h"
#include "support/test_support.h"
#include "ui/gui_test_helpers.h"
#include "ui/history/session_store.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_session_store {

using namespace partedit::ui;
using partedit::test::qpath;

namespace {

// Noise does not compress: each image's PNG is about w*h*3 bytes.
QImage noise_image(int seed, QSize size = QSize(64, 64)) {
  QImage image(size, QImage::Format_RGB888);
  quint32 state = 2654435761u * quint32(seed + 1);
  for (int y = 0; y < size.height(); ++y) {
    uchar* line = image.scanLine(y);
    for (int x = 0; x < size.width() * 3; ++x) {
      state = state * 1664525u + 1013904223u;
      line[x] = uchar(state >> 24);
    }
  }
  return image;
}

HistoryEntry entry_at(int seed, const QString& title, int minutesAgo) {
  HistoryEntry entry;
  entry.result = noise_image(seed);
  entry.before = noise_image(seed + 100);
  entry.mask = QImage(64, 64, QImage::Format_Grayscale8);
  entry.mask.fill(200);
  entry.stepMasks = {entry.mask, entry.mask};
  entry.title = title;
  entry.parameters = title + QStringLiteral("\nSteps: 4, Seed: 5");
  entry.settings.insert(QStringLiteral("instruction"), title);
  entry.settings.insert(QStringLiteral("steps"), 4);
  entry.settings.insert(QStringLiteral("seed"), QStringLiteral("18446744073709551615"));
  entry.createdAt = QDateTime::currentDateTime().addSecs(-60 * minutesAgo);
  entry.storageKey = QStringLiteral("key%1").arg(seed);
  return entry;
}

SessionSnapshot two_images() {
  ImageDocument photo;
  photo.kind = ImageDocument::Kind::Photo;
  photo.path = QStringLiteral("/photos/cat.png");
  photo.entries = {entry_at(1, QStringLiteral("Opened cat.png"), 50), entry_at(2, QStringLiteral("with a robotic <head>"), 40)};
  photo.currentRow = 0;  // the edit was undone
  photo.unexported = 1;
  photo.panel.insert(QStringLiteral("instruction"), QStringLiteral("with a golden <head>"));
  ImageDocument generated;
  generated.kind = ImageDocument::Kind::Generated;
  generated.generation = GenerateSettings::defaults();
  generated.generation.prompt = QStringLiteral("a cat in a park");
  generated.generation.seed = 12345678901234ULL;
  generated.entries = {entry_at(3, QStringLiteral("Generated"), 30), entry_at(4, QStringLiteral("with a hat"), 20)};
  generated.currentRow = 1;
  return {{photo, generated}, 1};
}

int png_count(const QString& folder) { return QDir(folder).entryList({QStringLiteral("*.png")}, QDir::Files).size(); }

}  // namespace

class TestSessionStore : public QObject {
  Q_OBJECT
  partedit::test::TempDir dir_;

 private Q_SLOTS:
  void savedSessionComesBackWhole() {
    const SessionStore store(qpath(dir_ / "whole"));
    QCOMPARE(store.save(two_images(), 0), QString());
    QCOMPARE(png_count(store.folder()), 4 * 5);  // result, before, mask and two step masks each
    const SessionLoad loaded = store.load();
    QCOMPARE(loaded.problem, QString());
    QCOMPARE(loaded.session.documents.size(), 2);
    QCOMPARE(loaded.session.active, 1);
    const ImageDocument& photo = loaded.session.documents[0];
    QCOMPARE(photo.kind, ImageDocument::Kind::Photo);
    QCOMPARE(photo.path, QStringLiteral("/photos/cat.png"));
    QCOMPARE(photo.currentRow, 0);
    QCOMPARE(photo.unexported, 1);
    QCOMPARE(photo.panel.value(QStringLiteral("instruction")).toString(), QStringLiteral("with a golden <head>"));
    QCOMPARE(photo.entries.size(), 2);
    const HistoryEntry& edit = photo.entries[1];
    QCOMPARE(edit.title, QStringLiteral("with a robotic <head>"));
    QCOMPARE(edit.result.convertToFormat(QImage::Format_RGB888), noise_image(2));
    QCOMPARE(edit.before.convertToFormat(QImage::Format_RGB888), noise_image(102));
    QCOMPARE(edit.mask.pixelColor(3, 3).red(), 200);
    QCOMPARE(edit.stepMasks.size(), 2);
    QCOMPARE(edit.settings.value(QStringLiteral("seed")).toString(), QStringLiteral("18446744073709551615"));
    QCOMPARE(edit.settings.value(QStringLiteral("steps")).toInt(), 4);
    QCOMPARE(edit.storageKey, QStringLiteral("key2"));
    const ImageDocument& generated = loaded.session.documents[1];
    QCOMPARE(generated.generation.prompt, QStringLiteral("a cat in a park"));
    QVERIFY(generated.generation.seed && *generated.generation.seed == 12345678901234ULL);
    QCOMPARE(generated.currentRow, 1);
  }

  void theLimitDropsTheOldestEntriesAndTheirFiles() {
    const SessionStore store(qpath(dir_ / "limited"));
    // Each entry holds two 64x64 noise images (~12 KB each) and small masks: 40 KB keeps the
    // newest entry only... of four; 60 KB keeps the two newest.
    QCOMPARE(store.save(two_images(), 60 * 1024), QString());
    const SessionLoad loaded = store.load();
    QCOMPARE(loaded.problem, QString());
    // The photo's two entries were the oldest: the photo is gone, the generated image stays whole.
    QCOMPARE(loaded.session.documents.size(), 1);
    QCOMPARE(loaded.session.active, 0);
    QCOMPARE(loaded.session.documents[0].kind, ImageDocument::Kind::Generated);
    QCOMPARE(loaded.session.documents[0].entries.size(), 2);
    QCOMPARE(png_count(store.folder()), 2 * 5);  // the dropped entries' files are removed
    // A limit that keeps only the newest entry: the current row follows it.
    QCOMPARE(store.save(two_images(), 30 * 1024), QString());
    const SessionLoad newest = store.load();
    QCOMPARE(newest.session.documents.size(), 1);
    QCOMPARE(newest.session.documents[0].entries.size(), 1);
    QCOMPARE(newest.session.documents[0].entries[0].title, QStringLiteral("with a hat"));
    QCOMPARE(newest.session.documents[0].currentRow, 0);
  }

  void aDamagedSessionIsSetAsideAndReported() {
    const SessionStore store(qpath(dir_ / "damaged"));
    QDir().mkpath(store.folder());
    QFile file(store.sessionFile());
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("{\"format\": \"partedit-session\", \"documents\": [ {\"kind\": \"photo\", ");  // cut off
    file.close();
    const SessionLoad loaded = store.load();
    QVERIFY(loaded.session.documents.isEmpty());
    QVERIFY2(loaded.problem.contains(QStringLiteral("is damaged")), qPrintable(loaded.problem));
    QVERIFY(loaded.problem.contains(store.sessionFile()));
    QVERIFY(!QFile::exists(store.sessionFile()));
    QVERIFY(QFile::exists(store.folder() + QStringLiteral("/session-damaged.json")));
    // Not a session at all, and one from a newer PartEdit.
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("[1, 2, 3]");
    file.close();
    QVERIFY(store.load().problem.contains(QStringLiteral("not a PartEdit session")));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("{\"format\": \"partedit-session\", \"version\": 99, \"documents\": []}");
    file.close();
    QVERIFY(store.load().problem.contains(QStringLiteral("newer PartEdit")));
  }

  void aMissingImageLeavesItsEntryOut() {
    const SessionStore store(qpath(dir_ / "missing"));
    QCOMPARE(store.save(two_images(), 0), QString());
    QVERIFY(QFile::remove(store.folder() + QStringLiteral("/key4-result.png")));
    const SessionLoad loaded = store.load();
    QVERIFY2(loaded.problem.contains(QStringLiteral("1 result(s) of the saved session could not be read")),
             qPrintable(loaded.problem));
    QCOMPARE(loaded.session.documents.size(), 2);
    QCOMPARE(loaded.session.documents[1].entries.size(), 1);
    QCOMPARE(loaded.session.documents[1].currentRow, 0);
  }

  void noSessionIsAnEmptyOne() {
    const SessionLoad loaded = SessionStore(qpath(dir_ / "none")).load();
    QVERIFY(loaded.problem.isEmpty());
    QVERIFY(loaded.session.documents.isEmpty());
  }
};

PARTEDIT_TEST(TestSessionStore);
}  // namespace test_session_store
#include "test_session_store.moc"
