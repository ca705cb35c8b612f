#include "ui/history/image_document.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QUuid>

namespace partedit::ui {

QString ImageDocument::displayName() const {
  switch (kind) {
    case Kind::Photo:
      return QFileInfo(path).fileName();
    case Kind::Generated: {
      const QString prompt = generation.prompt.simplified();
      return prompt.size() > 24 ? prompt.left(23) + QChar(0x2026) : prompt;
    }
    case Kind::None:
      break;
  }
  return QCoreApplication::translate("partedit::ui::ImageDocument", "Untitled");
}

std::optional<QString> ImageDocument::appendResult(HistoryEntry entry, int maximumEntries) {
  entries.resize(currentRow + 1);
  if (entry.thumbnail.isNull()) entry.thumbnail = makeHistoryThumbnail(entry.result);
  if (!entry.createdAt.isValid()) entry.createdAt = QDateTime::currentDateTime();
  if (entry.storageKey.isEmpty()) entry.storageKey = QUuid::createUuid().toString(QUuid::Id128);
  entries.append(std::move(entry));
  std::optional<QString> dropped;
  if (maximumEntries > 0 && entries.size() > maximumEntries) {
    dropped = entries.constFirst().title;
    entries.removeFirst();
  }
  currentRow = entries.size() - 1;
  return dropped;
}

QVariantMap generationToMap(const GenerateSettings& g) {
  QVariantMap m;
  m.insert(QStringLiteral("prompt"), g.prompt);
  m.insert(QStringLiteral("negative"), g.negative);
  if (g.seed) m.insert(QStringLiteral("seed"), QString::number(*g.seed));  // text: JSON numbers stop at 2^53
  m.insert(QStringLiteral("steps"), g.steps);
  m.insert(QStringLiteral("guidance"), g.guidance);
  m.insert(QStringLiteral("scheduler"), g.scheduler);
  m.insert(QStringLiteral("width"), g.width);
  m.insert(QStringLiteral("height"), g.height);
  return m;
}

GenerateSettings generationFromMap(const QVariantMap& m) {
  GenerateSettings g = GenerateSettings::defaults();
  g.prompt = m.value(QStringLiteral("prompt"), g.prompt).toString();
  g.negative = m.value(QStringLiteral("negative"), g.negative).toString();
  bool ok = false;
  const quint64 seed = m.value(QStringLiteral("seed")).toString().toULongLong(&ok);
  if (ok) g.seed = seed;
  g.steps = m.value(QStringLiteral("steps"), g.steps).toInt();
  g.guidance = m.value(QStringLiteral("guidance"), g.guidance).toDouble();
  g.scheduler = m.value(QStringLiteral("scheduler"), g.scheduler).toString();
  g.width = m.value(QStringLiteral("width"), g.width).toInt();
  g.height = m.value(QStringLiteral("height"), g.height).toInt();
  return g;
}

}  // namespace partedit::ui
