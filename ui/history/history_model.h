#pragma once
#include <QAbstractListModel>
#include <QVector>

#include "ui/history/history_entry.h"

class QUndoStack;

namespace partedit::ui {

// The edit history: one row per result, in order, and a QUndoStack whose index *is* the
// current entry (current row = stack index - 1). Undo moves back one entry, redo forward;
// undone entries stay listed (greyed) until a new result drops them, as editors do.
// Selecting a row navigates the stack (undo/redo up to it) instead of pushing a command,
// like Photoshop's history panel: the stack stays the single record of what is current, and
// Ctrl+Z after a click goes to the entry before the clicked one.
class HistoryModel : public QAbstractListModel {
  Q_OBJECT
 public:
  enum Role {
    CreatedAtRole = Qt::UserRole + 1,  // QDateTime
    IsUndoneRole,                      // bool: after the current entry (redo brings it back)
  };

  // Like Photoshop's 50 states: each entry keeps full images, so the oldest is forgotten
  // (no longer undoable) when a push would exceed the limit; 0 keeps everything.
  static constexpr int kDefaultMaximumEntries = 50;

  explicit HistoryModel(QObject* parent = nullptr, int maximumEntries = kDefaultMaximumEntries);
  ~HistoryModel() override;

  int rowCount(const QModelIndex& parent = QModelIndex()) const override;
  // DisplayRole = title, DecorationRole = thumbnail (QImage), ToolTipRole = parameters.
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

  // Adds a result after the current entry as one undoable step and makes it current; any
  // undone entries after the current one are dropped first. Fills thumbnail and createdAt.
  void pushResult(HistoryEntry entry);
  // Makes `row` current by undoing or redoing up to it (-1: everything undone).
  void setCurrentRow(int row);
  // A new document: forgets every entry and the undo stack.
  void clear();
  // Switching images: every entry, and which one is current, to put back later with
  // restore(). Restore replaces the entries (the oldest dropped beyond the limit), rebuilds
  // the undo stack and emits currentChanged once.
  QVector<HistoryEntry> entries() const { return entries_; }
  void restore(QVector<HistoryEntry> entries, int currentRow);

  int count() const { return entries_.size(); }
  int maximumEntries() const { return maximumEntries_; }
  int currentRow() const { return currentRow_; }      // -1 when empty or all undone
  const HistoryEntry& entry(int row) const { return entries_.at(row); }
  const HistoryEntry* currentEntry() const;            // nullptr when currentRow() == -1
  QUndoStack* undoStack() const { return undoStack_; }  // for undo/redo actions

 Q_SIGNALS:
  void currentChanged(int row);  // after push, undo, redo, navigation or clear
  void oldestDropped(const QString& title);  // a push went past the limit: that entry is gone

 private:
  void followUndoIndex(int undoIndex);

  QVector<HistoryEntry> entries_;
  QUndoStack* undoStack_ = nullptr;
  int currentRow_ = -1;
  int maximumEntries_;
  bool restoring_ = false;  // the stack's index follows the rebuild, not the other way round
};

}  // namespace partedit::ui
