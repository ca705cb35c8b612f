#include "ui/history/history_model.h"

#include <QColor>
#include <QFont>
#include <QUndoCommand>
#include <QUndoStack>
#include <QUuid>

#include <algorithm>

namespace partedit::ui {

namespace {

// The state is the stack's index (the model follows indexChanged), so the command itself
// only carries the text of the Undo/Redo actions ("Undo with a robotic <head>").
class HistoryEntryCommand : public QUndoCommand {
 public:
  explicit HistoryEntryCommand(const QString& text) { setText(text); }
  void undo() override {}
  void redo() override {}
};

}  // namespace

HistoryModel::HistoryModel(QObject* parent, int maximumEntries)
    : QAbstractListModel(parent), undoStack_(new QUndoStack(this)), maximumEntries_(std::max(0, maximumEntries)) {
  // The stack drops its oldest command on the push that exceeds the limit; pushResult drops
  // the oldest row just before, so rows and commands stay aligned.
  undoStack_->setUndoLimit(maximumEntries_);
  connect(undoStack_, &QUndoStack::indexChanged, this, &HistoryModel::followUndoIndex);
}

HistoryModel::~HistoryModel() = default;

int HistoryModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : entries_.size(); }

QVariant HistoryModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= entries_.size()) return {};
  const HistoryEntry& entry = entries_.at(index.row());
  const bool undone = index.row() > currentRow_;
  switch (role) {
    case Qt::DisplayRole:
      return entry.title.isEmpty() ? tr("Result %1").arg(index.row() + 1) : entry.title;
    case Qt::DecorationRole:
      return entry.thumbnail;
    case Qt::ToolTipRole:
      return entry.parameters;
    case Qt::ForegroundRole:
      if (undone) return QColor(128, 128, 128);
      return {};
    case Qt::FontRole: {
      if (index.row() != currentRow_) return {};
      QFont font;
      font.setBold(true);
      return font;
    }
    case CreatedAtRole:
      return entry.createdAt;
    case IsUndoneRole:
      return undone;
    default:
      return {};
  }
}

void HistoryModel::pushResult(HistoryEntry entry) {
  const int keep = undoStack_->index();  // rows from here on are the undone tail
  if (keep < entries_.size()) {
    beginRemoveRows(QModelIndex(), keep, entries_.size() - 1);
    entries_.resize(keep);
    endRemoveRows();
  }
  QString dropped;
  if (maximumEntries_ > 0 && entries_.size() >= maximumEntries_) {
    beginRemoveRows(QModelIndex(), 0, 0);
    dropped = entries_.constFirst().title;
    entries_.removeFirst();
    --currentRow_;  // the same entry, one row up; the push below makes the new one current
    endRemoveRows();
    Q_EMIT oldestDropped(dropped);
  }
  if (entry.thumbnail.isNull()) entry.thumbnail = makeHistoryThumbnail(entry.result);
  if (!entry.createdAt.isValid()) entry.createdAt = QDateTime::currentDateTime();
  if (entry.storageKey.isEmpty()) entry.storageKey = QUuid::createUuid().toString(QUuid::Id128);
  const QString title = entry.title.isEmpty() ? tr("Result %1").arg(entries_.size() + 1) : entry.title;
  const int row = entries_.size();
  beginInsertRows(QModelIndex(), row, row);
  entries_.append(std::move(entry));
  endInsertRows();
  // QUndoStack drops its own redo commands here, matching the rows removed above.
  undoStack_->push(new HistoryEntryCommand(title));
}

void HistoryModel::setCurrentRow(int row) {
  if (row < -1 || row >= entries_.size()) return;
  undoStack_->setIndex(row + 1);
}

void HistoryModel::clear() {
  beginResetModel();
  entries_.clear();
  currentRow_ = -1;
  endResetModel();
  undoStack_->clear();  // its indexChanged(0) finds currentRow_ already -1
  Q_EMIT currentChanged(-1);
}

void HistoryModel::restore(QVector<HistoryEntry> entries, int currentRow) {
  const int excess = maximumEntries_ > 0 ? std::max(0, int(entries.size()) - maximumEntries_) : 0;
  entries.erase(entries.begin(), entries.begin() + excess);
  currentRow = std::clamp(currentRow - excess, entries.isEmpty() ? -1 : 0, int(entries.size()) - 1);
  beginResetModel();
  restoring_ = true;
  undoStack_->clear();
  for (HistoryEntry& entry : entries) {
    if (entry.thumbnail.isNull()) entry.thumbnail = makeHistoryThumbnail(entry.result);
    if (!entry.createdAt.isValid()) entry.createdAt = QDateTime::currentDateTime();
    if (entry.storageKey.isEmpty()) entry.storageKey = QUuid::createUuid().toString(QUuid::Id128);
    undoStack_->push(new HistoryEntryCommand(entry.title.isEmpty() ? tr("Result") : entry.title));
  }
  undoStack_->setIndex(currentRow + 1);
  entries_ = std::move(entries);
  currentRow_ = currentRow;
  restoring_ = false;
  endResetModel();
  Q_EMIT currentChanged(currentRow_);
}

const HistoryEntry* HistoryModel::currentEntry() const {
  return currentRow_ >= 0 && currentRow_ < entries_.size() ? &entries_.at(currentRow_) : nullptr;
}

void HistoryModel::followUndoIndex(int undoIndex) {
  const int row = undoIndex - 1;
  if (restoring_ || row == currentRow_) return;
  currentRow_ = row;
  // Greying and the bold current row change for every row between old and new current.
  if (!entries_.isEmpty()) Q_EMIT dataChanged(index(0), index(entries_.size() - 1), {Qt::ForegroundRole, Qt::FontRole, IsUndoneRole});
  Q_EMIT currentChanged(currentRow_);
}

}  // namespace partedit::ui
