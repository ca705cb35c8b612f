#include "ui/widgets/finish_notifier.h"

#include <QApplication>
#include <QStyle>
#include <QSystemTrayIcon>
#include <QTimer>
#include <QWidget>

#include "ui/widgets/run_status.h"
#include "ui/worker/engine_worker.h"

namespace partedit::ui {

namespace {

constexpr int kTrayMessageMs = 10000;
// The tray icon stays a little longer than its message, then goes: PartEdit keeps no icon
// in the tray between runs.
constexpr int kTrayIconLingerMs = 15000;

}  // namespace

FinishNotifier::FinishNotifier(QWidget* window) : QObject(window), window_(window) {
  activeProbe_ = [] { return QApplication::activeWindow() != nullptr; };
}

void FinishNotifier::watch(EngineWorker* worker) {
  connect(worker, &EngineWorker::started, this, [this](quint64 id, const QString&) { started_[id].start(); });
  connect(worker, &EngineWorker::resultReady, this, [this](const ResultImages& result) {
    runEnded(elapsedOf(result.requestId), result.isEdit ? tr("Edit finished") : tr("Image generated"),
             result.isEdit ? tr("The edit “%1” is done.").arg(result.editPrompt) : tr("The new image is ready."));
  });
  connect(worker, &EngineWorker::tokenTrained, this, [this](quint64 id, const TrainedTokenInfo& token) {
    runEnded(elapsedOf(id), tr("Training finished"),
             tr("The part token “%1” is trained (%2 steps): save it to the library.").arg(token.partName).arg(token.steps));
  });
  connect(worker, &EngineWorker::failed, this, [this](quint64 id, const QString& message) {
    runEnded(elapsedOf(id), tr("The run stopped"), message);
  });
  connect(worker, &EngineWorker::finished, this, [this](quint64 id) { started_.remove(id); });
}

qint64 FinishNotifier::elapsedOf(quint64 id) const {
  const auto found = started_.constFind(id);
  return found == started_.constEnd() ? 0 : found->elapsed();
}

bool FinishNotifier::shouldNotify(bool appActive, qint64 elapsedMs, qint64 longRunMs) {
  return !appActive && elapsedMs >= longRunMs;
}

bool FinishNotifier::runEnded(qint64 elapsedMs, const QString& title, const QString& text) {
  if (!shouldNotify(activeProbe_ && activeProbe_(), elapsedMs, longRunMs_)) return false;
  const QString took = tr("%1 (took %2)").arg(text, formatSeconds(elapsedMs / 1000.0));
  if (trayAllowed_ && QSystemTrayIcon::isSystemTrayAvailable()) showInTray(title, took);
  if (window_) QApplication::alert(window_);  // the taskbar entry asks for attention until looked at
  Q_EMIT notified(title, took);
  return true;
}

void FinishNotifier::showInTray(const QString& title, const QString& text) {
  if (!tray_) {
    QIcon icon = window_ ? window_->windowIcon() : QIcon();
    if (icon.isNull()) icon = QApplication::windowIcon();
    if (icon.isNull()) icon = QApplication::style()->standardIcon(QStyle::SP_MessageBoxInformation);
    tray_ = new QSystemTrayIcon(icon, this);
    tray_->setToolTip(QApplication::applicationDisplayName());
    connect(tray_, &QSystemTrayIcon::messageClicked, this, [this] {
      if (!window_) return;
      window_->showNormal();
      window_->raise();
      window_->activateWindow();
    });
    trayHide_ = new QTimer(this);
    trayHide_->setSingleShot(true);
    trayHide_->setInterval(kTrayIconLingerMs);
    connect(trayHide_, &QTimer::timeout, tray_, &QSystemTrayIcon::hide);
  }
  tray_->show();
  tray_->showMessage(title, text, QSystemTrayIcon::Information, kTrayMessageMs);
  trayHide_->start();
}

}  // namespace partedit::ui
