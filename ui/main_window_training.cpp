// MainWindow: the Train Part Token wizard.

#include "ui/main_window.h"
#include "ui/settings/app_settings.h"
#include "ui/training/training_project.h"
#include "ui/training/training_wizard.h"
#include "ui/widgets/status_line.h"

namespace partedit::ui {

TrainingWizard* MainWindow::showTrainingWizard(const QString& projectFolder) {
  if (!wizard_) {
    wizard_ = new TrainingWizard(engine_, this);
    QString folder = projectFolder.isEmpty() ? AppSettings().trainingProject() : projectFolder;
    if (folder.isEmpty()) folder = TrainingProject::defaultLocation(QString());
    const QString error = wizard_->openProject(folder);
    if (!error.isEmpty()) {
      // A damaged project is left for the artist to inspect; the wizard starts a fresh one.
      reportError(tr("The training project cannot be opened"), error);
      wizard_->openProject(TrainingProject::defaultLocation(QStringLiteral("part-new")));
    }
    connect(wizard_, &TrainingWizard::tokenSaved, this, [this](const QString& partName, const QString&) {
      status_->note(tr("The part token %1 is in the library: type <%1> in the edit box.").arg(partName));
    });
    updateWizardModel();
  } else if (!projectFolder.isEmpty() && projectFolder != wizard_->project().folder()) {
    const QString error = wizard_->openProject(projectFolder);
    if (!error.isEmpty()) reportError(tr("The training project cannot be opened"), error);
  }
  wizard_->show();
  wizard_->raise();
  wizard_->activateWindow();
  return wizard_;
}

TrainingWizard* MainWindow::trainingWizard() const { return wizard_; }

void MainWindow::updateWizardModel() {
  if (wizard_) wizard_->setModel(model_, AppSettings().engineConfig().modelFolder);
}

}  // namespace partedit::ui
