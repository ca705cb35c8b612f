#include "ui/widgets/progress_throttle.h"

#include <algorithm>

namespace partedit::ui {

ProgressThrottle::ProgressThrottle(int intervalMs, QObject* parent) : QObject(parent), intervalMs_(intervalMs) {
  setObjectName(QStringLiteral("progressThrottle"));
  timer_.setSingleShot(true);
  connect(&timer_, &QTimer::timeout, this, [this] {
    if (!pending_) return;
    const ProgressInfo info = std::move(*pending_);
    pending_.reset();
    showNow(info);
  });
}

void ProgressThrottle::offer(const ProgressInfo& info) {
  const qint64 since = sinceShown_.isValid() ? sinceShown_.elapsed() : intervalMs_;
  const bool news = info.stageId != shownStage_ || (!info.mask.isNull() && !shownMask_);
  if (news || (since >= intervalMs_ && !timer_.isActive())) {
    timer_.stop();
    pending_.reset();
    showNow(info);
    return;
  }
  pending_ = info;  // replaces an older one: only the newest is worth showing
  if (!timer_.isActive()) timer_.start(static_cast<int>(std::max<qint64>(0, intervalMs_ - since)));
}

void ProgressThrottle::clear() {
  timer_.stop();
  pending_.reset();
  sinceShown_.invalidate();
  shownStage_ = -1;
  shownMask_ = false;
}

void ProgressThrottle::showNow(const ProgressInfo& info) {
  sinceShown_.restart();
  shownStage_ = info.stageId;
  shownMask_ = shownMask_ || !info.mask.isNull();
  Q_EMIT show(info);
}

}  // namespace partedit::ui
