#pragma once
// The GUI thread's handle on the engine worker: starts the worker's thread, sends requests
// as queued calls (each gets an id; they run one after another in the order sent), knows
// whether one is running, cancels them by id, and stops the thread cleanly (cancelling every
// request sent) when destroyed. Connect to worker() for progress and results.
#include <QObject>
#include <QThread>

#include "ui/worker/engine_worker.h"

namespace partedit::ui {

class EngineClient : public QObject {
  Q_OBJECT
 public:
  explicit EngineClient(QObject* parent = nullptr);
  ~EngineClient() override;

  EngineWorker* worker() const { return worker_; }
  bool busy() const { return running_ > 0; }  // a request is queued or running
  int pending() const { return running_; }

  void configure(const EngineConfig& config);
  quint64 generate(const GenerateSettings& settings);
  quint64 editGenerated(const GenerateSettings& source, const EditSettings& edit);
  quint64 editPhoto(const PhotoSettings& photo, const GenerateSettings& generation, const EditSettings& edit);
  quint64 caption(const QString& photoPath);
  quint64 rerender(int editEnd);
  quint64 importToken(const QString& file);
  quint64 renameToken(const QString& partName, const QString& newName);
  quint64 deleteToken(const QString& partName);
  quint64 exportImage(const QImage& image, const QString& path, const QString& parameters);
  quint64 clearCache();
  quint64 trainToken(const TrainingSettings& settings);
  quint64 saveTrainedToken(const QString& partName, bool overwrite = false);
  void listTokens();
  // Thread-safe. Cancel names the request the artist means (the one a window shows), so that
  // it is reached wherever it is: running, it stops within one step; still queued behind
  // another, it never starts. See EngineWorker for the requests a cancel does not reach.
  void cancel(quint64 id);
  void cancel();  // every request sent and not ended, running or queued (closing the app)

 Q_SIGNALS:
  void busyChanged(bool busy);

 private:
  quint64 next();  // a new request id, announced to the worker; the client is busy until its finished()
  void markBusy();  // one more request until its finished()
  QThread thread_;
  EngineWorker* worker_ = nullptr;
  quint64 lastId_ = 0;
  int running_ = 0;
};

}  // namespace partedit::ui
