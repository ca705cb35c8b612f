#include "ui/history/session_store.h"

#include <QBuffer>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QImageReader>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QSet>
#include <QStandardPaths>
#include <QUuid>
#include <QtConcurrent>

#include <algorithm>

namespace partedit::ui {

namespace {

const QString kSessionFormat = QStringLiteral("partedit-session");
constexpr int kSessionVersion = 1;

QString session_tr(const char* text) { return QCoreApplication::translate("partedit::ui::SessionStore", text); }

QString kind_name(ImageDocument::Kind kind) {
  switch (kind) {
    case ImageDocument::Kind::Photo: return QStringLiteral("photo");
    case ImageDocument::Kind::Generated: return QStringLiteral("generated");
    case ImageDocument::Kind::None: break;
  }
  return QStringLiteral("none");
}

ImageDocument::Kind kind_from_name(const QString& name) {
  if (name == QLatin1String("photo")) return ImageDocument::Kind::Photo;
  if (name == QLatin1String("generated")) return ImageDocument::Kind::Generated;
  return ImageDocument::Kind::None;
}

// Writes `image` as `name` in `folder` unless it is there already (a key names one entry's
// image for good); adds its size to `bytes`. Empty on success, else the problem.
QString write_session_image(const QDir& folder, const QString& name, const QImage& image, qint64* bytes) {
  const QString path = folder.filePath(name);
  QFileInfo existing(path);
  if (!existing.exists()) {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || !image.save(&file, "PNG") || !file.commit())
      return session_tr("%1 could not be written: %2").arg(path, file.errorString());
    existing.refresh();
  }
  *bytes += existing.size();
  return {};
}

// One entry as written: its JSON (images by file name), the bytes of its images and the
// files, so that the limit can drop it whole.
struct StoredEntry {
  QJsonObject json;
  qint64 bytes = 0;
  QStringList files;
  QDateTime createdAt;
  bool dropped = false;
};

}  // namespace

SessionStore::SessionStore(QString folder) : folder_(std::move(folder)) {}

QString SessionStore::defaultFolder() {
  return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/session");
}

QString SessionStore::sessionFile() const { return QDir(folder_).filePath(QStringLiteral("session.json")); }

