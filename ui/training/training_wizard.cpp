#include "ui/training/training_wizard.h"

#include <QDir>
#include <QFileInfo>
#include <QMessageBox>

#include "ui/settings/app_settings.h"
#include "ui/training/label_mask_import.h"
#include "ui/training/training_images_page.h"
#include "ui/training/training_previews.h"
#include "ui/training/training_run_page.h"
#include "ui/training/training_settings_page.h"

namespace partedit::ui {

TrainingWizard::TrainingWizard(EngineClient* engine, QWidget* parent) : QWizard(parent), engine_(engine) {
  setObjectName(QStringLiteral("TrainingWizard"));
  setWindowTitle(tr("Train Part Token"));
  setWizardStyle(QWizard::ClassicStyle);
  setOption(QWizard::NoBackButtonOnStartPage);
  setOption(QWizard::NoDefaultButton);  // Return belongs to the fields and the Train button
  setButtonText(QWizard::CancelButton, tr("Close"));
  setButtonText(QWizard::FinishButton, tr("Close"));
  setOption(QWizard::NoCancelButtonOnLastPage);

  images_ = new TrainingImagesPage(&project_, this);
  settings_ = new TrainingSettingsPage(this);
  run_ = new TrainingRunPage(engine, this);
  setPage(ImagesPageId, images_);
  setPage(SettingsPageId, settings_);
  setPage(RunPageId, run_);
  run_->setSettingsSource([this] { return trainingSettings(); });
  resize(1120, 780);

  connect(settings_, &TrainingSettingsPage::settingsChanged, this, &TrainingWizard::storeSettings);
  connect(this, &QWizard::currentIdChanged, this, [this](int id) {
    if (id == SettingsPageId) {
      QVector<TrainingImage::HoldOut> choices;
      for (const TrainingImage& image : trainingSettings().images) choices.push_back(image.holdOut);
      settings_->setImageChoices(choices);
    }
    if (id == RunPageId) updateThumbnails();
  });
  connect(run_, &TrainingRunPage::checkpointWritten, this, [this](const QString& path, int step, int ofSteps) {
    reportProjectError(project_.setLastCheckpoint(path, step, ofSteps));
  });
  connect(run_, &TrainingRunPage::tokenSaved, this, &TrainingWizard::tokenSaved);
  connect(run_, &TrainingRunPage::errorReported, this, &TrainingWizard::errorReported);
}

QString TrainingWizard::openProject(const QString& folder) {
  TrainingProject opened(folder);
  if (TrainingProject::exists(folder)) {
    const QString error = opened.load(folder);
    if (!error.isEmpty()) return error;
  }
  project_ = opened;
  AppSettings().setTrainingProject(folder);
  images_->reload();
  restoring_ = true;
  TrainingSettings settings = TrainingSettingsPage::fromJson(project_.settings(), TrainingSettings::defaults());
  settings.partName = project_.partName();
  settings_->setSettings(settings);
  run_->setPartName(settings.partName);
  restoring_ = false;
  // The real state of a run left earlier: "Stopped at step N of M", not "Not started".
  const bool known = QDir(project_.folder()).filePath(QFileInfo(project_.lastCheckpoint()).fileName()) == checkpointPath();
  run_->setCheckpointAvailable(QFileInfo::exists(checkpointPath()), known ? project_.lastCheckpointStep() : 0,
                               known ? project_.lastCheckpointOf() : 0);
  return {};
}

QString TrainingWizard::checkpointPath() const {
  return QDir(project_.folder()).filePath(QStringLiteral("checkpoint.safetensors"));
}

void TrainingWizard::setModel(const ModelInfo& loaded, const QString& configuredFolder) {
  run_->setModel(loaded, configuredFolder);
}

bool TrainingWizard::ownsRequest(quint64 id) const { return run_->ownsRequest(id); }

TrainingSettings TrainingWizard::trainingSettings() const {
  TrainingSettings s = settings_->settings();
  for (int i = 0; i < project_.entryCount(); ++i) {
    TrainingImage image;
    image.imagePath = project_.entries()[i].imagePath;
    image.name = QFileInfo(image.imagePath).fileName();
    image.maskPath = project_.maskPath(i);
    const ValidationChoice choice = project_.entries()[i].validation;
    image.holdOut = choice == ValidationChoice::AlwaysValidation  ? TrainingImage::HoldOut::Always
                    : choice == ValidationChoice::NeverValidation ? TrainingImage::HoldOut::Never
                                                                  : TrainingImage::HoldOut::Automatic;
    s.images.push_back(image);
  }
  s.checkpointPath = checkpointPath();
  return s;
}

void TrainingWizard::storeSettings() {
  if (restoring_) return;
  const TrainingSettings s = settings_->settings();
  reportProjectError(project_.setSettings(TrainingSettingsPage::toJson(s)));
  if (s.partName != project_.partName()) reportProjectError(project_.setPartName(s.partName));
  run_->setPartName(s.partName);
}

void TrainingWizard::updateThumbnails() {
  QVector<QImage> thumbnails;
  QStringList names;
  for (const TrainingImage& image : trainingSettings().images) {
    const int index = project_.indexOfImage(image.imagePath);
    QString error;  // an unreadable image shows as an empty tile; the images page says why
    thumbnails.push_back(maskedThumbnail(readImageFile(image.imagePath, &error), project_.loadMask(index), kRunThumbnailSide));
    names << image.name;
  }
  run_->setThumbnails(thumbnails, names);
}

void TrainingWizard::reportProjectError(const QString& error) {
  if (error.isEmpty()) return;
  Q_EMIT errorReported(error);
  auto* box = new QMessageBox(QMessageBox::Warning, tr("Training project"), error, QMessageBox::Ok, this);
  box->setAttribute(Qt::WA_DeleteOnClose);
  box->open();
}

void TrainingWizard::done(int result) {
  // The run stops at a checkpoint: Resume continues it when the wizard is opened again.
  if (run_->isTraining()) run_->cancelTraining();
  QWizard::done(result);
}

}  // namespace partedit::ui
