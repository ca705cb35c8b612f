#include "ui/training/training_run_page.h"

#include <algorithm>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QStyle>
#include <QVBoxLayout>

#include "ui/training/loss_curve.h"
#include "ui/training/training_previews.h"
#include "ui/widgets/run_status.h"
#include "ui/worker/engine_client.h"

namespace partedit::ui {

namespace {

constexpr int kPreviewSide = 200;
constexpr int kTrainingStage = 9;  // partedit::EngineStage::Training
constexpr int kPreparingStage = 8;

}  // namespace

TrainingRunPage::TrainingRunPage(EngineClient* engine, QWidget* parent) : QWizardPage(parent), engine_(engine) {
  setObjectName(QStringLiteral("runPage"));
  setTitle(tr("Train and save"));
  setSubTitle(tr("Training shows how well the token finds the part as it learns; save it when the "
                 "validation map covers the part."));

  model_ = new QLabel(this);
  model_->setObjectName(QStringLiteral("modelLine"));
  model_->setWordWrap(true);
  model_->setTextFormat(Qt::RichText);
  train_ = new QPushButton(tr("Train"), this);
  train_->setObjectName(QStringLiteral("train"));
  train_->setDefault(true);
  cancel_ = new QPushButton(tr("Cancel"), this);
  cancel_->setObjectName(QStringLiteral("cancelTraining"));
  cancel_->setToolTip(tr("Stop after the current step; a checkpoint keeps what was learnt"));
  resume_ = new QPushButton(tr("Resume"), this);
  resume_->setObjectName(QStringLiteral("resumeTraining"));
  resume_->setToolTip(tr("Continue the stopped run from its checkpoint (with the same images and settings)"));
  stage_ = new QLabel(tr("Not started."), this);
  stage_->setObjectName(QStringLiteral("trainingStage"));
  stage_->setWordWrap(true);
  stage_->setTextFormat(Qt::PlainText);
  auto* buttons = new QHBoxLayout;
  buttons->addWidget(train_);
  buttons->addWidget(cancel_);
  buttons->addWidget(resume_);
  buttons->addSpacing(12);
  buttons->addWidget(stage_, 1);
  bar_ = new QProgressBar(this);
  bar_->setObjectName(QStringLiteral("trainingProgress"));
  bar_->setRange(0, 1);
  bar_->setValue(0);
  bar_->setTextVisible(false);
  detail_ = new QLabel(this);
  detail_->setForegroundRole(QPalette::PlaceholderText);

  curve_ = new LossCurve(this);
  preview_ = new QLabel(this);
  preview_->setObjectName(QStringLiteral("validationPreview"));
  preview_->setFixedSize(kPreviewSide, kPreviewSide);
  preview_->setAlignment(Qt::AlignCenter);
  preview_->setFrameShape(QFrame::StyledPanel);
  preview_->setText(tr("The token's map of a\nvalidation image\nappears here."));
  preview_->setForegroundRole(QPalette::PlaceholderText);
  previewCaption_ = new QLabel(this);
  previewCaption_->setWordWrap(true);
  previewCaption_->setMaximumWidth(kPreviewSide);
  validation_ = new QLabel(this);
  validation_->setObjectName(QStringLiteral("validationMiou"));
  validation_->setWordWrap(true);
  validation_->setMaximumWidth(kPreviewSide);
  auto* validationBox = new QGroupBox(tr("Validation"), this);
  auto* validationColumn = new QVBoxLayout(validationBox);
  validationColumn->addWidget(validation_);
  validationColumn->addWidget(preview_);
  validationColumn->addWidget(previewCaption_);
  validationColumn->addStretch(1);
  auto* curveBox = new QGroupBox(tr("Loss"), this);
  (new QVBoxLayout(curveBox))->addWidget(curve_);
  auto* middle = new QHBoxLayout;
  middle->addWidget(curveBox, 1);
  middle->addWidget(validationBox);

  thumbnails_ = new QListWidget(this);
  thumbnails_->setObjectName(QStringLiteral("trainingThumbnails"));
  thumbnails_->setViewMode(QListView::IconMode);
  thumbnails_->setFlow(QListView::LeftToRight);
  thumbnails_->setWrapping(false);
  thumbnails_->setIconSize(QSize(kRunThumbnailSide, kRunThumbnailSide));
  // A fixed cell with room for two lines under the tile: "(held out)", added after training,
  // goes on its own line instead of widening the cell over its neighbour (an icon view does
  // not lay its cells out again when a text changes).
  const int cellWidth = std::max(kRunThumbnailSide + 36, fontMetrics().horizontalAdvance(tr("(held out)")) + 12);
  thumbnails_->setGridSize(QSize(cellWidth, kRunThumbnailSide + 2 * fontMetrics().lineSpacing() + 12));
  thumbnails_->setWordWrap(true);
  thumbnails_->setTextElideMode(Qt::ElideMiddle);
  thumbnails_->setFixedHeight(thumbnails_->gridSize().height() + 2 * thumbnails_->frameWidth() +
                              style()->pixelMetric(QStyle::PM_ScrollBarExtent) + 4);
  thumbnails_->setSelectionMode(QAbstractItemView::NoSelection);
  thumbnails_->setMovement(QListView::Static);
  thumbnails_->setFocusPolicy(Qt::NoFocus);
  thumbnails_->setToolTip(tr("The training images with their masks; after training, the held-out ones are marked"));

  partName_ = new QLineEdit(this);
  partName_->setObjectName(QStringLiteral("savePartName"));
  save_ = new QPushButton(tr("Save to Library"), this);
  save_->setObjectName(QStringLiteral("saveToken"));
  saved_ = new QLabel(this);
  saved_->setObjectName(QStringLiteral("savedText"));
  saved_->setWordWrap(true);
  saved_->setTextFormat(Qt::PlainText);
  auto* saveRow = new QHBoxLayout;
  saveRow->addWidget(new QLabel(tr("Part name:"), this));
  saveRow->addWidget(partName_);
  saveRow->addWidget(save_);
  saveRow->addWidget(saved_, 1);

  auto* layout = new QVBoxLayout(this);
  layout->addWidget(model_);
  layout->addLayout(buttons);
  layout->addWidget(bar_);
  layout->addWidget(detail_);
  layout->addLayout(middle, 1);
  layout->addWidget(thumbnails_);
  layout->addLayout(saveRow);

  connect(train_, &QPushButton::clicked, this, &TrainingRunPage::requestTraining);
  connect(resume_, &QPushButton::clicked, this, [this] { startTraining(true); });
  connect(cancel_, &QPushButton::clicked, this, &TrainingRunPage::cancelTraining);
  connect(save_, &QPushButton::clicked, this, [this] { saveToken(false); });
  connect(partName_, &QLineEdit::textChanged, this, &TrainingRunPage::updateButtons);
  connectWorker();
  updateButtons();
}

void TrainingRunPage::connectWorker() {
  EngineWorker* w = engine_->worker();
  // Queued onto this (GUI) thread; each only for this page's own requests.
  connect(w, &EngineWorker::progress, this, [this](quint64 id, const ProgressInfo& info) {
    if (id == activeId_) onProgress(info);
  });
  connect(w, &EngineWorker::message, this, [this](quint64 id, int kind, const QString& text) {
    if (id == activeId_ && kind == EngineWorker::Status) detail_->setText(text);
  });
  connect(w, &EngineWorker::trainingStep, this, [this](quint64 id, const TrainingStepInfo& s) {
    if (id == activeId_) onStep(s);
  });
  connect(w, &EngineWorker::trainingValidated, this, [this](quint64 id, const TrainingValidationInfo& v) {
    if (id == activeId_) onValidation(v);
  });
  connect(w, &EngineWorker::trainingCheckpoint, this, [this](quint64 id, const QString& path, int step) {
    if (id != activeId_) return;
    checkpoint_ = true;
    Q_EMIT checkpointWritten(path, step, totalSteps_);
  });
  connect(w, &EngineWorker::tokenTrained, this, [this](quint64 id, const TrainedTokenInfo& t) {
    if (id == activeId_) onTrained(t);
  });
  connect(w, &EngineWorker::tokenNameTaken, this, [this](quint64 id, const QString& name, const QString& path) {
    if (id == activeId_) onNameTaken(name, path);
  });
  connect(w, &EngineWorker::tokenSaved, this, [this](quint64 id, const QString& name, const QString& path) {
    if (id != activeId_) return;
    saved_->setText(tr("Saved to the library: type <%1> in the edit box.").arg(name));
    tokenSaved_ = true;
    Q_EMIT tokenSaved(name, path);
  });
  connect(w, &EngineWorker::cancelled, this, [this](quint64 id) {
    if (id == activeId_) cancelled_ = true;
  });
  connect(w, &EngineWorker::failed, this, [this](quint64 id, const QString& message) {
    if (id == activeId_) showError(message);
  });
  connect(w, &EngineWorker::finished, this, [this](quint64 id) {
    if (id == activeId_) onEnded();
  });
}

void TrainingRunPage::setModel(const ModelInfo& loaded, const QString& configuredFolder) {
  modelConfigured_ = !configuredFolder.isEmpty();
  if (!modelConfigured_)
    model_->setText(tr("<b>No model is set.</b> A part token is trained for one diffusion model: choose it in "
                       "File ▸ Preferences…, then train."));
  else if (!loaded.folder.isEmpty() && QDir(loaded.folder) == QDir(configuredFolder))
    model_->setText(tr("Model: %1 (%2, %3)")
                        .arg(loaded.name.toHtmlEscaped(), loaded.family.toHtmlEscaped(), loaded.compute.toHtmlEscaped()));
  else
    model_->setText(tr("Model: %1 — loaded when training starts.")
                        .arg(QFileInfo(configuredFolder).fileName().toHtmlEscaped()));
  updateButtons();
}

void TrainingRunPage::setCheckpointAvailable(bool available, int step, int ofSteps) {
  checkpoint_ = available;
  if (activeId_ == 0 && !trained_) {
    lastStep_ = available ? step : 0;
    totalSteps_ = available ? ofSteps : 0;
    if (!available)
      stage_->setText(tr("Not started."));
    else if (step <= 0 || ofSteps <= 0)
      stage_->setText(tr("A stopped run is kept at its checkpoint. Resume continues it."));
    else if (step < ofSteps)
      stage_->setText(tr("Stopped at step %1 of %2. Resume continues from the checkpoint.").arg(step).arg(ofSteps));
    else
      stage_->setText(tr("Trained %1 steps before. Resume brings the token back to save it; Train continues or "
                         "starts over.").arg(step));
    // The bar where the run stopped, as it stood when the wizard was closed.
    bar_->setRange(0, available && step > 0 && ofSteps > 0 ? ofSteps : 1);
    bar_->setValue(available && step > 0 && ofSteps > 0 ? std::min(step, ofSteps) : 0);
  }
  updateButtons();
}

void TrainingRunPage::setThumbnails(const QVector<QImage>& thumbnails, const QStringList& names) {
  thumbnails_->clear();
  thumbnailNames_ = names;
  for (int i = 0; i < thumbnails.size() && i < names.size(); ++i) {
    auto* item = new QListWidgetItem(QIcon(QPixmap::fromImage(thumbnails[i])), names[i]);
    item->setSizeHint(thumbnails_->gridSize() - QSize(4, 4));  // both lines' room, from the start
    thumbnails_->addItem(item);
  }
}

bool TrainingRunPage::startTraining(bool resume) { return launch(resume, 0); }

void TrainingRunPage::requestTraining() {
  if (activeId_ != 0 || !modelConfigured_ || !source_) return;
  if (!hasRunToContinue()) {
    startTraining(false);
    return;
  }
  const bool finished = trained_ || (totalSteps_ > 0 && lastStep_ >= totalSteps_);
  const int more = source_().steps;
  QString text;
  if (finished)
    text = tr("The token has been trained for %1 steps. Continue training it for %2 more steps (%3 in all), or "
              "start over from the beginning?")
               .arg(lastStep_)
               .arg(more)
               .arg(lastStep_ + more);
  else if (lastStep_ > 0 && totalSteps_ > 0)
    text = tr("The last run stopped at step %1 of %2. Continue it from there, or start over from the beginning?")
               .arg(lastStep_)
               .arg(totalSteps_);
  else
    text = tr("A stopped run is kept at its checkpoint. Continue it, or start over from the beginning?");
  if (trained_ && !tokenSaved_) text += QLatin1Char(' ') + tr("Starting over discards the trained token: it is not saved in the library.");
  auto* box = new QMessageBox(QMessageBox::Question, tr("Continue or start over?"), text, QMessageBox::NoButton, this);
  box->setObjectName(QStringLiteral("trainAgainQuestion"));
  QPushButton* continueButton = box->addButton(tr("Continue Training"), QMessageBox::AcceptRole);
  continueButton->setObjectName(QStringLiteral("continueTraining"));
  QPushButton* overButton = box->addButton(tr("Start Over"), QMessageBox::DestructiveRole);
  overButton->setObjectName(QStringLiteral("startOver"));
  box->addButton(QMessageBox::Cancel);
  box->setDefaultButton(continueButton);
  box->setAttribute(Qt::WA_DeleteOnClose);
  connect(box, &QMessageBox::buttonClicked, this, [this, continueButton, overButton](QAbstractButton* clicked) {
    if (clicked == continueButton) continueTraining();
    else if (clicked == overButton) startTraining(false);
  });
  box->open();
}

bool TrainingRunPage::continueTraining() {
  if (!hasRunToContinue() || !source_) return false;
  const bool finished = trained_ || (totalSteps_ > 0 && lastStep_ >= totalSteps_);
  const int setting = source_().steps;
  // A finished run gets the Steps setting's number of steps more; a stopped one runs on to the
  // setting (or that many more when it is already past it).
  const int steps = finished || lastStep_ >= setting ? lastStep_ + setting : setting;
  return launch(true, steps);
}

bool TrainingRunPage::launch(bool resume, int steps) {
  if (activeId_ != 0 || !modelConfigured_ || !source_) return false;
  TrainingSettings settings = source_();
  settings.resume = resume;
  if (steps > 0) settings.steps = steps;
  if (!resume) {
    curve_->clear();
    lastStep_ = 0;
    // Starting over: a stop before the new run's first checkpoint must not resume the old run.
    if (checkpoint_ && !settings.checkpointPath.isEmpty()) QFile::remove(settings.checkpointPath);
    checkpoint_ = false;
  }
  trained_ = false;  // the worker lets go of its trained token when a run starts
  tokenSaved_ = false;
  totalSteps_ = settings.steps;
  curve_->setTotalSteps(settings.steps);
  cancelled_ = false;
  saved_->clear();
  detail_->clear();
  if (partName_->text().isEmpty()) partName_->setText(settings.partName);
  stage_->setText(resume ? tr("Resuming…") : tr("Starting…"));
  bar_->setRange(0, 0);
  training_ = true;
  activeId_ = engine_->trainToken(settings);
  ids_.insert(activeId_);
  updateButtons();
  return true;
}

void TrainingRunPage::cancelTraining() {
  if (isTraining()) engine_->cancel(activeId_);
}

bool TrainingRunPage::saveToken(bool overwrite) {
  const QString name = partName_->text().trimmed();
  const QString problem = partNameProblem(name);
  if (!trained_ || activeId_ != 0) return false;
  if (!problem.isEmpty()) {
    showError(problem);
    return false;
  }
  training_ = false;
  activeId_ = engine_->saveTrainedToken(name, overwrite);
  ids_.insert(activeId_);
  saved_->setText(tr("Saving…"));
  updateButtons();
  return true;
}

void TrainingRunPage::setPartName(const QString& name) {
  if (!trained_) partName_->setText(name);
}

QString TrainingRunPage::statusText() const { return stage_->text(); }
QString TrainingRunPage::validationText() const { return validation_->text(); }

void TrainingRunPage::onProgress(const ProgressInfo& info) {
  if (info.stageId == kTrainingStage && info.total > 0) {
    remaining_ = info.remaining;
    showStep(std::max(info.step, lastStep_), info.total);
    return;
  }
  if (info.total > 0) {
    bar_->setRange(0, info.total);
    bar_->setValue(info.step);
    stage_->setText(tr("%1 — %2 of %3").arg(stageName(info.stageId)).arg(info.step).arg(info.total));
  } else {
    bar_->setRange(0, 0);
    stage_->setText(stageName(info.stageId) + QStringLiteral("…"));
  }
  if (info.stageId == kPreparingStage) detail_->setText(tr("The model looks at every image once; the steps are then fast."));
}

// The bar and "Step k of N" follow the step reports themselves, so they never lag the loss line.
void TrainingRunPage::showStep(int step, int total) {
  bar_->setRange(0, total);
  bar_->setValue(step);
  stage_->setText(step < total ? tr("Step %1 of %2 · %3 left").arg(step).arg(total).arg(formatSeconds(remaining_))
                               : tr("Step %1 of %2 · finishing").arg(step).arg(total));
}

void TrainingRunPage::onStep(const TrainingStepInfo& step) {
  lastStep_ = step.step;
  showStep(step.step, step.steps);
  curve_->setTotalSteps(step.steps);
  curve_->addLoss(step.step, step.loss);
  detail_->setText(tr("Loss %1 at step %2 · timestep %3 · learning rate %4")
                       .arg(step.loss, 0, 'f', 4)
                       .arg(step.step)
                       .arg(step.timestep)
                       .arg(step.learningRate, 0, 'g', 4));
}

void TrainingRunPage::onValidation(const TrainingValidationInfo& v) {
  curve_->addValidationLoss(v.point.step, v.point.loss);
  validation_->setText(v.onTrainingImages
                           ? tr("mIoU %1 at step %2, measured on the training images (add 3 or more images "
                                "to hold some out)")
                                 .arg(v.point.miou, 0, 'f', 2)
                                 .arg(v.point.step)
                           : tr("mIoU %1 on the held-out images at step %2").arg(v.point.miou, 0, 'f', 2).arg(v.point.step));
  if (!v.image.isNull()) {
    preview_->setPixmap(QPixmap::fromImage(
        validationPreview(v.image, v.map, v.paintedMask).scaled(preview_->contentsRect().size(), Qt::KeepAspectRatio, Qt::SmoothTransformation)));
    previewCaption_->setText(tr("%1: the token's map in colour, your mask outlined in white.").arg(v.imageName));
  }
}

void TrainingRunPage::onTrained(const TrainedTokenInfo& token) {
  trained_ = true;
  lastStep_ = token.steps;
  QVector<QPointF> validations;
  for (const TrainingValidationPoint& p : token.validations) validations.push_back({double(p.step), p.loss});
  curve_->setHistory(token.losses, validations);
  for (int i = 0; i < thumbnails_->count() && i < thumbnailNames_.size(); ++i)
    if (token.validationImages.contains(thumbnailNames_[i]))
      thumbnails_->item(i)->setText(thumbnailNames_[i] + QLatin1Char('\n') + tr("(held out)"));
  stage_->setText(tr("Trained %1 steps. Name the part and save it to the library.").arg(token.steps));
  if (partName_->text().isEmpty()) partName_->setText(token.partName);
}

void TrainingRunPage::onNameTaken(const QString& partName, const QString& existingPath) {
  saved_->clear();
  auto* box = new QMessageBox(QMessageBox::Question, tr("Replace the part token?"),
                              tr("The library already has a part token “%1” (%2). Replace it with the new one?")
                                  .arg(partName, existingPath),
                              QMessageBox::Yes | QMessageBox::No, this);
  box->setAttribute(Qt::WA_DeleteOnClose);
  connect(box, &QMessageBox::accepted, this, [this] { saveToken(true); });
  box->open();
}

void TrainingRunPage::onEnded() {
  const bool wasTraining = training_;
  activeId_ = 0;
  training_ = false;
  if (wasTraining) {
    if (cancelled_) {
      stage_->setText(checkpoint_ ? tr("Stopped at step %1 of %2. Resume continues from the checkpoint.")
                                        .arg(lastStep_)
                                        .arg(totalSteps_)
                                  : tr("Stopped before the first checkpoint."));
    }
    if (!trained_ || cancelled_) bar_->setRange(0, 1);
    Q_EMIT trainingFinished(trained_ && !cancelled_);
  }
  updateButtons();
}

void TrainingRunPage::showError(const QString& message) {
  if (training_) {
    stage_->setText(tr("Training failed: %1").arg(message));
    saved_->clear();
  } else {
    saved_->setText(tr("Not saved: %1").arg(message));
  }
  Q_EMIT errorReported(message);
}

void TrainingRunPage::updateButtons() {
  const bool busy = activeId_ != 0;
  train_->setEnabled(!busy && modelConfigured_);
  cancel_->setEnabled(isTraining());
  resume_->setEnabled(!busy && modelConfigured_ && checkpoint_ && !trained_);
  resume_->setVisible(checkpoint_ && !trained_);
  save_->setEnabled(!busy && trained_ && partNameProblem(partName_->text().trimmed()).isEmpty());
  partName_->setEnabled(trained_);
}

}  // namespace partedit::ui
