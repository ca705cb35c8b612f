// MainWindow: one history per open image, the tabs that switch between them, and the
// session kept between runs (saved after results and on close, restored at the start).
// Quitting with unexported results or during a run asks first.
#include <QCloseEvent>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QMessageBox>
#include <QPushButton>
#include <QTabBar>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>
#include <QVBoxLayout>

#include "ui/canvas/image_canvas.h"
#include "ui/history/history_model.h"
#include "ui/history/session_store.h"
#include "ui/main_window.h"
#include "ui/panels/edit_panel.h"
#include "ui/settings/app_settings.h"
#include "ui/worker/engine_client.h"
#include "ui/widgets/status_line.h"

namespace partedit::ui {

QWidget* MainWindow::createDocumentArea() {
  auto* area = new QWidget(this);
  documentTabs_ = new QTabBar(area);
  documentTabs_->setObjectName(QStringLiteral("documentTabs"));
  documentTabs_->setDocumentMode(true);
  documentTabs_->setTabsClosable(true);
  documentTabs_->setExpanding(false);
  documentTabs_->setElideMode(Qt::ElideMiddle);
  documentTabs_->setAutoHide(true);  // one image needs no tabs
  auto* layout = new QVBoxLayout(area);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(0);
  layout->addWidget(documentTabs_);
  layout->addWidget(canvas_, 1);
  connect(documentTabs_, &QTabBar::currentChanged, this, [this](int index) {
    if (!switchingDocument_ && index >= 0) activateDocument(index);
  });
  connect(documentTabs_, &QTabBar::tabCloseRequested, this, [this](int index) { closeDocument(index); });

  sessionSaver_ = new SessionSaver(SessionStore(), this);
  connect(sessionSaver_, &SessionSaver::saved, this, [this](const QString& problem) {
    if (!problem.isEmpty()) status_->note(tr("The session could not be kept: %1").arg(problem), NoteKind::Warning);
  });
  sessionTimer_ = new QTimer(this);
  sessionTimer_->setSingleShot(true);
  sessionTimer_->setInterval(800);
  connect(sessionTimer_, &QTimer::timeout, this, [this] {
    if (sessionLoading_) return sessionTimer_->start();  // after the restore, with its images
    stashActiveDocument();
    sessionSaver_->saveLater({documents_, activeDocument_}, AppSettings().sessionLimitBytes());
  });
  // Quitting waits for a cancelled run to stop; then the window closes.
  connect(engine_, &EngineClient::busyChanged, this, [this](bool busy) {
    if (!busy && quitAfterRun_) QTimer::singleShot(0, this, &QWidget::close);
  });
  return area;
}

ImageDocument* MainWindow::documentById(quint64 id) {
  for (ImageDocument& document : documents_)
    if (document.id == id) return &document;
  return nullptr;
}

void MainWindow::stashActiveDocument() {
  if (activeDocument_ < 0 || activeDocument_ >= documents_.size()) return;
  ImageDocument& stored = documents_[activeDocument_];
  stored = document_;
  stored.entries = history_->entries();
  stored.currentRow = history_->currentRow();
  stored.panel = editPanel_->settingsSnapshot();
}

void MainWindow::beginDocument(Document::Kind kind) {
  stashActiveDocument();
  const bool reuse = activeDocument_ >= 0 && document_.kind == Document::Kind::None && history_->count() == 0;
  switchingDocument_ = true;
  if (!reuse) {
    documents_.append(ImageDocument{});
    activeDocument_ = documents_.size() - 1;
    documentTabs_->addTab(QString());
  }
  document_ = ImageDocument{};
  document_.kind = kind;
  document_.id = nextDocumentId_++;
  documents_[activeDocument_] = document_;
  documentTabs_->setCurrentIndex(activeDocument_);
  history_->clear();
  switchingDocument_ = false;
  lastResultRerenderable_ = false;
}

void MainWindow::updateDocumentTab() {
  if (activeDocument_ < 0) return;
  documentTabs_->setTabText(activeDocument_, document_.displayName());
  documentTabs_->setTabToolTip(activeDocument_, document_.kind == Document::Kind::Photo ? document_.path
                                                                                       : document_.generation.prompt);
  setWindowTitle(tr("%1 — PartEdit").arg(document_.displayName()));
}

void MainWindow::activateDocument(int index) {
  if (index < 0 || index >= documents_.size()) return;
  if (index != activeDocument_) {
    stashActiveDocument();
    activeDocument_ = index;
    document_ = documents_[index];
    switchingDocument_ = true;
    documentTabs_->setCurrentIndex(index);
    history_->restore(document_.entries, document_.currentRow);
    document_.entries.clear();  // they live in the history now
    switchingDocument_ = false;
    editPanel_->applySettings(document_.panel);
    lastResultRerenderable_ = rerenderDocumentId_ == document_.id;
  }
  updateDocumentTab();
  updateActions();
}

bool MainWindow::closeDocument(int index, bool confirmed) {
  if (index < 0 || index >= documents_.size()) return false;
  stashActiveDocument();
  const ImageDocument& document = documents_[index];
  if (runActive_ && runDocumentId_ == document.id) {
    status_->note(tr("%1 is being worked on: cancel the run before closing it.").arg(document.displayName()),
                  NoteKind::Warning);
    return false;
  }
  if (!confirmed && document.unexported > 0) {
    auto* box = new QMessageBox(QMessageBox::Question, tr("Close Image"),
                                tr("Close %1? Its %n result(s) have not been exported and will be removed "
                                   "from the history.", nullptr, document.unexported)
                                    .arg(document.displayName()),
                                QMessageBox::NoButton, this);
    box->setObjectName(QStringLiteral("closeImageQuestion"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    QPushButton* close = box->addButton(tr("Close Without Exporting"), QMessageBox::DestructiveRole);
    box->addButton(QMessageBox::Cancel);
    const quint64 id = document.id;
    connect(box, &QMessageBox::buttonClicked, this, [this, close, id](QAbstractButton* button) {
      if (button != close) return;
      for (int i = 0; i < documents_.size(); ++i)
        if (documents_[i].id == id) closeDocument(i, true);
    });
    box->open();
    return false;
  }
  const bool wasActive = index == activeDocument_;
  switchingDocument_ = true;
  documents_.removeAt(index);
  documentTabs_->removeTab(index);
  switchingDocument_ = false;
  if (index < activeDocument_) --activeDocument_;
  if (wasActive) {
    activeDocument_ = -1;  // nothing to stash: it is gone
    if (documents_.isEmpty()) {
      document_ = ImageDocument{};
      history_->clear();
      editPanel_->setPhotoSource(QString());  // no generated prompt is left to edit
      setWindowTitle(tr("PartEdit"));
    } else {
      activateDocument(std::min(index, int(documents_.size()) - 1));
    }
  }
  updateActions();
  scheduleSessionSave();
  return true;
}

void MainWindow::noteDroppedEntry(const QString& image, const QString& title) {
  status_->note(tr("%1 keeps its last %2 results: the oldest, “%3”, is no longer in its history (export what you "
                   "want to keep).")
                    .arg(image)
                    .arg(history_->maximumEntries())
                    .arg(title),
                NoteKind::Warning);
}

void MainWindow::dropEmptyDocument(quint64 documentId) {
  for (int i = 0; i < documents_.size(); ++i) {
    if (documents_[i].id != documentId) continue;
    const bool active = i == activeDocument_;
    const int entries = active ? history_->count() : documents_[i].entries.size();
    if (entries == 0) closeDocument(i, true);
    return;
  }
}

void MainWindow::pushResultTo(quint64 documentId, HistoryEntry entry, const ResultImages& result) {
  if (documentId == document_.id) {
    pushingResult_ = true;
    history_->pushResult(std::move(entry));
    pushingResult_ = false;
    ++document_.unexported;
  } else if (ImageDocument* document = documentById(documentId)) {
    // Finished while another image is shown: it joins its own image's history.
    if (!result.isEdit) document->generation.seed = result.seed;
    document->panel = entry.settings;
    if (const auto dropped = document->appendResult(std::move(entry), history_->maximumEntries()))
      noteDroppedEntry(document->displayName(), *dropped);
    ++document->unexported;
  }
  scheduleSessionSave();
}

void MainWindow::rememberRun(quint64 id) {
  runningId_ = id;
  runActive_ = true;
  runDocumentId_ = document_.id;
  runSettings_ = editPanel_->settingsSnapshot();
}

void MainWindow::loadEntrySettings() {
  // Undo, redo or a clicked entry: the panel shows the settings that made it. A new result
  // and switching images keep what the panel has.
  if (pushingResult_ || switchingDocument_) return;
  const HistoryEntry* entry = history_->currentEntry();
  if (entry && !entry->settings.isEmpty()) editPanel_->applySettings(entry->settings);
}

void MainWindow::scheduleSessionSave() { sessionTimer_->start(); }

QString MainWindow::saveSessionNow() {
  sessionTimer_->stop();
  if (sessionLoading_) return QString();  // the file on disk is still the whole last session
  stashActiveDocument();
  return sessionSaver_->saveNow({documents_, activeDocument_}, AppSettings().sessionLimitBytes());
}

void MainWindow::restoreSession() {
  if (sessionLoading_) return;
  sessionLoading_ = true;
  const QString restoring = tr("Restoring the last session…");
  status_->note(restoring, NoteKind::Info, 0);
  auto* watcher = new QFutureWatcher<SessionLoad>(this);
  connect(watcher, &QFutureWatcher<SessionLoad>::finished, this, [this, watcher, restoring] {
    const SessionLoad loaded = watcher->result();
    watcher->deleteLater();
    sessionLoading_ = false;
    if (status_->current() == restoring) status_->clearNote();
    applyRestoredSession(loaded);
    Q_EMIT sessionRestored();
  });
  watcher->setFuture(QtConcurrent::run([store = sessionSaver_->store()] { return store.load(); }));
}

void MainWindow::applyRestoredSession(const SessionLoad& loaded) {
  if (!loaded.problem.isEmpty()) reportError(tr("The last session"), loaded.problem);
  if (loaded.session.documents.isEmpty()) return;
  stashActiveDocument();
  const bool keepActive = activeDocument_ >= 0 && document_.kind != Document::Kind::None;
  // A blank window (nothing opened yet) gives its place to the restored images.
  if (activeDocument_ >= 0 && !keepActive) {
    switchingDocument_ = true;
    documents_.removeAt(activeDocument_);
    documentTabs_->removeTab(activeDocument_);
    switchingDocument_ = false;
    activeDocument_ = -1;
  }
  const int first = documents_.size();
  for (ImageDocument document : loaded.session.documents) {
    document.id = nextDocumentId_++;
    documents_.append(document);
    switchingDocument_ = true;
    const int tab = documentTabs_->addTab(document.displayName());
    documentTabs_->setTabToolTip(tab, document.kind == Document::Kind::Photo ? document.path : document.generation.prompt);
    switchingDocument_ = false;
  }
  if (keepActive) {
    switchingDocument_ = true;
    documentTabs_->setCurrentIndex(activeDocument_);
    switchingDocument_ = false;
  } else {
    activateDocument(first + std::max(0, loaded.session.active));
  }
  int missing = 0;
  for (const ImageDocument& document : loaded.session.documents)
    if (document.kind == Document::Kind::Photo && !QFileInfo::exists(document.path)) ++missing;
  QString note = tr("Restored %n image(s) of the last session.", nullptr, loaded.session.documents.size());
  if (missing > 0) note += QLatin1Char(' ') + tr("%n photo(s) are no longer where they were: their history shows, "
                                                 "new edits need the file back.", nullptr, missing);
  if (loaded.problem.isEmpty()) status_->note(note);
}

int MainWindow::unexportedResults() const {
  int count = document_.unexported;
  for (int i = 0; i < documents_.size(); ++i)
    if (i != activeDocument_) count += documents_[i].unexported;
  return count;
}

bool MainWindow::confirmQuit() {
  if (quitConfirmed_) return true;
  const bool running = runActive_;
  const int unexported = unexportedResults();
  if (!running && unexported == 0) return true;
  auto* box = new QMessageBox(QMessageBox::Question, tr("Quit PartEdit"), QString(), QMessageBox::NoButton, this);
  box->setObjectName(QStringLiteral("quitQuestion"));
  box->setAttribute(Qt::WA_DeleteOnClose);
  QPushButton* quit = nullptr;
  QPushButton* exportFirst = nullptr;
  if (running) {
    box->setText(tr("PartEdit is still working on an image."));
    box->setInformativeText(tr("Quitting stops the run first; what it has not finished is lost. Your history is "
                               "kept and comes back the next time you start PartEdit."));
    quit = box->addButton(tr("Stop and Quit"), QMessageBox::DestructiveRole);
    box->addButton(tr("Keep Working"), QMessageBox::RejectRole);
  } else {
    box->setText(tr("%n result(s) have not been exported.", nullptr, unexported));
    box->setInformativeText(tr("They stay in the history, which comes back the next time you start PartEdit. "
                               "Export the current image first?"));
    exportFirst = box->addButton(tr("Export Image…"), QMessageBox::AcceptRole);
    quit = box->addButton(tr("Quit"), QMessageBox::DestructiveRole);
    box->addButton(QMessageBox::Cancel);
    box->setDefaultButton(exportFirst);
  }
  connect(box, &QMessageBox::buttonClicked, this, [this, quit, exportFirst](QAbstractButton* button) {
    if (button == exportFirst) {
      QTimer::singleShot(0, this, [this] { exportWithDialog(ExportKind::Image); });
    } else if (button == quit) {
      quitConfirmed_ = true;
      QTimer::singleShot(0, this, &QWidget::close);
    }
  });
  box->open();  // window-modal, not blocking: closeEvent returns at once
  return false;
}

void MainWindow::closeEvent(QCloseEvent* event) {
  if (!confirmQuit()) {
    event->ignore();
    return;
  }
  if (isRunning()) {
    // Stop cleanly before quitting: every request is cancelled, the window closes once the
    // worker is idle (busyChanged).
    quitAfterRun_ = true;
    engine_->cancel();
    status_->note(tr("Stopping the run, then quitting…"), NoteKind::Info, 0);
    event->ignore();
    return;
  }
  AppSettings settings;
  settings.setWindowGeometry(saveGeometry());
  settings.setWindowState(saveState());
  settings.setMaskOpacity(canvas_->maskOpacity());
  settings.setMaskVisible(canvas_->isMaskVisible());
  const QString problem = saveSessionNow();
  if (!problem.isEmpty() && !quitAfterRun_) {
    const auto answer = QMessageBox::warning(
        this, tr("Quit PartEdit"),
        tr("The history could not be kept for the next start: %1\n\nQuit anyway and lose it?").arg(problem),
        QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Cancel);
    if (answer != QMessageBox::Discard) {
      quitConfirmed_ = false;
      event->ignore();
      return;
    }
  }
  event->accept();
}

}  // namespace partedit::ui
