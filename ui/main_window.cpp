#include "ui/main_window.h"

#include <QAction>
#include <QApplication>
#include <QDockWidget>
#include <QEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QIcon>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QScreen>
#include <QSlider>
#include <QStatusBar>
#include <QToolBar>
#include <QUndoStack>
#include <QWidgetAction>

#include "ui/canvas/image_canvas.h"
#include "ui/dialogs/help_dialogs.h"
#include "ui/dialogs/new_image_dialog.h"
#include "ui/dialogs/preferences_dialog.h"
#include "ui/history/history_model.h"
#include "ui/history/history_panel.h"
#include "ui/panels/edit_panel.h"
#include "ui/panels/token_panel.h"
#include "ui/settings/app_settings.h"
#include "ui/training/training_wizard.h"
#include "ui/widgets/model_switcher.h"
#include "ui/widgets/run_status.h"
#include "ui/widgets/status_line.h"
#include "ui/worker/engine_client.h"

// resources.qrc is compiled into the static partedit_ui library; nothing references its
// initialiser, so register it explicitly (repeated calls are harmless).
static void initResources() { Q_INIT_RESOURCE(resources); }

namespace partedit::ui {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
  initResources();
  setWindowTitle(tr("PartEdit"));
  setWindowIcon(QIcon(QStringLiteral(":/icons/partedit.png")));
  setObjectName(QStringLiteral("MainWindow"));
  setDockNestingEnabled(true);
  engine_ = new EngineClient(this);
  canvas_ = new ImageCanvas(this);
  canvas_->setPlaceholderText(tr("Open a photo (Ctrl+O), drop one here, or create an image from a prompt (Ctrl+N)."));
  setCentralWidget(createDocumentArea());
  history_ = new HistoryModel(this);
  createDocks();
  createModelBar();
  createActions();
  createMenus();
  createStatusBar();
  connectEngine();
  restoreLayout();
  const AppSettings settings;
  canvas_->setMaskOpacity(settings.maskOpacity());
  canvas_->setMaskVisible(settings.maskVisible());
  applyEngineConfig(settings.engineConfig());
  updateActions();
}

MainWindow::~MainWindow() = default;

void MainWindow::createDocks() {
  editPanel_ = new EditPanel(this);
  auto* editDock = new QDockWidget(tr("Edit"), this);
  editDock->setObjectName(QStringLiteral("editDock"));
  editDock->setWidget(editPanel_);
  addDockWidget(Qt::RightDockWidgetArea, editDock);

  historyPanel_ = new HistoryPanel(history_, this);
  auto* historyDock = new QDockWidget(tr("History"), this);
  historyDock->setObjectName(QStringLiteral("historyDock"));
  historyDock->setWidget(historyPanel_);
  addDockWidget(Qt::RightDockWidgetArea, historyDock);

  tokenPanel_ = new TokenPanel(this);
  auto* tokenDock = new QDockWidget(tr("Part Tokens"), this);
  tokenDock->setObjectName(QStringLiteral("tokenDock"));
  tokenDock->setWidget(tokenPanel_);
  addDockWidget(Qt::RightDockWidgetArea, tokenDock);
  tabifyDockWidget(historyDock, tokenDock);

  // View › Log: the notes the status line showed, and the engine's commentary. Closed at first.
  log_ = new LogPanel(this);
  auto* logDock = new QDockWidget(tr("Log"), this);
  logDock->setObjectName(QStringLiteral("logDock"));
  logDock->setWidget(log_);
  addDockWidget(Qt::RightDockWidgetArea, logDock);
  tabifyDockWidget(tokenDock, logDock);  // beside the history: the canvas keeps its height
  logDock->hide();
  historyDock->raise();
  resizeDocks({editDock}, {380}, Qt::Horizontal);
  resizeDocks({editDock, historyDock}, {440, 320}, Qt::Vertical);
}

