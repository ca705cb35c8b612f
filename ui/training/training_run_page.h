#pragma once
// The wizard's last page: training and saving. Train starts a run on the engine worker;
// while it runs the page shows the stage, step k of N with the time left, the loss curve,
// the validation mIoU and the current map of a validation image. Cancel stops after the
// step in progress (a checkpoint is written), Resume continues from that checkpoint. Train
// when a run has finished or stopped asks first whether to continue it (the Steps setting's
// number of steps more, from its checkpoint) or to start over. A trained token is saved into
// the library under the part name.
#include <functional>

#include <QSet>
#include <QWizardPage>

#include "ui/worker/engine_types.h"

class QLabel;
class QLineEdit;
class QListWidget;
class QProgressBar;
class QPushButton;

namespace partedit::ui {

class EngineClient;
class LossCurve;

// Side in pixels of the held-out thumbnails the run page shows (the wizard renders them).
inline constexpr int kRunThumbnailSide = 64;

class TrainingRunPage : public QWizardPage {
  Q_OBJECT
 public:
  explicit TrainingRunPage(EngineClient* engine, QWidget* parent = nullptr);

  // What a run trains on, asked at every start (images, settings and checkpoint path).
  void setSettingsSource(std::function<TrainingSettings()> source) { source_ = std::move(source); }
  // The loaded model (folder empty: none loaded yet) and the one configured (empty: none).
  void setModel(const ModelInfo& loaded, const QString& configuredFolder);
  // Resume can continue a run stopped (or finished) at `step` of `ofSteps` (0: not known):
  // a reopened wizard says so instead of "Not started".
  void setCheckpointAvailable(bool available, int step = 0, int ofSteps = 0);
  // The training images with their masks, as shown under the curve.
  void setThumbnails(const QVector<QImage>& thumbnails, const QStringList& names);

  bool startTraining(bool resume = false);
  // Train's button: asks "continue or start over?" (a QMessageBox named trainAgainQuestion)
  // when a run finished or stopped before; else starts at once.
  void requestTraining();
  // The finished or stopped run trained on for the Steps setting's number of steps more.
  bool continueTraining();
  void cancelTraining();
  bool saveToken(bool overwrite = false);  // under the part name field's name
  void setPartName(const QString& name);

  bool isTraining() const { return activeId_ != 0 && training_; }
  bool hasTrainedToken() const { return trained_; }
  bool ownsRequest(quint64 id) const { return ids_.contains(id); }
  LossCurve* lossCurve() const { return curve_; }
  QString statusText() const;
  QString validationText() const;

 Q_SIGNALS:
  void trainingFinished(bool trained);  // a run ended: trained, cancelled or failed
  void checkpointWritten(const QString& path, int step, int ofSteps);
  void tokenSaved(const QString& partName, const QString& path);
  void errorReported(const QString& message);

 private:
  void connectWorker();
  void onProgress(const ProgressInfo& info);
  void onStep(const TrainingStepInfo& step);
  void showStep(int step, int total);
  void onValidation(const TrainingValidationInfo& validation);
  void onTrained(const TrainedTokenInfo& token);
  void onNameTaken(const QString& partName, const QString& existingPath);
  void onEnded();
  void showError(const QString& message);
  void updateButtons();
  bool hasRunToContinue() const { return trained_ || checkpoint_; }
  bool launch(bool resume, int steps);

  EngineClient* engine_ = nullptr;
  std::function<TrainingSettings()> source_;
  QSet<quint64> ids_;
  quint64 activeId_ = 0;
  bool training_ = false;       // the active request is a training run (not a save)
  bool modelConfigured_ = false;
  bool checkpoint_ = false;
  bool trained_ = false;
  bool cancelled_ = false;
  bool tokenSaved_ = false;  // the trained token is in the library
  int lastStep_ = 0;
  double remaining_ = 0;  // seconds left, from the last progress report
  int totalSteps_ = 0;
  QStringList thumbnailNames_;

  QLabel* model_ = nullptr;
  QPushButton* train_ = nullptr;
  QPushButton* cancel_ = nullptr;
  QPushButton* resume_ = nullptr;
  QLabel* stage_ = nullptr;
  QLabel* detail_ = nullptr;
  QProgressBar* bar_ = nullptr;
  LossCurve* curve_ = nullptr;
  QLabel* preview_ = nullptr;
  QLabel* previewCaption_ = nullptr;
  QLabel* validation_ = nullptr;
  QListWidget* thumbnails_ = nullptr;
  QLineEdit* partName_ = nullptr;
  QPushButton* save_ = nullptr;
  QLabel* saved_ = nullptr;
};

}  // namespace partedit::ui
