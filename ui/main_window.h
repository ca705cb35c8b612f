#pragma once
// The application's main window: the canvas in the centre; docks for the edit panel, the
// history, the part tokens and the log (View › Log); the model switcher above the canvas;
// menus File/Edit/View/Help; a status bar with one message line (StatusLine), the run
// indicator, the zoom and the pixel under the cursor. Every engine request goes through the
// EngineClient (one worker thread); the window never blocks on it.
#include <QImage>
#include <QMainWindow>
#include <QPointer>

#include "ui/history/image_document.h"
#include "ui/worker/engine_types.h"

class QAction;
class QLabel;
class QMenu;
class QSlider;
class QTabBar;
class QTimer;

namespace partedit::ui {

class EditPanel;
class EngineClient;
class HistoryModel;
class HistoryPanel;
class ImageCanvas;
class LogPanel;
class ModelSwitcher;
class ProgressThrottle;
class RunStatus;
class SessionSaver;
struct SessionLoad;
class StatusLine;
class TokenPanel;
class TrainingWizard;
struct HistoryEntry;

class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  // After show(): restores the last session's images, then asks for the model folders when
  // none is configured (non-blocking dialog).
  void startup();
  // The images of the last session, added to those open: read off the GUI thread (a session
  // may hold a gigabyte of PNGs), then sessionRestored(). Nothing is saved meanwhile.
  void restoreSession();
  bool isRestoringSession() const { return sessionLoading_; }
  QString saveSessionNow();  // at once (also on close); the problem in plain words, or empty

  // One history per open image (ui/main_window_documents.cpp): opening or creating an image
  // adds one; the tabs above the canvas switch between them.
  int documentCount() const { return documents_.size(); }
  int activeDocument() const { return activeDocument_; }
  void activateDocument(int index);
  bool closeDocument(int index, bool confirmed = false);  // asks when it has unexported results
  QTabBar* documentTabs() const { return documentTabs_; }

  bool openImage(const QString& path);        // a photo to edit; false (and errorReported) if unreadable
  void generateImage(const GenerateSettings& settings);  // a source image from a prompt
  bool applyEdit();                            // the edit panel's edit on the current image
  void cancelRun();
  void copyImage();   // Edit › Copy Image (main_window_clipboard.cpp)
  bool pasteImage();  // Edit › Paste Image: opened as a photo; false (and errorReported) without one
  void applyEngineConfig(const EngineConfig& config);  // and remember it

  enum class ExportKind { Image, Mask, MaskOverlay, StepMasks };
  // Writes the current result (atomically, via the engine). An existing file is replaced
  // only when `overwriteConfirmed`; returns false when nothing was sent.
  bool exportCurrent(ExportKind kind, const QString& path, bool overwriteConfirmed = false);

  // Tools ▸ Train Part Token…: shows the wizard (one per window) on `projectFolder`, by
  // default the project it had last.
  TrainingWizard* showTrainingWizard(const QString& projectFolder = QString());
  TrainingWizard* trainingWizard() const;

  EngineClient* engine() const { return engine_; }
  EditPanel* editPanel() const { return editPanel_; }
  ImageCanvas* canvas() const { return canvas_; }
  HistoryModel* history() const { return history_; }
  RunStatus* runStatus() const { return runStatus_; }
  StatusLine* statusLine() const { return status_; }
  LogPanel* logPanel() const { return log_; }
  ModelSwitcher* modelSwitcher() const { return modelSwitcher_; }
  bool isRunning() const;

 Q_SIGNALS:
  // Every error shown to the user, also observable by tests and logs.
  void errorReported(const QString& message);
  void warningReported(const QString& message);  // e.g. an image opened in part (truncated)
  void resultShown();    // a new result entered the history
  void runFinished();    // a request ended (result, failure or cancel)
  void exportFinished(const QString& path);
  void sessionRestored();  // the last session's images are in (or there were none)

 protected:
  void closeEvent(QCloseEvent* event) override;
  bool event(QEvent* event) override;  // menu hover tips stay out of the status line

 private:
  using Document = ImageDocument;

