#pragma once
// The session kept between runs of the app: every open image with its history (result,
// before, mask and step masks as PNG files, titles, parameters, settings), which image and
// entry were current and the Edit panel's settings. Kept in one folder (by default
// AppDataLocation/session): a PNG per image, written once per entry, and session.json,
// replaced atomically (QSaveFile) after them, so a crash mid-save leaves the previous
// session whole. A size limit drops the oldest entries first.
#include <QFuture>
#include <QObject>
#include <QString>
#include <QVector>

#include "ui/history/image_document.h"

namespace partedit::ui {

struct SessionSnapshot {
  QVector<ImageDocument> documents;
  int active = -1;
};

struct SessionLoad {
  SessionSnapshot session;
  QString problem;   // in plain words when the file was damaged or some images were unreadable
};

class SessionStore {
 public:
  explicit SessionStore(QString folder = defaultFolder());
  static QString defaultFolder();
  QString folder() const { return folder_; }
  QString sessionFile() const;

  // Writes `session`, keeping at most `limitBytes` of images (the oldest entries dropped
  // first; 0 = no limit); returns the problem in plain words, empty on success.
  QString save(const SessionSnapshot& session, qint64 limitBytes) const;
  // Reads the saved session; none is an empty one. Never throws: a damaged session.json is
  // set aside (session-damaged.json) and reported, unreadable images leave their entries out.
  SessionLoad load() const;

 private:
  QString folder_;
};

// Saves off the GUI thread (PNG encoding takes a while), one save at a time: a request
// while one runs is kept and written after it with the latest snapshot.
class SessionSaver : public QObject {
  Q_OBJECT
 public:
  explicit SessionSaver(SessionStore store, QObject* parent = nullptr);
  ~SessionSaver() override;  // waits for a running save

  void saveLater(const SessionSnapshot& session, qint64 limitBytes);
  // Waits for a running save, then writes `session` at once (closing the window).
  QString saveNow(const SessionSnapshot& session, qint64 limitBytes);
  const SessionStore& store() const { return store_; }
  QString lastProblem() const { return lastProblem_; }

 Q_SIGNALS:
  void saved(const QString& problem);  // after each save; problem empty on success

 private:
  void startNext();
  SessionStore store_;
  QFuture<QString> running_;
  bool pending_ = false;
  SessionSnapshot pendingSession_;
  qint64 pendingLimit_ = 0;
  QString lastProblem_;
};

}  // namespace partedit::ui
