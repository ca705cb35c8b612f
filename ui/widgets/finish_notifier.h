#pragma once
// A desktop notification when a long run ends while the artist is elsewhere: an edit or a
// generation that took more than kLongRunMs, or a part token's training, finishing (or
// failing) while no window of the app is active. The message goes to the system tray
// (QSystemTrayIcon::showMessage) when there is one, and the window always asks for the
// taskbar's attention (QApplication::alert), the fallback everywhere else. Clicking the
// message brings the window back. Cancelled runs and short ones say nothing: the artist
// was there.
//
// The main window watches its engine worker with one line:
//   (new FinishNotifier(this))->watch(engine_->worker());
#include <functional>

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QPointer>

class QSystemTrayIcon;
class QTimer;
class QWidget;

namespace partedit::ui {

class EngineWorker;

class FinishNotifier : public QObject {
  Q_OBJECT
 public:
  static constexpr qint64 kLongRunMs = 10000;

  explicit FinishNotifier(QWidget* window);  // the window alerted and raised; also the parent

  // Notifies for the worker's results, trained tokens and failures of long requests.
  void watch(EngineWorker* worker);

  // The decision: a run that took `elapsedMs` ended while the app was `active` or not.
  static bool shouldNotify(bool appActive, qint64 elapsedMs, qint64 longRunMs = kLongRunMs);
  // Notifies when shouldNotify says so; true when it did.
  bool runEnded(qint64 elapsedMs, const QString& title, const QString& text);

  // For tests: what "a window of the app is active" means (default: QApplication's active
  // window), what counts as long, and whether the tray may be used.
  void setActiveProbe(std::function<bool()> probe) { activeProbe_ = std::move(probe); }
  void setLongRunMs(qint64 ms) { longRunMs_ = ms; }
  void setTrayAllowed(bool allowed) { trayAllowed_ = allowed; }

 Q_SIGNALS:
  void notified(const QString& title, const QString& text);

 private:
  qint64 elapsedOf(quint64 id) const;
  void showInTray(const QString& title, const QString& text);

  QPointer<QWidget> window_;
  QHash<quint64, QElapsedTimer> started_;  // requests in flight, by id
  std::function<bool()> activeProbe_;
  qint64 longRunMs_ = kLongRunMs;
  bool trayAllowed_ = true;
  QSystemTrayIcon* tray_ = nullptr;  // made on the first message
  QTimer* trayHide_ = nullptr;
};

}  // namespace partedit::ui
