#pragma once
// The status bar's run indicator: what the engine is doing ("Editing — step 12 of 50"),
// elapsed and remaining time, a progress bar and a Cancel button; hidden when idle.
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
  QString what_;
  bool cancelling_ = false;
};

// "42 s", "3 min 05 s", "1 h 02 min".
QString formatSeconds(double seconds);
// The translated name of an engine stage (EngineStage as int).
QString stageName(int stageId);

}  // namespace partedit::ui
