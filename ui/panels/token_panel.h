#pragma once
// The part tokens panel: the installed tokens (name, base model, width, folder), the ones
// that cannot condition the loaded model shown disabled with the reason, and Import for
// token files (.safetensors, or the authors' .pt); Rename, Delete (tokens of the user's
// folder) and Show in Folder; with no tokens, where they come from.
#include <QWidget>

#include "ui/worker/engine_types.h"

class QLabel;
class QPushButton;
class QTreeWidget;

namespace partedit::ui {

class TokenPanel : public QWidget {
  Q_OBJECT
 public:
  explicit TokenPanel(QWidget* parent = nullptr);
  void setTokens(const QVector<TokenInfo>& tokens);
  QTreeWidget* list() const { return list_; }

 Q_SIGNALS:
  void importRequested(const QString& file);
  void renameRequested(const QString& partName, const QString& newName);
  void deleteRequested(const QString& partName);  // asked and confirmed
  // Double-click on a usable token: put "<name>" into the edit.
  void partChosen(const QString& partName);

 private:
  QTreeWidget* list_ = nullptr;
  void updateButtons();
  void renameCurrent();
  void deleteCurrent();
  QPushButton* import_ = nullptr;
  QPushButton* rename_ = nullptr;
  QPushButton* delete_ = nullptr;
  QPushButton* showFolder_ = nullptr;
  QLabel* empty_ = nullptr;
};

}  // namespace partedit::ui
