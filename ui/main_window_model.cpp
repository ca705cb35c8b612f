// MainWindow: the active model above the canvas, and switching between recent model folders.
#include <QFileInfo>
#include <QToolBar>

#include "ui/main_window.h"
#include "ui/settings/app_settings.h"
#include "ui/widgets/model_switcher.h"
#include "ui/widgets/status_line.h"
#include "ui/worker/engine_client.h"

namespace partedit::ui {

void MainWindow::createModelBar() {
  modelSwitcher_ = new ModelSwitcher(this);
  auto* bar = addToolBar(tr("Model"));
  bar->setObjectName(QStringLiteral("modelToolBar"));
  bar->addWidget(modelSwitcher_);
  connect(modelSwitcher_, &ModelSwitcher::modelChosen, this, &MainWindow::switchModel);
  // Another model is chosen where every folder is checked before it is used.
  connect(modelSwitcher_, &ModelSwitcher::chooseFolderRequested, this, &MainWindow::showPreferences);
  EngineWorker* worker = engine_->worker();
  connect(worker, &EngineWorker::modelLoaded, modelSwitcher_, &ModelSwitcher::setLoaded);
  connect(worker, &EngineWorker::modelLoadFailed, this, [this](const QString& folder, const QString& message) {
    if (folder != modelSwitcher_->currentFolder()) return;
    model_ = ModelInfo{};
    modelSwitcher_->setFailed(message);
    status_->logOnly(tr("The model in %1 could not be loaded: %2").arg(folder, message), NoteKind::Error);
  });
}

void MainWindow::switchModel(const QString& folder) {
  if (isRunning()) return;
  AppSettings settings;
  if (!QFileInfo::exists(folder)) {
    settings.removeRecentModel(folder);
    updateModelSwitcher();
    reportError(tr("The model is gone"), tr("%1 no longer exists; it was removed from the list.").arg(folder));
    return;
  }
  EngineConfig config = settings.engineConfig();
  config.modelFolder = folder;
  config.modelConfigFolder = settings.modelConfigFolderFor(folder);
  applyEngineConfig(config);
  status_->note(tr("Model: %1 (it loads with the next run)").arg(folder));
}

void MainWindow::updateModelSwitcher() {
  const AppSettings settings;
  const QString current = settings.engineConfig().modelFolder;
  modelSwitcher_->setModels(settings.recentModels(), current);
  if (!model_.name.isEmpty() && model_.folder == current) modelSwitcher_->setLoaded(model_);
}

}  // namespace partedit::ui
