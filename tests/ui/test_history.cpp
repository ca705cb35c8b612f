// The edit history: push, undo, redo, the redo tail dropped by a new result, navigation by
// selecting a row, the model's rows and roles, thumbnails, signals and the undo actions.
#include <QtTest>

#include <QAction>
#include <QListView>
#include <QPlainTextEdit>
#include <QUndoStack>

#include "support/test_registry.h"
#include "ui/history/history_model.h"
#include "ui/history/image_document.h"
#include "ui/history/history_panel.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_history {

using partedit::ui::HistoryEntry;
using partedit::ui::HistoryModel;
using partedit::ui::HistoryPanel;

namespace {
HistoryEntry makeEntry(const QString& title, QSize size = QSize(64, 48), QColor colour = Qt::red) {
  HistoryEntry entry;
  entry.result = QImage(size, QImage::Format_RGB32);
  entry.result.fill(colour);
  entry.before = QImage(size, QImage::Format_RGB32);
  entry.before.fill(Qt::gray);
  entry.title = title;
  entry.parameters = QStringLiteral("%1\nSteps: 10, Seed: 1").arg(title);
  entry.settings.insert(QStringLiteral("t_e"), 7);
  return entry;
}

QStringList titles(const HistoryModel& model) {
  QStringList out;
  for (int row = 0; row < model.rowCount(); ++row) out << model.data(model.index(row)).toString();
  return out;
}
}  // namespace