  void createDocks();
  void createActions();
  void createMenus();
  void createStatusBar();
  void connectEngine();
  void restoreLayout();
  void updateRecentMenu();
  void updateActions();
  void showEntry(const HistoryEntry* entry);
  void onResult(const ResultImages& result);
  void onFailed(quint64 id, const QString& message);
  void startRun(quint64 id, const QString& what);
  void showProgress(const ProgressInfo& info);
  void endRun();
  void showPreferences();
  void showNewImageDialog(const GenerateSettings* initial = nullptr);
  void showImageInfo();                 // File › Image Info (main_window_image_info.cpp)
  // The model switcher (main_window_model.cpp): another recent folder, or one chosen.
  void createModelBar();
  void switchModel(const QString& folder);
  void chooseModelFolder();
  void updateModelSwitcher();
  void placeWindow();                   // the first start: fits the screen it opens on
  void checkConfiguredModel(const EngineConfig& config);  // its default size, off the GUI thread
  int newImageSide() const;             // the side New from Prompt offers
  void updateWizardModel();  // the wizard knows which model it trains for
  void exportWithDialog(ExportKind kind);
  void reportError(const QString& title, const QString& message);
  QImage exportImage(ExportKind kind, QString* parameters) const;

  // Documents and the session (ui/main_window_documents.cpp).
  QWidget* createDocumentArea();    // the tabs over the canvas
  void beginDocument(Document::Kind kind);  // a new current image with an empty history
  void stashActiveDocument();       // the shown image's history and panel into documents_
  void updateDocumentTab();
  ImageDocument* documentById(quint64 id);
  void pushResultTo(quint64 documentId, HistoryEntry entry, const ResultImages& result);
  // A generation that failed or was cancelled before its first result leaves no empty image
  // behind (the window must not look as if one were loaded).
  void dropEmptyDocument(quint64 documentId);
  // The history keeps its last HistoryModel::maximumEntries(): the artist hears which went.
  void noteDroppedEntry(const QString& image, const QString& title);
  void rememberRun(quint64 id);     // which image and which settings a request runs for
  void loadEntrySettings();         // undo or a selected entry puts its settings back
  void scheduleSessionSave();
  void applyRestoredSession(const SessionLoad& loaded);
  bool confirmQuit();               // true to go on closing; false: asked or refused
  int unexportedResults() const;

  EngineClient* engine_ = nullptr;
  ImageCanvas* canvas_ = nullptr;
  EditPanel* editPanel_ = nullptr;
  HistoryModel* history_ = nullptr;
  HistoryPanel* historyPanel_ = nullptr;
  TokenPanel* tokenPanel_ = nullptr;
  RunStatus* runStatus_ = nullptr;
  StatusLine* status_ = nullptr;
  LogPanel* log_ = nullptr;
  ModelSwitcher* modelSwitcher_ = nullptr;
  ProgressThrottle* progress_ = nullptr;  // the engine's reports, shown at a bounded rate
  QLabel* zoomLabel_ = nullptr;
  QLabel* cursorLabel_ = nullptr;
  QSlider* opacity_ = nullptr;
  QMenu* recentMenu_ = nullptr;
  QAction* exportImage_ = nullptr;
  QAction* exportMask_ = nullptr;
  QAction* exportOverlay_ = nullptr;
  QAction* exportSteps_ = nullptr;
  QAction* copyImage_ = nullptr;
  QAction* applyAction_ = nullptr;
  QAction* cancelAction_ = nullptr;
  QAction* showMask_ = nullptr;
  QAction* compare_ = nullptr;
  QAction* split_ = nullptr;
  QAction* maskOnly_ = nullptr;
  QPointer<TrainingWizard> wizard_;

  Document document_;              // the shown image (its history lives in history_)
  QVector<ImageDocument> documents_;  // every open image; the shown one's state is in document_
  int activeDocument_ = -1;
  quint64 nextDocumentId_ = 1;
  QTabBar* documentTabs_ = nullptr;
  SessionSaver* sessionSaver_ = nullptr;
  QTimer* sessionTimer_ = nullptr;  // gathers saves after results and navigation
  quint64 runDocumentId_ = 0;      // the image the running request's result belongs to
  QVariantMap runSettings_;        // the panel as the running request started
  bool runActive_ = false;         // a generation or edit of the window's has not ended yet
  quint64 captionDocumentId_ = 0;
  quint64 rerenderDocumentId_ = 0; // the image whose latest edit t_e can re-render
  bool pushingResult_ = false;     // a new entry is current: the panel keeps what is typed
  bool switchingDocument_ = false;
  bool quitConfirmed_ = false;
  bool sessionLoading_ = false;    // the last session is being read: no save may replace it
  bool quitAfterRun_ = false;
  ModelInfo model_;
  quint64 runningId_ = 0;        // the request whose progress the canvas shows
  quint64 captionId_ = 0;        // a caption on its way into the source prompt
  QImage beforeRun_;             // the canvas image a cancelled run restores
  QSize runSize_;                // the size a generation's previews are laid out at
  bool lastResultRerenderable_ = false;
  int configuredModelSide_ = 0;  // the configured model's default side, read from its configs
};

}  // namespace partedit::ui
