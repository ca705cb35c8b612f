// MainWindow: documents (a photo or a generated image) and the engine's requests, progress
// and results.
#include <QFileInfo>
#include <QFutureWatcher>
#include <QImageReader>
#include <QMessageBox>
#include <QLineEdit>

#include "ui/canvas/image_canvas.h"
#include "ui/history/history_model.h"
#include "ui/main_window.h"
#include "ui/panels/edit_panel.h"
#include "ui/panels/token_panel.h"
#include "ui/settings/app_settings.h"
#include "ui/training/training_wizard.h"
#include "ui/widgets/progress_throttle.h"
#include "ui/widgets/finish_notifier.h"
#include "ui/widgets/model_switcher.h"
#include "ui/widgets/run_status.h"
#include "ui/widgets/status_line.h"
#include "ui/worker/engine_client.h"
#include "ui/worker/image_parameters.h"

namespace partedit::ui {

// Progress shown at most ~8 times a second: the GUI thread stays nearly idle however fast the
// engine steps, and the preview still moves.
constexpr int kProgressIntervalMs = 120;

void MainWindow::connectEngine() {
  EngineWorker* worker = engine_->worker();
  progress_ = new ProgressThrottle(kProgressIntervalMs, this);
  (new FinishNotifier(this))->watch(worker);  // a desktop notification when a long run ends unseen
  connect(engine_, &EngineClient::busyChanged, this, [this] { updateActions(); });
  connect(worker, &EngineWorker::started, this, &MainWindow::startRun);
  connect(worker, &EngineWorker::progress, this, [this](quint64 id, const ProgressInfo& info) {
    if (info.stageId == 0) modelSwitcher_->setLoading();  // EngineStage::LoadingModel
    if (id == runningId_ && !runStatus_->isCancelling()) progress_->offer(info);
  });
  connect(progress_, &ProgressThrottle::show, this, &MainWindow::showProgress);
  connect(worker, &EngineWorker::message, this, [this](quint64, int kind, const QString& text) {
    // The engine's commentary (what it loads, the prompt it runs, where it cached an
    // inversion) is for the log; its advice and warnings are for the artist too.
    if (kind == EngineWorker::Status)
      status_->logOnly(text);
    else
      status_->note(text, kind == EngineWorker::Warning ? NoteKind::Warning : NoteKind::Info);
  });
  connect(worker, &EngineWorker::modelLoaded, this, [this](const ModelInfo& info) {
    model_ = info;
    updateWizardModel();
    runStatus_->modelReady();
    status_->logOnly(tr("Loaded %1 (%2, %3)").arg(info.name, info.family, info.compute));
  });
  connect(worker, &EngineWorker::tokensListed, tokenPanel_, &TokenPanel::setTokens);
  connect(worker, &EngineWorker::partNamesListed, editPanel_, &EditPanel::setPartVocabulary);
  connect(worker, &EngineWorker::resultReady, this, &MainWindow::onResult);
  connect(worker, &EngineWorker::captionReady, this, [this](quint64 id, const QString& caption) {
    if (id == captionId_ && captionDocumentId_ == document_.id && editPanel_->sourcePrompt().trimmed().isEmpty())
      editPanel_->setSourcePrompt(caption);
  });
  connect(worker, &EngineWorker::failed, this, &MainWindow::onFailed);
  connect(worker, &EngineWorker::cancelled, this, [this](quint64 id) {
    if (id != runningId_) return;
    status_->note(tr("Cancelled; the previous result is unchanged."));
  });
  connect(worker, &EngineWorker::exported, this, [this](quint64, const QString& path) {
    status_->note(tr("Exported %1").arg(path));
    Q_EMIT exportFinished(path);
  });
  connect(worker, &EngineWorker::finished, this, [this](quint64 id) {
    if (id == runningId_) endRun();
  });

  connect(editPanel_, &EditPanel::applyRequested, this, &MainWindow::applyEdit);
  connect(editPanel_, &EditPanel::cancelRequested, this, &MainWindow::cancelRun);
  connect(editPanel_, &EditPanel::validityChanged, this, [this] { updateActions(); });
  connect(editPanel_, &EditPanel::editEndMoved, this, [this](int editEnd) {
    // Instant t_e: the last edit re-rendered from the first step that changes.
    if (!lastResultRerenderable_ || isRunning()) return;
    if (history_->currentRow() != history_->count() - 1) {  // the kept state is the latest edit's
      status_->note(tr("t_e moves instantly for the latest edit; apply the edit to change this one."));
      return;
    }
    rememberRun(engine_->rerender(editEnd));
  });
  connect(tokenPanel_, &TokenPanel::importRequested, this, [this](const QString& file) { engine_->importToken(file); });
  connect(tokenPanel_, &TokenPanel::renameRequested, this,
          [this](const QString& part, const QString& name) { engine_->renameToken(part, name); });
  connect(tokenPanel_, &TokenPanel::deleteRequested, this, [this](const QString& part) { engine_->deleteToken(part); });
  connect(tokenPanel_, &TokenPanel::partChosen, this, [this](const QString& part) {
    QString text = editPanel_->editBox()->text().trimmed();
    const int open = text.lastIndexOf(QLatin1Char('<'));
    if (open >= 0) text = text.left(open).trimmed();
    if (text.isEmpty()) text = QStringLiteral("with");
    editPanel_->editBox()->setText(text + QStringLiteral(" <") + part + QLatin1Char('>'));
    editPanel_->editBox()->setFocus();
  });
  connect(history_, &HistoryModel::oldestDropped, this,
          [this](const QString& title) { noteDroppedEntry(document_.displayName(), title); });
  connect(history_, &HistoryModel::currentChanged, this, [this] {
    showEntry(history_->currentEntry());
    loadEntrySettings();
    updateActions();
    scheduleSessionSave();
  });
}

bool MainWindow::openImage(const QString& path) {
  QImageReader reader(path);
  reader.setAutoTransform(true);  // EXIF orientation, as the engine reads it
  const QImage image = reader.read();
  if (image.isNull()) {
    reportError(tr("Cannot open image"), tr("%1 could not be read: %2").arg(path, reader.errorString()));
    return false;
  }
  // Another image gets its own history; this one's stays a tab away.
  beginDocument(Document::Kind::Photo);
  document_.path = QFileInfo(path).absoluteFilePath();

  // A PartEdit or A1111 image carries its settings: the panel gets them back, the history
  // entry shows them.
  const RestoredParameters restored = readImageParameters(path);
  editPanel_->setPhotoSource(restored.found ? restored.sourcePrompt : QString());
  editPanel_->restoreSettings(restored);
  HistoryEntry original;
  original.result = image;
  original.title = tr("Opened %1").arg(QFileInfo(path).fileName());
  original.parameters = restored.text;
  original.settings = editPanel_->settingsSnapshot();
  pushingResult_ = true;
  history_->pushResult(original);
  pushingResult_ = false;
  AppSettings().addRecentFile(document_.path);
  updateDocumentTab();
  scheduleSessionSave();
  status_->note(tr("Opened %1 (%2 × %3)").arg(path).arg(image.width()).arg(image.height()));
  // Damage the decoder worked around (a truncated JPEG) is said as the CLI says it.
  auto* warnings = new QFutureWatcher<QStringList>(this);
  connect(warnings, &QFutureWatcher<QStringList>::finished, this, [this, warnings, opened = document_.path] {
    const QStringList found = warnings->result();
    warnings->deleteLater();
    if (found.isEmpty()) return;
    Q_EMIT warningReported(found.join(QLatin1Char('\n')));
    for (const QString& warning : found) status_->note(warning, NoteKind::Warning);
    auto* box = new QMessageBox(QMessageBox::Warning, tr("The image is damaged"),
                                tr("%1 opened, but not all of it could be read:").arg(QFileInfo(opened).fileName()),
                                QMessageBox::Ok, this);
    box->setInformativeText(found.join(QLatin1Char('\n')));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
  });
  warnings->setFuture(imageWarningsInBackground(document_.path));
  // The caption appears in the editable source prompt before anything else runs.
  if (!restored.found && !AppSettings().engineConfig().captionFolder.isEmpty()) {
    captionId_ = engine_->caption(document_.path);
    captionDocumentId_ = document_.id;
  }
  updateActions();
  return true;
}

void MainWindow::generateImage(const GenerateSettings& settings) {
  beginDocument(Document::Kind::Generated);
  document_.generation = settings;
  const int side = newImageSide();
  runSize_ = QSize(settings.width > 0 ? settings.width : side, settings.height > 0 ? settings.height : side);
  editPanel_->setGeneratedSource(settings);
  rememberRun(engine_->generate(settings));
  updateDocumentTab();
  updateActions();
}

bool MainWindow::applyEdit() {
  if (isRunning()) return false;
  if (document_.kind == Document::Kind::None) {
    reportError(tr("Nothing to edit"), tr("Open a photo or create an image from a prompt first."));
    return false;
  }
  if (!editPanel_->currentCheck().ok) {
    reportError(tr("The edit cannot run"), editPanel_->currentCheck().reason);
    return false;
  }
  const EditSettings edit = editPanel_->editSettings();
  if (document_.kind == Document::Kind::Photo) {
    PhotoSettings photo = PhotoSettings::defaults();
    photo.path = document_.path;
    photo.sourcePrompt = editPanel_->sourcePrompt();
    photo.steps = editPanel_->steps();
    photo.seed = editPanel_->generationSettings().seed;
    GenerateSettings generation = editPanel_->generationSettings();
    generation.prompt = photo.sourcePrompt;
    rememberRun(engine_->editPhoto(photo, generation, edit));
  } else {
    rememberRun(engine_->editGenerated(editPanel_->generationSettings(), edit));
  }
  updateActions();
  return true;
}

void MainWindow::cancelRun() {
  if (!isRunning()) return;
  // The window's own runs, wherever they are (running or queued behind another): the one the
  // canvas shows and the caption on its way into its source prompt. A training run has the
  // wizard's Cancel.
  engine_->cancel(runningId_);
  engine_->cancel(captionId_);
  // Said at once; the engine stops within a fraction of a step, then "Cancelled" replaces it.
  progress_->clear();
  runStatus_->setCancelling();
  editPanel_->setCancelling();
  updateActions();
}

void MainWindow::startRun(quint64 id, const QString& what) {
  if (id != runningId_) return;
  beforeRun_ = canvas_->image();
  progress_->clear();
  runStatus_->start(what);
  editPanel_->setCancelling(false);
  updateActions();
}

void MainWindow::showProgress(const ProgressInfo& info) {
  runStatus_->update(info);
  if (runDocumentId_ != document_.id) return;  // another image is shown
  // The edit path's estimate at latent resolution, laid out at the image's size, and the
  // mask of this step over it.
  if (!info.preview.isNull())
    canvas_->setImage(info.preview, canvas_->hasImage() ? canvas_->logicalImageSize() : runSize_);
  if (!info.mask.isNull()) canvas_->setMask(info.mask);
}

void MainWindow::endRun() {
  runActive_ = false;
  progress_->clear();  // a report still waiting belongs to the run that ended
  runStatus_->stop();
  // A run that brought no result leaves the current entry on the canvas, not its last preview.
  // (A result is on it already: showing a large photo's twice would stall the GUI thread.)
  const HistoryEntry* current = history_->currentEntry();
  if (!current || canvas_->image().cacheKey() != current->result.cacheKey()) showEntry(current);
  dropEmptyDocument(runDocumentId_);  // a generation that brought no image
  updateActions();
  Q_EMIT runFinished();
}

void MainWindow::onResult(const ResultImages& result) {
  if (result.requestId != runningId_) return;
  const bool shown = runDocumentId_ == document_.id;
  HistoryEntry entry;
  entry.result = result.image;
  entry.thumbnail = result.thumbnail;  // made on the worker's thread
  entry.before = result.source;
  entry.mask = result.mask;
  entry.stepMasks = result.stepMasks;
  entry.parameters = result.parameters;
  // The settings it was made with, for undo and the next start: the panel as the run began.
  entry.settings = runSettings_;
  if (result.isEdit) {
    const QString instruction = runSettings_.value(QStringLiteral("instruction")).toString().trimmed();
    entry.title = tr("%1 (t_e %2)").arg(instruction).arg(result.editEnd);
    entry.settings.insert(QStringLiteral("editEnd"), result.editEnd);
    const bool photo = runSettings_.value(QStringLiteral("photo")).toBool();
    if (photo && runSettings_.value(QStringLiteral("sourcePrompt")).toString().trimmed().isEmpty())
      entry.settings.insert(QStringLiteral("sourcePrompt"), result.sourcePrompt);  // the caption it ran with
    if (shown) {
      editPanel_->setEditEnd(result.editEnd);
      if (photo && editPanel_->sourcePrompt().trimmed().isEmpty()) editPanel_->setSourcePrompt(result.sourcePrompt);
    }
  } else {
    entry.title = tr("Generated: %1").arg(result.sourcePrompt.left(48));
    GenerateSettings generation = generationFromMap(runSettings_.value(QStringLiteral("generation")).toMap());
    generation.seed = result.seed;  // edits reproduce this very image
    entry.settings.insert(QStringLiteral("generation"), generationToMap(generation));
    entry.settings.insert(QStringLiteral("seed"), QString::number(result.seed));
    if (shown) {
      document_.generation.seed = result.seed;
      editPanel_->setGeneratedSource(document_.generation);
    }
  }
  lastResultRerenderable_ = shown && result.canRerender;
  rerenderDocumentId_ = result.canRerender ? runDocumentId_ : 0;
  pushResultTo(runDocumentId_, std::move(entry), result);
  QString done = result.rerendered ? tr("Re-rendered with t_e %1 in %2").arg(result.editEnd).arg(formatSeconds(result.seconds))
                 : result.isEdit ? tr("Edited in %1").arg(formatSeconds(result.seconds))
                               : tr("Generated in %1 (seed %2)").arg(formatSeconds(result.seconds)).arg(result.seed);
  if (result.inversionReused) done += tr(" · the photo's inversion was reused");
  status_->note(done);
  Q_EMIT resultShown();
}

void MainWindow::onFailed(quint64 id, const QString& message) {
  if (wizard_ && wizard_->ownsRequest(id)) return;  // the wizard shows its own
  if (id == captionId_) {
    status_->note(tr("The photo could not be captioned: %1 — type its description instead.").arg(message),
                  NoteKind::Warning, 0);
    return;
  }
  reportError(tr("The request failed"),
              tr("%1\n\nNothing was changed. Check the model folders in Preferences if this keeps happening.")
                  .arg(message));
}

void MainWindow::showEntry(const HistoryEntry* entry) {
  if (!entry) {
    canvas_->clear();
    return;
  }
  if (maskOnly_->isChecked() && !entry->mask.isNull()) {
    canvas_->setImage(entry->mask.scaled(entry->result.size(), Qt::IgnoreAspectRatio, Qt::SmoothTransformation));
    canvas_->clearMask();
    return;
  }
  canvas_->setImage(entry->result);
  canvas_->setMask(entry->mask);
  canvas_->setComparisonImage(entry->before);
}

}  // namespace partedit::ui
