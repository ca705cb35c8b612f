#pragma once
// Tools ▸ Train Part Token…: a wizard that turns a few images with painted part masks into
// a part token in the library. Three pages: images and masks, part name and settings,
// training and saving. Everything the artist does is written into the wizard's training
// project as it happens, so closing the wizard (even while training: the run stops at a
// checkpoint) loses nothing; opening it again shows the same project.
#include <QWizard>

#include "ui/training/training_project.h"
#include "ui/worker/engine_types.h"

namespace partedit::ui {

class EngineClient;
class TrainingImagesPage;
class TrainingRunPage;
class TrainingSettingsPage;

class TrainingWizard : public QWizard {
  Q_OBJECT
 public:
  enum PageId { ImagesPageId, SettingsPageId, RunPageId };

  explicit TrainingWizard(EngineClient* engine, QWidget* parent = nullptr);

  // Opens the project in `folder`, creating it when it has no project yet. Empty on success.
  QString openProject(const QString& folder);
  const TrainingProject& project() const { return project_; }
  QString checkpointPath() const;  // where this project's runs write their checkpoint

  // The model the main window loaded (folder empty: none yet) and the configured one.
  void setModel(const ModelInfo& loaded, const QString& configuredFolder);
  bool ownsRequest(quint64 id) const;  // a request this wizard sent (its errors are its own)

  TrainingImagesPage* imagesPage() const { return images_; }
  TrainingSettingsPage* settingsPage() const { return settings_; }
  TrainingRunPage* runPage() const { return run_; }

  // The settings of a run: the settings page's values, the project's images and checkpoint.
  TrainingSettings trainingSettings() const;

 Q_SIGNALS:
  void tokenSaved(const QString& partName, const QString& path);
  void errorReported(const QString& message);

 protected:
  void done(int result) override;

 private:
  void storeSettings();
  void updateThumbnails();
  void reportProjectError(const QString& error);

  EngineClient* engine_ = nullptr;
  TrainingProject project_;
  TrainingImagesPage* images_ = nullptr;
  TrainingSettingsPage* settings_ = nullptr;
  TrainingRunPage* run_ = nullptr;
  bool restoring_ = false;
};

}  // namespace partedit::ui
