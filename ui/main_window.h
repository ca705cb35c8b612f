#pragma once
// The application's main window: the canvas in the centre; docks for the edit panel, the
// history and the part tokens; menus File/Edit/View/Help; a status bar with the run
// indicator, the zoom and the pixel under the cursor. Every engine request goes through the
// EngineClient (one worker thread); the window never blocks on it.
#include <QImage>
#include <QMainWindow>
#include <QPointer>

#include "ui/worker/engine_types.h"

class QAction;
class QLabel;
class QMenu;
class QSlider;

namespace partedit::ui {

class EditPanel;
class EngineClient;
class HistoryModel;
class HistoryPanel;
class ImageCanvas;
class ProgressThrottle;
class RunStatus;
class TokenPanel;
class TrainingWizard;
struct HistoryEntry;

class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  // After show(): asks for the model folders when none is configured (non-blocking dialog).
  void startup();

  bool openImage(const QString& path);        // a photo to edit; false (and errorReported) if unreadable
  void generateImage(const GenerateSettings& settings);  // a source image from a prompt
  bool applyEdit();                            // the edit panel's edit on the current image
  void cancelRun();
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
  bool isRunning() const;

 Q_SIGNALS:
  // Every error shown to the user, also observable by tests and logs.
  void errorReported(const QString& message);
  void resultShown();    // a new result entered the history
  void runFinished();    // a request ended (result, failure or cancel)
  void exportFinished(const QString& path);

 protected:
  void closeEvent(QCloseEvent* event) override;

 private:
  struct Document {
    enum class Kind { None, Photo, Generated } kind = Kind::None;
    QString path;                 // the photo
    GenerateSettings generation;  // a generated image's settings (seed as used)
  };

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
  void showNewImageDialog();
  void updateWizardModel();  // the wizard knows which model it trains for
  void exportWithDialog(ExportKind kind);
  void reportError(const QString& title, const QString& message);
  QImage exportImage(ExportKind kind, QString* parameters) const;

  EngineClient* engine_ = nullptr;
  ImageCanvas* canvas_ = nullptr;
  EditPanel* editPanel_ = nullptr;
  HistoryModel* history_ = nullptr;
  HistoryPanel* historyPanel_ = nullptr;
  TokenPanel* tokenPanel_ = nullptr;
  RunStatus* runStatus_ = nullptr;
  ProgressThrottle* progress_ = nullptr;  // the engine's reports, shown at a bounded rate
  QLabel* zoomLabel_ = nullptr;
  QLabel* cursorLabel_ = nullptr;
  QSlider* opacity_ = nullptr;
  QMenu* recentMenu_ = nullptr;
  QAction* exportImage_ = nullptr;
  QAction* exportMask_ = nullptr;
  QAction* exportOverlay_ = nullptr;
  QAction* exportSteps_ = nullptr;
  QAction* applyAction_ = nullptr;
  QAction* cancelAction_ = nullptr;
  QAction* showMask_ = nullptr;
  QAction* compare_ = nullptr;
  QAction* split_ = nullptr;
  QAction* maskOnly_ = nullptr;
  QPointer<TrainingWizard> wizard_;

  Document document_;
  ModelInfo model_;
  quint64 runningId_ = 0;        // the request whose progress the canvas shows
  quint64 captionId_ = 0;        // a caption on its way into the source prompt
  QImage beforeRun_;             // the canvas image a cancelled run restores
  QSize runSize_;                // the size a generation's previews are laid out at
  bool lastResultRerenderable_ = false;
};

}  // namespace partedit::ui
