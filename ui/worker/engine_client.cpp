#include "ui/worker/engine_client.h"

namespace partedit::ui {

namespace {

void register_types() {
  static const bool done = [] {
    qRegisterMetaType<EngineConfig>();
    qRegisterMetaType<GenerateSettings>();
    qRegisterMetaType<EditSettings>();
    qRegisterMetaType<PhotoSettings>();
    qRegisterMetaType<ProgressInfo>();
    qRegisterMetaType<TokenInfo>();
    qRegisterMetaType<QVector<TokenInfo>>();
    qRegisterMetaType<PartVocabulary>();
    qRegisterMetaType<ModelInfo>();
    qRegisterMetaType<ResultImages>();
    qRegisterMetaType<TrainingSettings>();
    qRegisterMetaType<TrainingStepInfo>();
    qRegisterMetaType<TrainingValidationInfo>();
    qRegisterMetaType<TrainedTokenInfo>();
    return true;
  }();
  (void)done;
}

}  // namespace

EngineClient::EngineClient(QObject* parent) : QObject(parent) {
  register_types();
  worker_ = new EngineWorker;
  worker_->moveToThread(&thread_);
  connect(&thread_, &QThread::finished, worker_, &QObject::deleteLater);
  connect(worker_, &EngineWorker::finished, this, [this](quint64) {
    if (running_ > 0 && --running_ == 0) Q_EMIT busyChanged(false);
  });
  thread_.setObjectName(QStringLiteral("engine"));
  thread_.start();
}

EngineClient::~EngineClient() {
  worker_->cancelAll();
  thread_.quit();
  thread_.wait();
}

void EngineClient::markBusy() {
  if (running_++ == 0) Q_EMIT busyChanged(true);
}

quint64 EngineClient::next() {
  markBusy();
  const quint64 id = ++lastId_;
  worker_->requestQueued(id);  // before the queued call: a cancel reaches it while it waits
  return id;
}

void EngineClient::configure(const EngineConfig& config) {
  QMetaObject::invokeMethod(worker_, [w = worker_, config] { w->configure(config); }, Qt::QueuedConnection);
}

quint64 EngineClient::generate(const GenerateSettings& settings) {
  const quint64 id = next();
  QMetaObject::invokeMethod(worker_, [w = worker_, id, settings] { w->generate(id, settings); }, Qt::QueuedConnection);
  return id;
}

quint64 EngineClient::editGenerated(const GenerateSettings& source, const EditSettings& edit) {
  const quint64 id = next();
  QMetaObject::invokeMethod(worker_, [w = worker_, id, source, edit] { w->editGenerated(id, source, edit); },
                            Qt::QueuedConnection);
  return id;
}

quint64 EngineClient::editPhoto(const PhotoSettings& photo, const GenerateSettings& generation,
                                const EditSettings& edit) {
  const quint64 id = next();
  QMetaObject::invokeMethod(
      worker_, [w = worker_, id, photo, generation, edit] { w->editPhoto(id, photo, generation, edit); },
      Qt::QueuedConnection);
  return id;
}

quint64 EngineClient::caption(const QString& photoPath) {
  const quint64 id = next();
  QMetaObject::invokeMethod(worker_, [w = worker_, id, photoPath] { w->caption(id, photoPath); }, Qt::QueuedConnection);
  return id;
}

quint64 EngineClient::rerender(int editEnd) {
  const quint64 id = next();
  QMetaObject::invokeMethod(worker_, [w = worker_, id, editEnd] { w->rerender(id, editEnd); }, Qt::QueuedConnection);
  return id;
}

quint64 EngineClient::importToken(const QString& file) {
  const quint64 id = next();
  QMetaObject::invokeMethod(worker_, [w = worker_, id, file] { w->importToken(id, file); }, Qt::QueuedConnection);
  return id;
}

quint64 EngineClient::renameToken(const QString& partName, const QString& newName) {
  const quint64 id = next();
  QMetaObject::invokeMethod(worker_, [w = worker_, id, partName, newName] { w->renameToken(id, partName, newName); },
                            Qt::QueuedConnection);
  return id;
}

quint64 EngineClient::deleteToken(const QString& partName) {
  const quint64 id = next();
  QMetaObject::invokeMethod(worker_, [w = worker_, id, partName] { w->deleteToken(id, partName); },
                            Qt::QueuedConnection);
  return id;
}

quint64 EngineClient::exportImage(const QImage& image, const QString& path, const QString& parameters) {
  const quint64 id = next();
  QMetaObject::invokeMethod(worker_, [w = worker_, id, image, path, parameters] { w->exportImage(id, image, path, parameters); },
                            Qt::QueuedConnection);
  return id;
}

quint64 EngineClient::clearCache() {
  const quint64 id = next();
  QMetaObject::invokeMethod(worker_, [w = worker_, id] { w->clearCache(id); }, Qt::QueuedConnection);
  return id;
}

quint64 EngineClient::trainToken(const TrainingSettings& settings) {
  const quint64 id = next();
  QMetaObject::invokeMethod(worker_, [w = worker_, id, settings] { w->trainToken(id, settings); }, Qt::QueuedConnection);
  return id;
}

quint64 EngineClient::saveTrainedToken(const QString& partName, bool overwrite) {
  const quint64 id = next();
  QMetaObject::invokeMethod(worker_, [w = worker_, id, partName, overwrite] { w->saveTrainedToken(id, partName, overwrite); },
                            Qt::QueuedConnection);
  return id;
}

void EngineClient::listTokens() {
  markBusy();  // finished(0) balances it
  QMetaObject::invokeMethod(worker_, [w = worker_] { w->listTokens(); }, Qt::QueuedConnection);
}

void EngineClient::cancel(quint64 id) { worker_->cancel(id); }
void EngineClient::cancel() { worker_->cancelAll(); }

}  // namespace partedit::ui