QString SessionStore::save(const SessionSnapshot& session, qint64 limitBytes) const {
  QDir folder(folder_);
  if (!folder.mkpath(QStringLiteral(".")))
    return session_tr("The session folder %1 could not be created.").arg(folder_);

  // 1. The images of every entry (new ones only), measured.
  QVector<QVector<StoredEntry>> stored(session.documents.size());
  for (int d = 0; d < session.documents.size(); ++d) {
    for (const HistoryEntry& entry : session.documents[d].entries) {
      StoredEntry out;
      out.createdAt = entry.createdAt;
      const QString key = entry.storageKey.isEmpty() ? QUuid::createUuid().toString(QUuid::Id128) : entry.storageKey;
      QJsonObject files;
      auto add = [&](const QString& role, const QImage& image) -> QString {
        if (image.isNull()) return {};
        const QString name = key + QLatin1Char('-') + role + QStringLiteral(".png");
        const QString problem = write_session_image(folder, name, image, &out.bytes);
        if (problem.isEmpty()) out.files << name;
        return problem.isEmpty() ? name : QStringLiteral("!") + problem;
      };
      for (const auto& [role, image] : {std::pair<QString, QImage>{QStringLiteral("result"), entry.result},
                                        {QStringLiteral("before"), entry.before},
                                        {QStringLiteral("mask"), entry.mask}}) {
        const QString name = add(role, image);
        if (name.startsWith(QLatin1Char('!'))) return name.mid(1);
        if (!name.isEmpty()) files.insert(role, name);
      }
      QJsonArray steps;
      for (int s = 0; s < entry.stepMasks.size(); ++s) {
        const QString name = add(QStringLiteral("step%1").arg(s + 1), entry.stepMasks[s]);
        if (name.startsWith(QLatin1Char('!'))) return name.mid(1);
        steps.append(name);
      }
      if (!steps.isEmpty()) files.insert(QStringLiteral("steps"), steps);
      out.json.insert(QStringLiteral("key"), key);
      out.json.insert(QStringLiteral("title"), entry.title);
      out.json.insert(QStringLiteral("parameters"), entry.parameters);
      out.json.insert(QStringLiteral("settings"), QJsonObject::fromVariantMap(entry.settings));
      out.json.insert(QStringLiteral("createdAt"), entry.createdAt.toString(Qt::ISODateWithMs));
      out.json.insert(QStringLiteral("files"), files);
      stored[d].append(out);
    }
  }

  // 2. The size limit: the oldest entries, of whichever image, go first.
  if (limitBytes > 0) {
    QVector<StoredEntry*> byAge;
    qint64 total = 0;
    for (auto& entries : stored)
      for (StoredEntry& entry : entries) {
        byAge.append(&entry);
        total += entry.bytes;
      }
    std::stable_sort(byAge.begin(), byAge.end(),
                     [](const StoredEntry* a, const StoredEntry* b) { return a->createdAt < b->createdAt; });
    for (StoredEntry* entry : byAge) {
      if (total <= limitBytes) break;
      entry->dropped = true;
      total -= entry->bytes;
    }
  }

  // 3. session.json, atomically, naming only what was kept.
  QJsonArray documents;
  QSet<QString> kept;
  int active = -1;
  for (int d = 0; d < session.documents.size(); ++d) {
    const ImageDocument& document = session.documents[d];
    QJsonArray entries;
    int currentRow = -1;
    for (int row = 0; row < stored[d].size(); ++row) {
      if (stored[d][row].dropped) continue;
      entries.append(stored[d][row].json);
      for (const QString& file : stored[d][row].files) kept.insert(file);
      if (row <= document.currentRow) currentRow = entries.size() - 1;
    }
    if (entries.isEmpty()) continue;  // nothing left to show of it
    if (currentRow < 0) currentRow = 0;
    if (d == session.active) active = documents.size();
    QJsonObject json;
    json.insert(QStringLiteral("kind"), kind_name(document.kind));
    json.insert(QStringLiteral("path"), document.path);
    json.insert(QStringLiteral("generation"), QJsonObject::fromVariantMap(generationToMap(document.generation)));
    json.insert(QStringLiteral("panel"), QJsonObject::fromVariantMap(document.panel));
    json.insert(QStringLiteral("currentRow"), currentRow);
    json.insert(QStringLiteral("unexported"), document.unexported);
    json.insert(QStringLiteral("entries"), entries);
    documents.append(json);
  }
  QJsonObject root;
  root.insert(QStringLiteral("format"), kSessionFormat);
  root.insert(QStringLiteral("version"), kSessionVersion);
  root.insert(QStringLiteral("active"), active < 0 && !documents.isEmpty() ? 0 : active);
  root.insert(QStringLiteral("documents"), documents);
  QSaveFile file(sessionFile());
  if (!file.open(QIODevice::WriteOnly) || file.write(QJsonDocument(root).toJson()) < 0 || !file.commit())
    return session_tr("%1 could not be written: %2").arg(sessionFile(), file.errorString());

  // 4. Images no entry names any more (dropped, or of closed images).
  for (const QString& name : folder.entryList({QStringLiteral("*.png")}, QDir::Files))
    if (!kept.contains(name)) folder.remove(name);
  return {};
}

