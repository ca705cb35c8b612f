#include "ui/history/history_panel.h"

#include <QAction>
#include <QItemSelectionModel>
#include <QLabel>
#include <QListView>
#include <QPlainTextEdit>
#include <QSplitter>
#include <QStyledItemDelegate>
#include <QUndoStack>
#include <QVBoxLayout>

#include "ui/history/history_model.h"

namespace partedit::ui {

namespace {

// The thumbnails (QImage) drawn at the list's icon size: the delegate would draw an image at
// its own size (96 px), a row too tall to show more than one or two in a short dock.
class ThumbnailDelegate : public QStyledItemDelegate {
 public:
  using QStyledItemDelegate::QStyledItemDelegate;

 protected:
  void initStyleOption(QStyleOptionViewItem* option, const QModelIndex& index) const override {
    QStyledItemDelegate::initStyleOption(option, index);
    const QSize bound(kHistoryListIconSide, kHistoryListIconSide);
    if (option->decorationSize.width() > bound.width() || option->decorationSize.height() > bound.height())
      option->decorationSize = option->decorationSize.scaled(bound, Qt::KeepAspectRatio);
  }
};

}  // namespace

HistoryPanel::HistoryPanel(HistoryModel* model, QWidget* parent)
    : QWidget(parent), model_(model), list_(new QListView(this)), parameters_(new QPlainTextEdit(this)) {
  setObjectName(QStringLiteral("historyPanel"));
  list_->setObjectName(QStringLiteral("historyList"));
  list_->setModel(model_);
  list_->setViewMode(QListView::ListMode);
  // Smaller than the thumbnails are made: several rows fit in a short dock (1280 × 800).
  list_->setIconSize(QSize(kHistoryListIconSide, kHistoryListIconSide));
  list_->setUniformItemSizes(true);
  list_->setWordWrap(true);
  list_->setSelectionMode(QAbstractItemView::SingleSelection);
  list_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  list_->setSpacing(2);
  list_->setItemDelegate(new ThumbnailDelegate(list_));

  parameters_->setObjectName(QStringLiteral("historyParameters"));
  parameters_->setReadOnly(true);
  parameters_->setPlaceholderText(tr("The parameters of the selected result appear here."));
  parameters_->setLineWrapMode(QPlainTextEdit::WidgetWidth);

  auto* parametersBox = new QWidget(this);
  auto* parametersLayout = new QVBoxLayout(parametersBox);
  parametersLayout->setContentsMargins(0, 0, 0, 0);
  auto* parametersLabel = new QLabel(tr("Para&meters"), parametersBox);
  parametersLabel->setBuddy(parameters_);
  parametersLayout->addWidget(parametersLabel);
  parametersLayout->addWidget(parameters_);

  auto* splitter = new QSplitter(Qt::Vertical, this);
  splitter->setObjectName(QStringLiteral("historySplitter"));  // its state is restorable
  splitter->addWidget(list_);
  splitter->addWidget(parametersBox);
  splitter->setStretchFactor(0, 3);
  splitter->setStretchFactor(1, 1);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(splitter);

  undoAction_ = model_->undoStack()->createUndoAction(this, tr("&Undo"));
  undoAction_->setObjectName(QStringLiteral("undoAction"));
  // Set explicitly: Qt 6.4's createUndoAction/createRedoAction leave the shortcuts empty.
  undoAction_->setShortcuts(QKeySequence::Undo);
  redoAction_ = model_->undoStack()->createRedoAction(this, tr("&Redo"));
  redoAction_->setObjectName(QStringLiteral("redoAction"));
  redoAction_->setShortcuts(QKeySequence::Redo);

  // A click or arrow key selects a row; selecting navigates the history to it.
  connect(list_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
          [this](const QModelIndex& current) {
            if (current.isValid()) model_->setCurrentRow(current.row());
          });
  connect(model_, &HistoryModel::currentChanged, this, &HistoryPanel::showCurrent);
  connect(model_, &QAbstractItemModel::modelReset, this, [this] { showCurrent(model_->currentRow()); });
  showCurrent(model_->currentRow());
}

void HistoryPanel::showCurrent(int row) {
  const QModelIndex index = row >= 0 ? model_->index(row) : QModelIndex();
  if (list_->selectionModel()->currentIndex() != index) {
    // setCurrentRow(row) from the selection handler is a no-op here: row is already current.
    list_->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect);
  }
  if (index.isValid()) list_->scrollTo(index);
  parameters_->setPlainText(row >= 0 ? model_->entry(row).parameters : QString());
}

}  // namespace partedit::ui
