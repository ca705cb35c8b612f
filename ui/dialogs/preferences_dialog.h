#pragma once
// Preferences: the model folders or single-file checkpoint, with an optional config folder
// for a file of an unknown shape (checked as they are chosen; a folder the loader would
// refuse is refused with its message), device and precision (CUDA only when available),
// the part-token folder, the inversion cache folder, its size limit and a Clear button.
// In first-run mode it explains what PartEdit needs and shows only the model folders. The
// checks run off the GUI thread (folder_checks.h): while one runs the fields say "Checking…"
// and OK waits for it.
#include <QDialog>

#include "ui/worker/engine_types.h"
#include "ui/worker/folder_checks.h"

template <typename T>
class QFutureWatcher;

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
  // The last check's findings; meaningful once isChecking() is false.
  QString modelProblem() const { return checked_.modelProblem; }
  QString captionProblem() const { return checked_.captionProblem; }
  bool isChecking() const { return checking_; }
  // The history kept between sessions (not part of the engine's configuration).
  void setSessionLimitBytes(qint64 bytes);
  qint64 sessionLimitBytes() const;

 Q_SIGNALS:
  void clearCacheRequested();
  void checked();  // a check of the fields as they are now has finished

 public Q_SLOTS:
  void accept() override;
  void showCacheCleared(int removed);

 private:
  // A line edit with a Browse… button for a folder; with `checkpointFile` also a File… button
  // for a single-file .safetensors checkpoint.
  QLineEdit* folderRow(const QString& placeholder, QWidget** row, bool checkpointFile = false);
  void recheck();  // checks the fields as they are now (after the running check, if any)
  void showCheck();
  FolderCheckRequest checkRequest() const;
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
  QDoubleSpinBox* sessionLimit_ = nullptr;
  QPushButton* clearCache_ = nullptr;
  QDialogButtonBox* buttons_ = nullptr;
  QFutureWatcher<FolderCheckResult>* watcher_ = nullptr;
  FolderCheckResult checked_;
  bool checking_ = false;
  bool recheckAfter_ = false;      // the fields changed while a check ran
  bool acceptWhenChecked_ = false; // OK was asked for while a check ran
  QString cacheNote_;              // "3 inversions removed", after Clear
};

}  // namespace partedit::ui