SessionLoad SessionStore::load() const {
  SessionLoad out;
  QFile file(sessionFile());
  if (!file.exists()) return out;
  auto damaged = [&](const QString& why) {
    const QString aside = QDir(folder_).filePath(QStringLiteral("session-damaged.json"));
    QFile::remove(aside);
    file.close();
    const bool moved = QFile::rename(sessionFile(), aside);
    out.session = {};
    out.problem = session_tr("The saved session %1 is damaged (%2), so PartEdit starts without it.")
                      .arg(sessionFile(), why);
    if (moved) out.problem += QLatin1Char(' ') + session_tr("The damaged file was kept as %1.").arg(aside);
    return out;
  };
  if (!file.open(QIODevice::ReadOnly)) {
    out.problem = session_tr("The saved session %1 could not be read: %2").arg(sessionFile(), file.errorString());
    return out;
  }
  QJsonParseError error;
  const QJsonDocument json = QJsonDocument::fromJson(file.readAll(), &error);
  if (error.error != QJsonParseError::NoError)
    return damaged(session_tr("%1 at byte %2").arg(error.errorString()).arg(error.offset));
  const QJsonObject root = json.object();
  if (!json.isObject() || root.value(QStringLiteral("format")).toString() != kSessionFormat ||
      !root.value(QStringLiteral("documents")).isArray())
    return damaged(session_tr("it is not a PartEdit session"));
  if (root.value(QStringLiteral("version")).toInt() > kSessionVersion)
    return damaged(session_tr("it was written by a newer PartEdit"));

  const QDir folder(folder_);
  auto read_image = [&](const QJsonValue& name) {
    if (!name.isString() || name.toString().contains(QLatin1Char('/'))) return QImage();
    QImageReader reader(folder.filePath(name.toString()));
    return reader.read();
  };
  int unreadable = 0;
  const QJsonArray documents = root.value(QStringLiteral("documents")).toArray();
  for (int d = 0; d < documents.size(); ++d) {
    const QJsonObject json = documents[d].toObject();
    ImageDocument document;
    document.kind = kind_from_name(json.value(QStringLiteral("kind")).toString());
    document.path = json.value(QStringLiteral("path")).toString();
    document.generation = generationFromMap(json.value(QStringLiteral("generation")).toObject().toVariantMap());
    document.panel = json.value(QStringLiteral("panel")).toObject().toVariantMap();
    document.unexported = json.value(QStringLiteral("unexported")).toInt();
    const int currentRow = json.value(QStringLiteral("currentRow")).toInt();
    const QJsonArray entries = json.value(QStringLiteral("entries")).toArray();
    for (int row = 0; row < entries.size(); ++row) {
      const QJsonObject e = entries[row].toObject();
      const QJsonObject files = e.value(QStringLiteral("files")).toObject();
      HistoryEntry entry;
      entry.result = read_image(files.value(QStringLiteral("result")));
      if (entry.result.isNull()) {
        ++unreadable;
        continue;
      }
      if (files.contains(QStringLiteral("before"))) entry.before = read_image(files.value(QStringLiteral("before")));
      if (files.contains(QStringLiteral("mask"))) entry.mask = read_image(files.value(QStringLiteral("mask")));
      for (const QJsonValue& step : files.value(QStringLiteral("steps")).toArray()) {
        const QImage mask = read_image(step);
        if (!mask.isNull()) entry.stepMasks.append(mask);
      }
      entry.storageKey = e.value(QStringLiteral("key")).toString();
      entry.title = e.value(QStringLiteral("title")).toString();
      entry.parameters = e.value(QStringLiteral("parameters")).toString();
      entry.settings = e.value(QStringLiteral("settings")).toObject().toVariantMap();
      entry.createdAt = QDateTime::fromString(e.value(QStringLiteral("createdAt")).toString(), Qt::ISODateWithMs);
      if (row <= currentRow) document.currentRow = document.entries.size();
      document.entries.append(entry);
    }
    if (document.kind == ImageDocument::Kind::None || document.entries.isEmpty()) continue;
    if (document.currentRow < 0) document.currentRow = 0;
    if (d == root.value(QStringLiteral("active")).toInt()) out.session.active = out.session.documents.size();
    out.session.documents.append(document);
  }
  if (out.session.active < 0 && !out.session.documents.isEmpty()) out.session.active = 0;
  if (unreadable > 0)
    out.problem = QCoreApplication::translate("partedit::ui::SessionStore",
                                              "%n result(s) of the saved session could not be read from %1 and "
                                              "were left out.",
                                              nullptr, unreadable)
                      .arg(folder_);
  return out;
}

SessionSaver::SessionSaver(SessionStore store, QObject* parent) : QObject(parent), store_(std::move(store)) {}

SessionSaver::~SessionSaver() { running_.waitForFinished(); }

void SessionSaver::saveLater(const SessionSnapshot& session, qint64 limitBytes) {
  pendingSession_ = session;
  pendingLimit_ = limitBytes;
  pending_ = true;
  if (!running_.isRunning()) startNext();
}

void SessionSaver::startNext() {
  if (!pending_) return;
  pending_ = false;
  const SessionStore store = store_;
  const SessionSnapshot session = std::move(pendingSession_);
  pendingSession_ = {};
  const qint64 limit = pendingLimit_;
  running_ = QtConcurrent::run([store, session, limit] { return store.save(session, limit); });
  auto* watcher = new QFutureWatcher<QString>(this);
  connect(watcher, &QFutureWatcher<QString>::finished, this, [this, watcher] {
    watcher->deleteLater();
    lastProblem_ = watcher->result();
    Q_EMIT saved(lastProblem_);
    startNext();
  });
  watcher->setFuture(running_);
}

QString SessionSaver::saveNow(const SessionSnapshot& session, qint64 limitBytes) {
  running_.waitForFinished();
  pending_ = false;
  pendingSession_ = {};
  lastProblem_ = store_.save(session, limitBytes);
  Q_EMIT saved(lastProblem_);
  return lastProblem_;
}

}  // namespace partedit::ui