void MainWindow::createActions() {
  applyAction_ = new QAction(tr("&Apply Edit"), this);
  applyAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return));
  connect(applyAction_, &QAction::triggered, this, &MainWindow::applyEdit);
  cancelAction_ = new QAction(tr("&Cancel"), this);
  cancelAction_->setShortcut(QKeySequence(Qt::Key_Escape));
  connect(cancelAction_, &QAction::triggered, this, &MainWindow::cancelRun);

  showMask_ = new QAction(tr("Show &Mask"), this);
  showMask_->setCheckable(true);
  showMask_->setChecked(canvas_->isMaskVisible());
  showMask_->setShortcut(QKeySequence(Qt::Key_M));
  showMask_->setToolTip(tr("Show the part mask as a coloured overlay (M)"));
  connect(showMask_, &QAction::toggled, canvas_, &ImageCanvas::setMaskVisible);
  compare_ = new QAction(tr("Show &Before"), this);
  compare_->setCheckable(true);
  compare_->setShortcut(QKeySequence(Qt::Key_B));
  compare_->setToolTip(tr("Show the image before the edit (B)"));
  connect(compare_, &QAction::toggled, this, [this](bool on) {
    if (on) split_->setChecked(false);
    canvas_->setComparisonMode(on ? ImageCanvas::ComparisonMode::Toggle : ImageCanvas::ComparisonMode::Off);
    canvas_->setShowingBefore(on);
  });
  split_ = new QAction(tr("&Split View"), this);
  split_->setCheckable(true);
  split_->setShortcut(QKeySequence(Qt::Key_S));
  split_->setToolTip(tr("Before on the left, after on the right; drag the divider (S)"));
  connect(split_, &QAction::toggled, this, [this](bool on) {
    if (on) compare_->setChecked(false);
    canvas_->setComparisonMode(on ? ImageCanvas::ComparisonMode::Split : ImageCanvas::ComparisonMode::Off);
  });
  maskOnly_ = new QAction(tr("Mask &Only"), this);
  maskOnly_->setCheckable(true);
  maskOnly_->setToolTip(tr("Show the final mask alone, in grey"));
  connect(maskOnly_, &QAction::toggled, this, [this] { showEntry(history_->currentEntry()); });

  opacity_ = new QSlider(Qt::Horizontal, this);
  opacity_->setObjectName(QStringLiteral("maskOpacity"));
  opacity_->setRange(0, 100);
  opacity_->setValue(static_cast<int>(canvas_->maskOpacity() * 100 + 0.5));
  opacity_->setMaximumWidth(120);
  opacity_->setToolTip(tr("Mask opacity"));
  connect(opacity_, &QSlider::valueChanged, this, [this](int value) { canvas_->setMaskOpacity(value / 100.0); });

  auto* view = addToolBar(tr("View"));
  view->setObjectName(QStringLiteral("viewToolBar"));
  view->addAction(tr("Fit"), canvas_, &ImageCanvas::fitToWindow);
  view->addAction(tr("100 %"), canvas_, &ImageCanvas::actualSize);
  view->addSeparator();
  view->addAction(showMask_);
  view->addWidget(opacity_);
  view->addSeparator();
  view->addAction(compare_);
  view->addAction(split_);
  view->addAction(maskOnly_);
}

