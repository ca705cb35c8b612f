#pragma once
// The engine worker (architecture.md): a QObject on one long-lived thread that owns the
// core Engine, so that every torch call runs on that thread. Widgets send value-type
// requests by queued call (EngineClient) and receive progress and results as signals with
// QImages. Requests run one after another in the order sent.
// Cancellation is per request: each id has its own token, so a cancel reaches the request it
// names and no other, whenever it lands. A running request stops within a fraction of a step
// (core checks inside the UNet and the VAE) and its result is dropped; a queued one never starts (cancelled, then finished, without started).
// Requests that write or list files the artist asked for (export, import, save token, clear
// cache, list tokens) always run to their end: a cancel does not reach them.
#include <functional>
#include <memory>

#include <QObject>

#include "ui/worker/edit_text_check.h"
#include "ui/worker/engine_types.h"

namespace partedit {
struct EditJob;
}

namespace partedit::ui {

class EngineWorker : public QObject {
  Q_OBJECT
 public:
  EngineWorker();
  ~EngineWorker() override;

  // Thread-safe. The sender calls requestQueued(id) before queuing request `id`, so that a
  // cancel reaches it while it waits (a request not announced can be cancelled once it runs).
  void requestQueued(quint64 id);
  void cancel(quint64 id);  // that request, queued or running; nothing once it has ended
  void cancelAll();         // every announced or running request

  enum MessageKind { Status = 0, Note = 1, Warning = 2 };

 public Q_SLOTS:
  void configure(const partedit::ui::EngineConfig& config);
  void generate(quint64 id, const partedit::ui::GenerateSettings& settings);
  // keepState: the result can be re-rendered with another t_e (rerender()).
  void editGenerated(quint64 id, const partedit::ui::GenerateSettings& source, const partedit::ui::EditSettings& edit);
  void editPhoto(quint64 id, const partedit::ui::PhotoSettings& photo, const partedit::ui::GenerateSettings& generation,
                 const partedit::ui::EditSettings& edit);
  void caption(quint64 id, const QString& photoPath);
  // The last edit again with t_e = editEnd, from its kept per-step state.
  void rerender(quint64 id, int editEnd);
  void listTokens();
  void importToken(quint64 id, const QString& file);
  void renameToken(quint64 id, const QString& partName, const QString& newName);
  void deleteToken(quint64 id, const QString& partName);
  // Writes `image` (and its parameters) atomically: PNG, JPEG or WebP by extension.
  void exportImage(quint64 id, const QImage& image, const QString& path, const QString& parameters);
  void clearCache(quint64 id);
  // Trains a part token with the loaded model (loading it first): trainingStep every step,
  // trainingValidated every validation, trainingCheckpoint at every checkpoint (also when
  // cancelled), then tokenTrained. The token is kept until saveTrainedToken().
  void trainToken(quint64 id, const partedit::ui::TrainingSettings& settings);
  // Writes the last trained token into the user token folder as `partName`, then lists the
  // tokens again (tokensListed) so that the part completes at once. A name already in that
  // folder is not replaced unless `overwrite`: tokenNameTaken instead.
  void saveTrainedToken(quint64 id, const QString& partName, bool overwrite);

 Q_SIGNALS:
  void started(quint64 id, const QString& what);
  void progress(quint64 id, const partedit::ui::ProgressInfo& info);
  void message(quint64 id, int kind, const QString& text);
  void modelLoaded(const partedit::ui::ModelInfo& info);
  void modelLoadFailed(const QString& folder, const QString& message);  // then the request fails
  void tokensListed(const QVector<partedit::ui::TokenInfo>& tokens);
  // With every tokensListed: the names an edit can give its part (for EditTextChecker).
  void partNamesListed(const partedit::ui::PartVocabulary& parts);
  void resultReady(const partedit::ui::ResultImages& result);
  void captionReady(quint64 id, const QString& caption);
  void exported(quint64 id, const QString& path);
  void cacheCleared(quint64 id, int removed);
  void trainingStep(quint64 id, const partedit::ui::TrainingStepInfo& step);
  void trainingValidated(quint64 id, const partedit::ui::TrainingValidationInfo& validation);
  void trainingCheckpoint(quint64 id, const QString& path, int step);
  void tokenTrained(quint64 id, const partedit::ui::TrainedTokenInfo& token);
  void tokenSaved(quint64 id, const QString& partName, const QString& path);
  void tokenNameTaken(quint64 id, const QString& partName, const QString& existingPath);
  void failed(quint64 id, const QString& message);
  void cancelled(quint64 id);
  void finished(quint64 id);  // after any request, whatever its end

 private:
  struct State;
  enum class Cancellable { Yes, No };
  // started, then `body`, then exactly one of (its result signal, failed, cancelled), then
  // finished; a cancellable request cancelled in the queue: cancelled, then finished.
  void run(quint64 id, const QString& what, const std::function<void()>& body,
           Cancellable cancellable = Cancellable::Yes);
  // The engine as configured; with needModel the model is loaded (modelLoaded, tokensListed).
  void prepare(quint64 id, bool needModel);
  void emitTokens();
  // Runs an edit keeping its per-step state (instant t_e) and reports it.
  void runEdit(quint64 id, partedit::EditJob& job);
  std::unique_ptr<State> state_;
};

}  // namespace partedit::ui