class TestHistory : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void startsEmpty() {
    HistoryModel model;
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(model.currentRow(), -1);
    QVERIFY(model.currentEntry() == nullptr);
    QVERIFY(!model.undoStack()->canUndo());
  }

  void pushMakesCurrentAndUndoable() {
    HistoryModel model;
    QSignalSpy current(&model, &HistoryModel::currentChanged);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    model.pushResult(makeEntry(QStringLiteral("with a robotic <head>")));
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.currentRow(), 0);
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(current.count(), 1);
    QCOMPARE(current.at(0).at(0).toInt(), 0);
    QVERIFY(model.currentEntry());
    QCOMPARE(model.currentEntry()->settings.value(QStringLiteral("t_e")).toInt(), 7);
    QVERIFY(model.currentEntry()->createdAt.isValid());
    QVERIFY(model.undoStack()->canUndo());
    QCOMPARE(model.undoStack()->undoText(), QStringLiteral("with a robotic <head>"));
  }

  void undoAndRedoMoveTheCurrentEntry() {
    HistoryModel model;
    model.pushResult(makeEntry(QStringLiteral("A")));
    model.pushResult(makeEntry(QStringLiteral("B")));
    model.pushResult(makeEntry(QStringLiteral("C")));
    QSignalSpy current(&model, &HistoryModel::currentChanged);
    model.undoStack()->undo();
    QCOMPARE(model.currentRow(), 1);
    QCOMPARE(model.currentEntry()->title, QStringLiteral("B"));
    model.undoStack()->undo();
    model.undoStack()->undo();
    QCOMPARE(model.currentRow(), -1);  // everything undone: the owner shows the source
    QVERIFY(model.currentEntry() == nullptr);
    QCOMPARE(model.rowCount(), 3);  // undone entries stay listed for redo
    QVERIFY(model.data(model.index(0), HistoryModel::IsUndoneRole).toBool());
    model.undoStack()->redo();
    model.undoStack()->redo();
    QCOMPARE(model.currentEntry()->title, QStringLiteral("B"));
    QCOMPARE(current.count(), 5);
    QList<int> rows;
    for (const auto& args : current) rows << args.at(0).toInt();
    QCOMPARE(rows, (QList<int>{1, 0, -1, 0, 1}));
  }

  void newResultAfterUndoDropsTheRedoTail() {
    HistoryModel model;
    for (const char* title : {"A", "B", "C", "D"}) model.pushResult(makeEntry(QString::fromLatin1(title)));
    model.undoStack()->undo();
    model.undoStack()->undo();  // current: B; C and D are the redo tail
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    model.pushResult(makeEntry(QStringLiteral("E")));
    QCOMPARE(removed.count(), 1);
    QCOMPARE(removed.at(0).at(1).toInt(), 2);
    QCOMPARE(removed.at(0).at(2).toInt(), 3);
    QCOMPARE(titles(model), (QStringList{"A", "B", "E"}));
    QCOMPARE(model.currentRow(), 2);
    QVERIFY(!model.undoStack()->canRedo());
    QCOMPARE(model.undoStack()->count(), 3);
    model.undoStack()->undo();
    QCOMPARE(model.currentEntry()->title, QStringLiteral("B"));
  }

  void pushAfterUndoingEverythingReplacesAll() {
    HistoryModel model;
    model.pushResult(makeEntry(QStringLiteral("A")));
    model.undoStack()->undo();
    model.pushResult(makeEntry(QStringLiteral("B")));
    QCOMPARE(titles(model), QStringList{QStringLiteral("B")});
    QCOMPARE(model.currentRow(), 0);
  }

  void setCurrentRowNavigatesTheStack() {
    HistoryModel model;
    for (const char* title : {"A", "B", "C"}) model.pushResult(makeEntry(QString::fromLatin1(title)));
    model.setCurrentRow(0);
    QCOMPARE(model.currentRow(), 0);
    QCOMPARE(model.undoStack()->index(), 1);
    QVERIFY(model.undoStack()->canRedo());
    model.setCurrentRow(2);
    QCOMPARE(model.currentRow(), 2);
    model.setCurrentRow(7);  // out of range: ignored
    QCOMPARE(model.currentRow(), 2);
  }

  void rolesAndThumbnails() {
    HistoryModel model;
    model.pushResult(makeEntry(QStringLiteral("wide"), QSize(400, 200)));
    model.pushResult(makeEntry(QStringLiteral("tall"), QSize(30, 60)));
    HistoryEntry untitled = makeEntry(QString());
    model.pushResult(untitled);
    const QModelIndex wide = model.index(0);
    QCOMPARE(model.data(wide, Qt::DisplayRole).toString(), QStringLiteral("wide"));
    QCOMPARE(model.data(wide, Qt::ToolTipRole).toString(), QStringLiteral("wide\nSteps: 10, Seed: 1"));
    const QImage wideThumb = model.data(wide, Qt::DecorationRole).value<QImage>();
    QCOMPARE(wideThumb.size(), QSize(96, 48));
    QCOMPARE(wideThumb.pixelColor(48, 24), QColor(Qt::red));
    // Small images are enlarged so every row has the same height.
    QCOMPARE(model.data(model.index(1), Qt::DecorationRole).value<QImage>().size(), QSize(48, 96));
    QCOMPARE(model.data(model.index(2), Qt::DisplayRole).toString(), QStringLiteral("Result 3"));
    QVERIFY(model.data(model.index(2), Qt::FontRole).value<QFont>().bold());  // the current row
    QVERIFY(!model.data(model.index(0), Qt::FontRole).isValid());
    QVERIFY(model.data(model.index(0), HistoryModel::CreatedAtRole).toDateTime().isValid());
    QVERIFY(!model.data(model.index(3), Qt::DisplayRole).isValid());
  }

  void thumbnailIsMadeOnceAndKeptWhenGiven() {
    HistoryModel model;
    HistoryEntry entry = makeEntry(QStringLiteral("own thumb"));
    entry.thumbnail = QImage(10, 10, QImage::Format_RGB32);
    entry.thumbnail.fill(Qt::blue);
    model.pushResult(entry);
    QCOMPARE(model.entry(0).thumbnail.size(), QSize(10, 10));
  }

  void undoneRowsAreGreyedAndSignalled() {
    HistoryModel model;
    model.pushResult(makeEntry(QStringLiteral("A")));
    model.pushResult(makeEntry(QStringLiteral("B")));
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.undoStack()->undo();
    QCOMPARE(changed.count(), 1);
    QVERIFY(model.data(model.index(1), Qt::ForegroundRole).isValid());
    QVERIFY(!model.data(model.index(0), Qt::ForegroundRole).isValid());
  }

  void clearForgetsEverything() {
    HistoryModel model;
    model.pushResult(makeEntry(QStringLiteral("A")));
    QSignalSpy current(&model, &HistoryModel::currentChanged);
    model.clear();
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(model.currentRow(), -1);
    QCOMPARE(current.count(), 1);
    QVERIFY(!model.undoStack()->canUndo());
    model.pushResult(makeEntry(QStringLiteral("B")));
    QCOMPARE(model.currentRow(), 0);
  }

  void oldestEntryIsForgottenBeyondTheLimit() {
    HistoryModel model(nullptr, 3);
    QSignalSpy current(&model, &HistoryModel::currentChanged);
    QSignalSpy dropped(&model, &HistoryModel::oldestDropped);
    for (const char* title : {"A", "B", "C", "D"}) model.pushResult(makeEntry(QString::fromLatin1(title)));
    QCOMPARE(titles(model), (QStringList{"B", "C", "D"}));
    // Said, not silent: the window tells the artist which entry went.
    QCOMPARE(dropped.count(), 1);
    QCOMPARE(dropped.first().first().toString(), QStringLiteral("A"));
    // An image in another tab drops its oldest the same way, and says which.
    partedit::ui::ImageDocument document;
    for (const char* title : {"A", "B", "C"}) QVERIFY(!document.appendResult(makeEntry(QString::fromLatin1(title)), 3));
    QCOMPARE(document.appendResult(makeEntry(QStringLiteral("D")), 3).value_or(QString()), QStringLiteral("A"));
    QCOMPARE(document.entries.size(), 3);
    QCOMPARE(model.currentRow(), 2);
    QCOMPARE(current.last().at(0).toInt(), 2);
    QCOMPARE(model.undoStack()->count(), 3);
    model.undoStack()->undo();
    QCOMPARE(model.currentEntry()->title, QStringLiteral("C"));
    model.undoStack()->undo();
    model.undoStack()->undo();
    QCOMPARE(model.currentRow(), -1);
    QVERIFY(!model.undoStack()->canUndo());  // A is gone for good
    QCOMPARE(HistoryModel().maximumEntries(), HistoryModel::kDefaultMaximumEntries);
  }

  void panelActionsHaveStandardShortcuts() {
    HistoryModel model;
    HistoryPanel panel(&model);
    QCOMPARE(panel.undoAction()->shortcuts(), QKeySequence::keyBindings(QKeySequence::Undo));
    QCOMPARE(panel.redoAction()->shortcuts(), QKeySequence::keyBindings(QKeySequence::Redo));
    QVERIFY(!panel.undoAction()->isEnabled());
    model.pushResult(makeEntry(QStringLiteral("with a hat <head>")));
    QVERIFY(panel.undoAction()->isEnabled());
    QVERIFY2(panel.undoAction()->text().contains(QStringLiteral("with a hat <head>")),
             qPrintable(panel.undoAction()->text()));
    panel.undoAction()->trigger();
    QCOMPARE(model.currentRow(), -1);
    QVERIFY(panel.redoAction()->isEnabled());
    panel.redoAction()->trigger();
    QCOMPARE(model.currentRow(), 0);
  }

  void panelFollowsAndDrivesTheCurrentEntry() {
    HistoryModel model;
    HistoryPanel panel(&model);
    panel.resize(260, 500);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    for (const char* title : {"A", "B", "C"}) model.pushResult(makeEntry(QString::fromLatin1(title)));
    QCOMPARE(panel.listView()->currentIndex().row(), 2);
    QVERIFY(panel.parametersView()->toPlainText().startsWith(QStringLiteral("C\n")));
    QVERIFY(panel.parametersView()->isReadOnly());
    model.undoStack()->undo();
    QCOMPARE(panel.listView()->currentIndex().row(), 1);
    QVERIFY(panel.parametersView()->toPlainText().startsWith(QStringLiteral("B\n")));
    // A click on the first row makes it current (undo up to it).
    const QRect firstRow = panel.listView()->visualRect(model.index(0));
    QTest::mouseClick(panel.listView()->viewport(), Qt::LeftButton, Qt::NoModifier, firstRow.center());
    QCOMPARE(model.currentRow(), 0);
    QVERIFY(panel.parametersView()->toPlainText().startsWith(QStringLiteral("A\n")));
    QCOMPARE(model.rowCount(), 3);
    // Redo after the click goes forward from the clicked entry.
    model.undoStack()->redo();
    QCOMPARE(model.currentRow(), 1);
    model.undoStack()->undo();
    model.undoStack()->undo();
    QCOMPARE(model.currentRow(), -1);
    QVERIFY(!panel.listView()->currentIndex().isValid());
    QVERIFY(panel.parametersView()->toPlainText().isEmpty());
    if (const QString dir = qEnvironmentVariable("PARTEDIT_SCREENSHOT_DIR"); !dir.isEmpty()) {
      model.setCurrentRow(1);
      panel.grab().save(dir + QStringLiteral("/history-panel.png"));
    }
  }
};

PARTEDIT_TEST(TestHistory);
}  // namespace test_history
#include "test_history.moc"