void MainWindow::createMenus() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  file->addAction(tr("&New from Prompt…"), QKeySequence::New, this, [this] { showNewImageDialog(); });
  file->addAction(tr("&Open…"), QKeySequence::Open, this, [this] {
    AppSettings settings;
    const QString path = QFileDialog::getOpenFileName(this, tr("Open Image"), settings.lastFolder(),
                                                      tr("Images (*.png *.jpg *.jpeg *.webp *.tif *.tiff)"));
    if (path.isEmpty()) return;
    settings.setLastFolder(QFileInfo(path).absolutePath());
    openImage(path);
  });
  recentMenu_ = file->addMenu(tr("Open &Recent"));
  file->addAction(tr("Image &Info…"), QKeySequence(Qt::CTRL | Qt::Key_I), this, &MainWindow::showImageInfo)
      ->setObjectName(QStringLiteral("imageInfoAction"));
  file->addSeparator();
  exportImage_ = file->addAction(tr("&Export Image…"), QKeySequence(Qt::CTRL | Qt::Key_E), this,
                                 [this] { exportWithDialog(ExportKind::Image); });
  exportMask_ = file->addAction(tr("Export &Mask…"), this, [this] { exportWithDialog(ExportKind::Mask); });
  exportOverlay_ = file->addAction(tr("Export Mask &Overlay…"), this,
                                   [this] { exportWithDialog(ExportKind::MaskOverlay); });
  exportSteps_ = file->addAction(tr("Export &Step Masks…"), this, [this] { exportWithDialog(ExportKind::StepMasks); });
  file->addSeparator();
  file->addAction(tr("&Preferences…"), QKeySequence::Preferences, this, &MainWindow::showPreferences);
  file->addSeparator();
  file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

  QMenu* edit = menuBar()->addMenu(tr("&Edit"));
  edit->addAction(historyPanel_->undoAction());
  edit->addAction(historyPanel_->redoAction());
  edit->addSeparator();
  edit->addAction(applyAction_);
  edit->addAction(cancelAction_);
  edit->addSeparator();
  copyImage_ = edit->addAction(tr("&Copy Image"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C), this,
                               &MainWindow::copyImage);
  copyImage_->setObjectName(QStringLiteral("copyImageAction"));
  edit->addAction(tr("&Paste Image"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_V), this, [this] { pasteImage(); })
      ->setObjectName(QStringLiteral("pasteImageAction"));

  QMenu* view = menuBar()->addMenu(tr("&View"));
  view->addAction(tr("&Fit to Window"), QKeySequence(Qt::CTRL | Qt::Key_0), canvas_, &ImageCanvas::fitToWindow);
  view->addAction(tr("&Actual Size"), QKeySequence(Qt::CTRL | Qt::Key_1), canvas_, &ImageCanvas::actualSize);
  view->addAction(tr("Zoom &In"), QKeySequence::ZoomIn, canvas_, &ImageCanvas::zoomIn);
  view->addAction(tr("Zoom &Out"), QKeySequence::ZoomOut, canvas_, &ImageCanvas::zoomOut);
  view->addSeparator();
  view->addAction(showMask_);
  view->addAction(compare_);
  view->addAction(split_);
  view->addAction(maskOnly_);
  view->addSeparator();
  QMenu* panels = view->addMenu(tr("&Panels"));
  for (QDockWidget* dock : findChildren<QDockWidget*>())
    if (dock->widget() != log_) panels->addAction(dock->toggleViewAction());
  for (QDockWidget* dock : findChildren<QDockWidget*>())
    if (dock->widget() == log_) {
      QAction* showLog = dock->toggleViewAction();
      showLog->setText(tr("&Log"));
      showLog->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
      showLog->setObjectName(QStringLiteral("showLogAction"));
      connect(showLog, &QAction::triggered, dock, [dock](bool shown) {
        if (shown) dock->raise();  // its tab comes to the front
      });
      view->addAction(showLog);
    }

  QMenu* tools = menuBar()->addMenu(tr("&Tools"));
  tools->addAction(tr("&Train Part Token…"), this, [this] { showTrainingWizard(); })
      ->setToolTip(tr("Teach PartEdit a new part from a few images with painted masks"));

  QMenu* help = menuBar()->addMenu(tr("&Help"));
  help->addAction(tr("&Getting Started"), QKeySequence::HelpContents, this, [this] { showGettingStarted(this); });
  help->addAction(tr("&Keyboard Shortcuts"), this, [this] { showKeyboardShortcuts(this); });
  help->addSeparator();
  help->addAction(tr("&About PartEdit"), this, [this] {
    QMessageBox::about(this, tr("About PartEdit"),
                       tr("<h3>PartEdit %1</h3><p>Part-level image editing with diffusion models: type "
                          "“with a robotic &lt;head&gt;” and only that part changes.</p>"
                          "<p>Based on the paper “PartEdit: Fine-Grained Image Editing using Pre-Trained "
                          "Diffusion Models”.</p>")
                           .arg(QApplication::applicationVersion()));
  });
  connect(recentMenu_, &QMenu::aboutToShow, this, &MainWindow::updateRecentMenu);
  updateRecentMenu();
}

void MainWindow::createStatusBar() {
  runStatus_ = new RunStatus(this);
  status_ = new StatusLine(log_, this);
  statusBar()->addWidget(status_, 1);
  zoomLabel_ = new QLabel(this);
  zoomLabel_->setObjectName(QStringLiteral("zoomLabel"));
  cursorLabel_ = new QLabel(this);
  cursorLabel_->setObjectName(QStringLiteral("cursorLabel"));
  cursorLabel_->setMinimumWidth(cursorLabel_->fontMetrics().horizontalAdvance(QStringLiteral("0000, 0000")));
  statusBar()->addPermanentWidget(runStatus_);
  statusBar()->addPermanentWidget(cursorLabel_);
  statusBar()->addPermanentWidget(zoomLabel_);
  connect(runStatus_, &RunStatus::cancelRequested, this, &MainWindow::cancelRun);
  connect(canvas_, &ImageCanvas::zoomChanged, this,
          [this](double zoom) { zoomLabel_->setText(QStringLiteral("%1 %").arg(qRound(zoom * 100))); });
  connect(canvas_, &ImageCanvas::cursorImagePositionChanged, this, [this](QPoint pixel, bool onImage) {
    cursorLabel_->setText(onImage ? QStringLiteral("%1, %2").arg(pixel.x()).arg(pixel.y()) : QString());
  });
  connect(canvas_, &ImageCanvas::fileDropped, this, [this](const QString& path) { openImage(path); });
}

void MainWindow::restoreLayout() {
  const AppSettings settings;
  if (!restoreGeometry(settings.windowGeometry())) placeWindow();
  restoreState(settings.windowState());
}

