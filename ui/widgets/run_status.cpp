#include "ui/widgets/run_status.h"

#include <cmath>

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QToolButton>

#include "ui/worker/engine_types.h"

namespace partedit::ui {

QString formatSeconds(double seconds) {
  const qint64 s = std::llround(std::max(0.0, seconds));
  if (s < 60) return RunStatus::tr("%1 s").arg(s);
  if (s < 3600) return RunStatus::tr("%1 min %2 s").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
  return RunStatus::tr("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60, 2, 10, QLatin1Char('0'));
}

QString stageName(int stageId) {
  // The order of partedit::EngineStage.
  switch (stageId) {
    case 0: return RunStatus::tr("Loading the model");
    case 1: return RunStatus::tr("Captioning the photo");
    case 2: return RunStatus::tr("Inverting the photo");
    case 3: return RunStatus::tr("Replaying the inversion");
    case 4: return RunStatus::tr("Generating");
    case 5: return RunStatus::tr("Editing");
    case 6: return RunStatus::tr("Decoding");
    case 7: return RunStatus::tr("Inverting and editing the photo");
    case 8: return RunStatus::tr("Preparing the training");
    case 9: return RunStatus::tr("Training");
    case 10: return RunStatus::tr("Locating the part");
    case 11: return RunStatus::tr("Compositing into the photo");
  }
  return RunStatus::tr("Working");
}

RunStatus::RunStatus(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("RunStatus"));
  label_ = new QLabel(this);
  label_->setObjectName(QStringLiteral("runLabel"));
  // Room for the longest line, so that a long status message never squeezes it.
  label_->setMinimumWidth(label_->fontMetrics().horizontalAdvance(
      tr("%1 — step %2 of %3 · %4 elapsed").arg(tr("Inverting and editing the photo")).arg(50).arg(50).arg(tr("%1 min %2 s").arg(10).arg(10)) +
      tr(" · %1 left").arg(tr("%1 min %2 s").arg(10).arg(10))));
  bar_ = new QProgressBar(this);
  bar_->setObjectName(QStringLiteral("runProgress"));
  bar_->setMaximumWidth(220);
  bar_->setTextVisible(false);
  cancel_ = new QToolButton(this);
  cancel_->setObjectName(QStringLiteral("runCancel"));
  // Wide enough for "Cancelling…" too: the status bar does not shift when it shows.
  cancel_->setText(tr("Cancelling…"));
  cancel_->setMinimumWidth(cancel_->sizeHint().width());
  cancel_->setText(tr("Cancel"));
  cancel_->setToolTip(tr("Stop the run within a moment; the previous result stays (Esc)"));
  auto* layout = new QHBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(label_);
  layout->addWidget(bar_);
  layout->addWidget(cancel_);
  connect(cancel_, &QToolButton::clicked, this, &RunStatus::cancelRequested);
  waitingTicks_.setInterval(1000);
  connect(&waitingTicks_, &QTimer::timeout, this, [this] {
    label_->setText(tr("%1… %2").arg(waitingFor_, formatSeconds(waiting_.elapsed() / 1000.0)));
  });
  hide();
}

void RunStatus::showWaiting(const QString& what) {
  if (!waitingTicks_.isActive() || waitingFor_ != what) {
    waitingFor_ = what;
    waiting_.restart();
    label_->setText(what + QStringLiteral("…"));
    waitingTicks_.start();
  }
  bar_->setRange(0, 1);  // empty until the first step: no busy animation
  bar_->setValue(0);
}

void RunStatus::start(const QString& what) {
  what_ = what;
  cancelling_ = false;
  cancel_->setEnabled(true);
  cancel_->setText(tr("Cancel"));
  waitingTicks_.stop();
  showWaiting(what);  // until the first step reports
  show();
}

void RunStatus::update(const ProgressInfo& info) {
  if (cancelling_) return;
  if (info.total <= 0) {
    showWaiting(stageName(info.stageId));
    return;
  }
  waitingTicks_.stop();
  bar_->setRange(0, info.total);
  bar_->setValue(info.step);
  QString text = tr("%1 — step %2 of %3 · %4 elapsed")
                     .arg(stageName(info.stageId))
                     .arg(info.step)
                     .arg(info.total)
                     .arg(formatSeconds(info.elapsed));
  // Time left once a step has given a pace to estimate from.
  if (info.step > 0 && info.step < info.total) text += tr(" · %1 left").arg(formatSeconds(info.remaining));
  label_->setText(text);
}

void RunStatus::modelReady() {
  if (cancelling_ || !isVisible() || waitingFor_ != stageName(0) || !waitingTicks_.isActive()) return;
  waitingTicks_.stop();
  showWaiting(what_);
}

void RunStatus::setCancelling() {
  cancelling_ = true;
  waitingTicks_.stop();
  label_->setText(tr("Cancelling…"));
  cancel_->setEnabled(false);
  cancel_->setText(tr("Cancelling…"));
}

void RunStatus::stop() {
  cancelling_ = false;
  waitingTicks_.stop();
  hide();
}

QString RunStatus::text() const { return label_->text(); }

}  // namespace partedit::ui
