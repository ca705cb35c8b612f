#pragma once
// The part tokens panel: the installed tokens (name, base model, width, folder), the ones
// that cannot condition the loaded model shown disabled with the reason, and Import for
// token files (.safetensors, or the authors' .pt).
#include <QWidget>

#include "ui/worker/engine_types.h"

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
  // Double-click on a usable token: put "<name>" into the edit.
  void partChosen(const QString& partName);

 private:
  QTreeWidget* list_ = nullptr;
  QPushButton* import_ = nullptr;
};

}  // namespace partedit::ui