void MainWindow::placeWindow() {
  // 1280 × 820 where there is room; on a smaller screen (1280 × 800, a laptop) the available
  // area, so that no panel or the status bar lies below the screen's edge. Sized, not
  // maximised: a caller's later resize() still applies.
  const QScreen* screen = QGuiApplication::primaryScreen();
  const QRect available = screen ? screen->availableGeometry() : QRect(0, 0, 1280, 820);
  const QSize wanted(1280, 820);
  // The frame the window manager adds (title bar, borders) is not known before the window
  // shows: keep room for it (a title bar is about 30 px, a border a few).
  const QSize frame(8, 48);
  if (available.width() < wanted.width() + frame.width() || available.height() < wanted.height() + frame.height()) {
    resize(available.size().boundedTo(wanted + frame) - frame);
    move(available.topLeft());
  } else {
    resize(wanted);
  }
}

bool MainWindow::event(QEvent* event) {
  // QMainWindow shows a menu item's status tip in the status bar (and clears it with an empty
  // one): it would overwrite the status line and collide with the run indicator. The items
  // have tooltips instead.
  if (event->type() == QEvent::StatusTip) return true;
  return QMainWindow::event(event);
}

void MainWindow::updateRecentMenu() {
  recentMenu_->clear();
  const QStringList files = AppSettings().recentFiles();
  for (const QString& path : files)
    recentMenu_->addAction(QFileInfo(path).fileName(), this, [this, path] { openImage(path); })->setToolTip(path);
  if (files.isEmpty()) recentMenu_->addAction(tr("No recent files"))->setEnabled(false);
  recentMenu_->setToolTipsVisible(true);
}

void MainWindow::updateActions() {
  const bool running = isRunning();
  const HistoryEntry* entry = history_->currentEntry();
  const bool hasResult = entry != nullptr;
  const bool hasMask = hasResult && !entry->mask.isNull();
  exportImage_->setEnabled(hasResult);
  exportMask_->setEnabled(hasMask);
  exportOverlay_->setEnabled(hasMask);
  exportSteps_->setEnabled(hasResult && !entry->stepMasks.isEmpty());
  copyImage_->setEnabled(hasResult && !entry->result.isNull());
  applyAction_->setEnabled(!running && document_.kind != Document::Kind::None &&
                           editPanel_->currentCheck().ok);
  cancelAction_->setEnabled(running && !runStatus_->isCancelling());
  editPanel_->setBusy(running);
  modelSwitcher_->setEnabled(!running);  // a switch waits for the run to end
}

bool MainWindow::isRunning() const { return engine_->busy(); }

void MainWindow::applyEngineConfig(const EngineConfig& config) {
  AppSettings().setEngineConfig(config);
  engine_->configure(config);
  checkConfiguredModel(config);
  AppSettings().addRecentModel(config.modelFolder, config.modelConfigFolder);
  updateModelSwitcher();
  engine_->listTokens();  // the edit box's part names come back with the list
  updateWizardModel();
}

void MainWindow::startup() {
  restoreSession();
  if (AppSettings().hasModel()) return;
  auto* dialog = new PreferencesDialog(AppSettings().engineConfig(), PreferencesDialog::Mode::FirstRun, this);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  connect(dialog, &QDialog::accepted, this, [this, dialog] {
    applyEngineConfig(dialog->config());
    status_->note(tr("Model folder set: %1").arg(dialog->config().modelFolder));
  });
  dialog->open();
}

void MainWindow::showPreferences() {
  auto* dialog = new PreferencesDialog(AppSettings().engineConfig(), PreferencesDialog::Mode::Preferences, this);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  dialog->setSessionLimitBytes(AppSettings().sessionLimitBytes());
  connect(dialog, &QDialog::accepted, this, [this, dialog] {
    AppSettings().setSessionLimitBytes(dialog->sessionLimitBytes());
    applyEngineConfig(dialog->config());
  });
  connect(dialog, &PreferencesDialog::clearCacheRequested, this, [this, dialog] {
    const quint64 id = engine_->clearCache();
    connect(engine_->worker(), &EngineWorker::cacheCleared, dialog, [dialog, id](quint64 done, int removed) {
      if (done == id) dialog->showCacheCleared(removed);
    });
  });
  dialog->open();
}

void MainWindow::showNewImageDialog(const GenerateSettings* given) {
  const GenerateSettings initial = given ? *given
                                   : document_.kind == Document::Kind::Generated ? document_.generation
                                                                                 : GenerateSettings::defaults();
  auto* dialog = new NewImageDialog(initial, newImageSide(), this);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  connect(dialog, &QDialog::accepted, this, [this, dialog] { generateImage(dialog->settings()); });
  dialog->open();
}

void MainWindow::reportError(const QString& title, const QString& message) {
  status_->note(message, NoteKind::Error);
  Q_EMIT errorReported(message);
  auto* box = new QMessageBox(QMessageBox::Warning, title, message, QMessageBox::Ok, this);
  box->setAttribute(Qt::WA_DeleteOnClose);
  box->open();  // window-modal but not blocking: no nested event loop
}

}  // namespace partedit::ui
