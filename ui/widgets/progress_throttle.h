#pragma once
// The engine reports progress as fast as it steps (a tiny model: dozens of steps a second),
// each report with a preview and a mask. Showing every one would keep the GUI thread busy
// converting, tinting and repainting, and take cores from the engine. The throttle passes on
// the first report at once, then at most one every interval: the newest of those that came
// meanwhile (older ones are dropped unseen). A report that changes what is shown (a new
// stage, the first mask) also passes at once.
#include <optional>

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include "ui/worker/engine_types.h"

namespace partedit::ui {

class ProgressThrottle : public QObject {
  Q_OBJECT
 public:
  explicit ProgressThrottle(int intervalMs, QObject* parent = nullptr);
  void offer(const ProgressInfo& info);
  void clear();  // the run ended: a report still waiting is dropped
  void setInterval(int intervalMs) { intervalMs_ = intervalMs; }
  int interval() const { return intervalMs_; }
  bool hasPending() const { return pending_.has_value(); }

 Q_SIGNALS:
  void show(const partedit::ui::ProgressInfo& info);

 private:
  void showNow(const ProgressInfo& info);
  int intervalMs_;
  QElapsedTimer sinceShown_;
  QTimer timer_;
  std::optional<ProgressInfo> pending_;
  int shownStage_ = -1;
  bool shownMask_ = false;
};

}  // namespace partedit::ui
