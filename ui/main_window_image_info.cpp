// MainWindow: File › Image Info (the parameters an image carries, and their reuse) and the
// size New from Prompt offers before a model is loaded.
#include <QFutureWatcher>

#include "ui/dialogs/image_info_dialog.h"
#include "ui/main_window.h"
#include "ui/panels/edit_panel.h"
#include "ui/settings/app_settings.h"
#include "ui/worker/folder_checks.h"

namespace partedit::ui {

void MainWindow::showImageInfo() {
  auto* dialog = findChild<ImageInfoDialog*>();
  if (!dialog) {
    dialog = new ImageInfoDialog(this);
    connect(dialog, &ImageInfoDialog::useForEditing, this,
            [this](const RestoredParameters& parameters) { editPanel_->restoreSettings(parameters); });
    connect(dialog, &ImageInfoDialog::newImageRequested, this, [this](const RestoredParameters& parameters) {
      const GenerateSettings settings = parameters.generation(GenerateSettings::defaults());
      showNewImageDialog(&settings);
    });
  }
  dialog->setEditingAvailable(document_.kind != Document::Kind::None);
  if (document_.kind == Document::Kind::Photo) dialog->showFile(document_.path);
  dialog->show();
  dialog->raise();
  dialog->activateWindow();
}

// The configured model's own size, read from its configs on a pool thread as soon as it is
// chosen, so New from Prompt offers 128 px for a 128-px model before anything is loaded.
void MainWindow::checkConfiguredModel(const EngineConfig& config) {
  configuredModelSide_ = 0;
  if (config.modelFolder.isEmpty()) return;
  FolderCheckRequest request;
  request.modelPath = config.modelFolder;
  request.modelConfigFolder = config.modelConfigFolder;
  auto* watcher = new QFutureWatcher<FolderCheckResult>(this);
  connect(watcher, &QFutureWatcher<FolderCheckResult>::finished, this, [this, watcher, folder = config.modelFolder] {
    if (AppSettings().engineConfig().modelFolder == folder) configuredModelSide_ = watcher->result().modelDefaultSize;
    watcher->deleteLater();
  });
  watcher->setFuture(checkFoldersInBackground(request));
}

int MainWindow::newImageSide() const {
  if (configuredModelSide_ > 0) return configuredModelSide_;
  return model_.defaultSize > 0 ? model_.defaultSize : 1024;
}

}  // namespace partedit::ui
