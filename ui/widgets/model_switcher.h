#pragma once
// The active model, always in view, and a quick switch between the model folders used before
// (A1111's checkpoint dropdown): "tiny-sdxl · SDXL · cpu fp32". Before the first run the model
// is not loaded yet (it loads with the first request) and says so; a failed load says so too,
// with the reason in the tooltip.
#include <QWidget>

#include "ui/worker/engine_types.h"

class QComboBox;
class QLabel;

namespace partedit::ui {

class ModelSwitcher : public QWidget {
  Q_OBJECT
 public:
  enum class State { NotSet, NotLoaded, Loading, Loaded, Failed };

  explicit ModelSwitcher(QWidget* parent = nullptr);
  // The folders to offer, most recent first; `current` is the configured one ("" = none).
  void setModels(const QStringList& folders, const QString& current);
  void setLoading();
  void setLoaded(const ModelInfo& info);
  void setFailed(const QString& reason);
  State state() const { return state_; }
  QString currentFolder() const { return current_; }
  QString text() const;  // what the box shows for the current model
  QComboBox* comboBox() const { return combo_; }

 Q_SIGNALS:
  void modelChosen(const QString& folder);  // another folder from the list
  void chooseFolderRequested();             // "Other Model Folder…"

 private:
  void showState();
  QComboBox* combo_ = nullptr;
  QString current_;
  State state_ = State::NotSet;
  ModelInfo loaded_;
  QString failure_;
  bool rebuilding_ = false;
};

}  // namespace partedit::ui
