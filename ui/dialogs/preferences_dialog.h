#pragma once
// Preferences: the model folders or single-file checkpoint, with an optional config folder
// for a file of an unknown shape (checked as they are chosen; a folder the loader would
// refuse is refused with its message), device and precision (CUDA only when available),
// the part-token folder, the inversion cache folder, its size limit and a Clear button.
// In first-run mode it explains what PartEdit needs and shows only the model folders.
#include <functional>

#include <QDialog>

#include "ui/worker/engine_types.h"

class QComboBox;
class QDialogButtonBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace partedit::ui {

class PreferencesDialog : public QDialog {
  Q_OBJECT
 public:
  enum class Mode { Preferences, FirstRun };
  explicit PreferencesDialog(const EngineConfig& config, Mode mode = Mode::Preferences, QWidget* parent = nullptr);

  EngineConfig config() const;
  // Sets a folder as if chosen with Browse (tests, drag and drop).
  void setModelFolder(const QString& folder);  // a folder or a single-file checkpoint
  void setModelConfigFolder(const QString& folder);
  void setCaptionFolder(const QString& folder);
  QString modelProblem() const { return modelProblem_; }
  QString captionProblem() const { return captionProblem_; }

 Q_SIGNALS:
  void clearCacheRequested();

 public Q_SLOTS:
  void accept() override;
  void showCacheCleared(int removed);

 private:
  // A line edit with a Browse… button for a folder; with `checkpointFile` also a File… button
  // for a single-file .safetensors checkpoint.
  QLineEdit* folderRow(const QString& placeholder, QWidget** row, bool checkpointFile = false);
  void recheck();
  void updateCacheUsage();
  Mode mode_;
  EngineConfig initial_;
  QLineEdit* model_ = nullptr;
  QLabel* modelStatus_ = nullptr;
  QLineEdit* modelConfig_ = nullptr;
  QWidget* modelConfigRow_ = nullptr;
  QLineEdit* caption_ = nullptr;
  QLabel* captionStatus_ = nullptr;
  QComboBox* device_ = nullptr;
  QComboBox* dtype_ = nullptr;
  QLineEdit* tokens_ = nullptr;
  QLineEdit* cache_ = nullptr;
  QDoubleSpinBox* cacheLimit_ = nullptr;
  QLabel* cacheUsage_ = nullptr;
  QPushButton* clearCache_ = nullptr;
  QDialogButtonBox* buttons_ = nullptr;
  QString modelProblem_, captionProblem_;
};

}  // namespace partedit::ui
