#pragma once
#include <QWidget>

class QAction;
class QListView;
class QPlainTextEdit;

namespace partedit::ui {

class HistoryModel;

// The history dock's content: the results as a list with thumbnails, and the selected (=
// current) entry's parameters as read-only, copyable text. Clicking a row makes it current
// through HistoryModel::setCurrentRow (undo/redo up to it).
class HistoryPanel : public QWidget {
  Q_OBJECT
 public:
  explicit HistoryPanel(HistoryModel* model, QWidget* parent = nullptr);

  // Edit › Undo / Redo, with QKeySequence::Undo / Redo and the entry's title in their text.
  // Owned by the panel; add them to the main window's menu and toolbar.
  QAction* undoAction() const { return undoAction_; }
  QAction* redoAction() const { return redoAction_; }
  QListView* listView() const { return list_; }
  QPlainTextEdit* parametersView() const { return parameters_; }

 private:
  void showCurrent(int row);

  HistoryModel* model_;
  QListView* list_;
  QPlainTextEdit* parameters_;
  QAction* undoAction_;
  QAction* redoAction_;
};

}  // namespace partedit::ui
