#pragma once
// The status bar's run indicator: what the engine is doing ("Editing — step 12 of 50"),
// elapsed and remaining time, a progress bar and a Cancel button; hidden when idle. A stage
// without steps (loading the model) counts its seconds in the label once a second instead of
// animating a busy bar, which repaints at 60 frames a second (2.5 % of a core here).
#include <QElapsedTimer>
#include <QTimer>
#include <QWidget>

class QLabel;
class QProgressBar;
class QToolButton;

namespace partedit::ui {

struct ProgressInfo;

class RunStatus : public QWidget {
  Q_OBJECT
 public:
  explicit RunStatus(QWidget* parent = nullptr);
  void start(const QString& what);  // shows the indicator, busy until the first step
  void update(const ProgressInfo& info);  // ignored while cancelling
  // The model finished loading: the line says what the run does next instead of "Loading the
  // model…" until its first step reports.
  void modelReady();
  // Cancel was pressed: "Cancelling…" at once, the button disabled, until stop() or start().
  void setCancelling();
  bool isCancelling() const { return cancelling_; }
  void stop();
  QString text() const;

 Q_SIGNALS:
  void cancelRequested();

 private:
  QLabel* label_ = nullptr;
  QProgressBar* bar_ = nullptr;
  QToolButton* cancel_ = nullptr;
  void showWaiting(const QString& what);
  QString what_;
  bool cancelling_ = false;
  QString waitingFor_;
  QElapsedTimer waiting_;
  QTimer waitingTicks_;
};

// "42 s", "3 min 05 s", "1 h 02 min".
QString formatSeconds(double seconds);
// The translated name of an engine stage (EngineStage as int).
QString stageName(int stageId);

}  // namespace partedit::ui
