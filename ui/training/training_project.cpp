#include "ui/training/training_project.h"

#include <QBuffer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QImageReader>
#include <QImageWriter>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSaveFile>
#include <QSet>
#include <QStandardPaths>

#include <algorithm>

namespace partedit::ui {

namespace {

const QString kFormatName = QStringLiteral("partedit-training-project");
constexpr int kMaxFolderNameLength = 64;

QString validationName(ValidationChoice choice) {
  switch (choice) {
    case ValidationChoice::AlwaysValidation: return QStringLiteral("always");
    case ValidationChoice::NeverValidation: return QStringLiteral("never");
    case ValidationChoice::Automatic: break;
  }
  return QStringLiteral("auto");
}

bool parseValidation(const QString& name, ValidationChoice* choice) {
  if (name == QLatin1String("auto")) *choice = ValidationChoice::Automatic;
  else if (name == QLatin1String("always")) *choice = ValidationChoice::AlwaysValidation;
  else if (name == QLatin1String("never")) *choice = ValidationChoice::NeverValidation;
  else return false;
  return true;
}

// Only "<n>.png": a project file edited by hand can never make removeEntry delete a file
// outside masks/.
const QRegularExpression& maskFilePattern() {
  static const QRegularExpression pattern(QStringLiteral("^([0-9]{1,9})\\.png$"));
  return pattern;
}

bool sameFile(const QString& a, const QString& b) {
  const QFileInfo first(a), second(b);
  if (QDir::cleanPath(first.absoluteFilePath()) == QDir::cleanPath(second.absoluteFilePath())) return true;
  // Qt compares canonical paths, with the file system's case rules, when both exist.
  return first.exists() && second.exists() && first == second;
}

// Replaces `path` with `bytes` or leaves it as it was. A short write (a full disk, a file
// size limit) is not an error to QIODevice, and a buffered one only shows at commit(), which
// then still renames the truncated file into place (seen with Qt 6.4). So: unbuffered, and
// the count checked.
QString writeAtomically(const QString& path, const QByteArray& bytes) {
  QSaveFile file(path);
  if (!file.open(QIODevice::WriteOnly | QIODevice::Unbuffered))
    return TrainingProject::tr("Could not write “%1”: %2").arg(path, file.errorString());
  if (file.write(bytes) != bytes.size()) {
    const QString reason = file.error() != QFileDevice::NoError ? file.errorString()
                                                                 : TrainingProject::tr("the disk may be full");
    file.cancelWriting();
    return TrainingProject::tr("Could not write “%1”: %2").arg(path, reason);
  }
  if (!file.commit()) return TrainingProject::tr("Could not write “%1”: %2").arg(path, file.errorString());
  return {};
}

}  // namespace

QString TrainingProject::defaultLocation(const QString& partName) {
  // A folder name that is safe on every system: letters and digits of any script are kept.
  QString safe;
  for (const QChar c : partName.trimmed())
    safe += c.isLetterOrNumber() || c == QLatin1Char('-') || c == QLatin1Char('_') || c == QLatin1Char(' ')
                ? c
                : QLatin1Char('_');
  while (safe.startsWith(QLatin1Char('_'))) safe.remove(0, 1);
  while (safe.endsWith(QLatin1Char('_'))) safe.chop(1);
  safe = safe.left(kMaxFolderNameLength).trimmed();
  if (safe.isEmpty()) safe = QStringLiteral("part");
  return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/training/") + safe;
}

bool TrainingProject::exists(const QString& folder) {
  return QFileInfo(QDir(folder).filePath(projectFileName())).isFile();
}

TrainingProject::TrainingProject(const QString& folder) : folder_(folder) {}

// ---- file -------------------------------------------------------------------------------

QString TrainingProject::load(const QString& folder) {
  const QString path = QDir(folder).filePath(projectFileName());
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly)) return tr("Could not open “%1”: %2").arg(path, file.errorString());
  QJsonParseError parseError;
  const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &parseError);
  if (document.isNull())
    return tr("“%1” is damaged: %2 (at byte %3).").arg(path, parseError.errorString()).arg(parseError.offset);
  if (!document.isObject()) return tr("“%1” is not a training project.").arg(path);
  TrainingProject loaded(folder);
  const QString error = loaded.fromJson(document.object());
  if (!error.isEmpty()) return tr("“%1”: %2").arg(path, error);
  loaded.refreshMissing();
  *this = loaded;
  return {};
}

QString TrainingProject::save() const {
  if (folder_.isEmpty()) return tr("The training project has no folder.");
  const QDir dir(folder_);
  if (!dir.mkpath(masksFolderName()))
    return tr("Could not create the folder “%1”.").arg(dir.filePath(masksFolderName()));
  return writeAtomically(dir.filePath(projectFileName()), QJsonDocument(toJson()).toJson(QJsonDocument::Indented));
}

QString TrainingProject::commit(const TrainingProject& before) {
  const QString error = save();
  if (!error.isEmpty()) *this = before;
  return error;
}

QJsonObject TrainingProject::toJson() const {
  QJsonArray entries;
  for (const TrainingEntry& entry : entries_) {
    entries.append(QJsonObject{{QStringLiteral("image"), entry.imagePath},
                               {QStringLiteral("mask"), entry.maskFile},
                               {QStringLiteral("validation"), validationName(entry.validation)}});
  }
  return QJsonObject{{QStringLiteral("format"), kFormatName},
                     {QStringLiteral("version"), kFormatVersion},
                     {QStringLiteral("part_name"), partName_},
                     {QStringLiteral("entries"), entries},
                     {QStringLiteral("next_mask_number"), nextMaskNumber_},
                     {QStringLiteral("settings"), settings_},
                     {QStringLiteral("last_checkpoint"), lastCheckpoint_},
                     {QStringLiteral("last_checkpoint_step"), lastCheckpointStep_},
                     {QStringLiteral("last_checkpoint_of"), lastCheckpointOf_}};
}

QString TrainingProject::fromJson(const QJsonObject& json) {
  if (json.value(QStringLiteral("format")).toString() != kFormatName) return tr("not a training project.");
  const int version = json.value(QStringLiteral("version")).toInt();
  if (version > kFormatVersion) return tr("made by a newer PartEdit (project version %1).").arg(version);
  partName_ = json.value(QStringLiteral("part_name")).toString();
  settings_ = json.value(QStringLiteral("settings")).toObject();
  lastCheckpoint_ = json.value(QStringLiteral("last_checkpoint")).toString();
  lastCheckpointStep_ = std::max(0, json.value(QStringLiteral("last_checkpoint_step")).toInt());
  lastCheckpointOf_ = std::max(0, json.value(QStringLiteral("last_checkpoint_of")).toInt());
  nextMaskNumber_ = std::max(1, json.value(QStringLiteral("next_mask_number")).toInt(1));
  entries_.clear();
  QSet<QString> maskFiles;
  const QJsonArray entries = json.value(QStringLiteral("entries")).toArray();
  for (int i = 0; i < entries.size(); ++i) {
    const QJsonObject object = entries.at(i).toObject();
    TrainingEntry entry;
    entry.imagePath = object.value(QStringLiteral("image")).toString();
    entry.maskFile = object.value(QStringLiteral("mask")).toString();
    const QRegularExpressionMatch match = maskFilePattern().match(entry.maskFile);
    if (entry.imagePath.isEmpty()) return tr("entry %1 has no image.").arg(i + 1);
    if (!match.hasMatch() || maskFiles.contains(entry.maskFile))
      return tr("entry %1 has an invalid mask file name “%2”.").arg(i + 1).arg(entry.maskFile);
    if (!parseValidation(object.value(QStringLiteral("validation")).toString(QStringLiteral("auto")), &entry.validation))
      return tr("entry %1 has an unknown validation choice.").arg(i + 1);
    maskFiles.insert(entry.maskFile);
    nextMaskNumber_ = std::max(nextMaskNumber_, match.captured(1).toInt() + 1);
    entries_.append(entry);
  }
  return {};
}

// ---- entries ----------------------------------------------------------------------------

QString TrainingProject::setPartName(const QString& name) {
  const TrainingProject before = *this;
  partName_ = name;
  return commit(before);
}

int TrainingProject::indexOfImage(const QString& imagePath) const {
  for (int i = 0; i < entries_.size(); ++i)
    if (sameFile(entries_[i].imagePath, imagePath)) return i;
  return -1;
}

QString TrainingProject::addImage(const QString& imagePath, int* index) {
  const QFileInfo info(imagePath);
  if (indexOfImage(imagePath) >= 0) return tr("“%1” is already in this project.").arg(info.fileName());
  if (imagePath.isEmpty() || !info.isFile()) return tr("“%1” is not a file.").arg(imagePath);
  if (!QImageReader(imagePath).canRead()) return tr("“%1” is not an image PartEdit can read.").arg(info.fileName());
  const TrainingProject before = *this;
  TrainingEntry entry;
  entry.imagePath = QDir::cleanPath(info.absoluteFilePath());
  entry.maskFile = QStringLiteral("%1.png").arg(nextMaskNumber_++);
  entries_.append(entry);
  const QString error = commit(before);
  if (error.isEmpty() && index) *index = entryCount() - 1;
  return error;
}

QString TrainingProject::removeEntry(int index) {
  if (!validIndex(index)) return tr("There is no image %1 in this project.").arg(index + 1);
  const QString mask = maskPath(index);
  const TrainingProject before = *this;
  entries_.removeAt(index);
  // project.json first: a crash in between leaves a stray file, never an entry without mask.
  if (const QString error = commit(before); !error.isEmpty()) return error;
  if (QFileInfo::exists(mask) && !QFile::remove(mask))
    return tr("The image was removed, but its mask “%1” could not be deleted.").arg(mask);
  return {};
}

QString TrainingProject::setValidation(int index, ValidationChoice choice) {
  if (!validIndex(index)) return tr("There is no image %1 in this project.").arg(index + 1);
  const TrainingProject before = *this;
  entries_[index].validation = choice;
  return commit(before);
}

int TrainingProject::missingImageCount() const {
  return static_cast<int>(std::count_if(entries_.begin(), entries_.end(),
                                        [](const TrainingEntry& entry) { return entry.imageMissing; }));
}

void TrainingProject::refreshMissing() {
  for (TrainingEntry& entry : entries_) entry.imageMissing = !QFileInfo(entry.imagePath).isFile();
}

// ---- masks ------------------------------------------------------------------------------

QString TrainingProject::maskPath(int index) const {
  if (!validIndex(index)) return {};
  return QDir(folder_).filePath(masksFolderName() + QLatin1Char('/') + entries_[index].maskFile);
}

bool TrainingProject::hasMask(int index) const { return validIndex(index) && QFileInfo(maskPath(index)).isFile(); }

QImage TrainingProject::loadMask(int index) const {
  if (!hasMask(index)) return {};
  QImage mask(maskPath(index));
  if (mask.isNull()) return {};
  mask.convertTo(QImage::Format_Grayscale8);
  for (int y = 0; y < mask.height(); ++y) {
    uchar* row = mask.scanLine(y);
    for (int x = 0; x < mask.width(); ++x) row[x] = row[x] >= 128 ? 255 : 0;
  }
  return mask;
}

QString TrainingProject::saveMask(int index, const QImage& mask) {
  if (!validIndex(index)) return tr("There is no image %1 in this project.").arg(index + 1);
  if (mask.isNull()) return tr("There is no mask to save.");
  if (!exists(folder_)) {  // never a mask file without the project that names it
    if (const QString error = save(); !error.isEmpty()) return error;
  }
  QImage binary = mask.convertToFormat(QImage::Format_Grayscale8);
  for (int y = 0; y < binary.height(); ++y) {
    uchar* row = binary.scanLine(y);
    for (int x = 0; x < binary.width(); ++x) row[x] = row[x] >= 128 ? 255 : 0;
  }
  QBuffer png;  // encoded in memory first, so the file write can be checked byte for byte
  png.open(QIODevice::WriteOnly);
  QImageWriter writer(&png, "png");
  if (!writer.write(binary)) return tr("Could not encode the mask: %1").arg(writer.errorString());
  return writeAtomically(maskPath(index), png.data());
}

QString TrainingProject::setSettings(const QJsonObject& settings) {
  const TrainingProject before = *this;
  settings_ = settings;
  return commit(before);
}

QString TrainingProject::setLastCheckpoint(const QString& path, int step, int ofSteps) {
  const TrainingProject before = *this;
  lastCheckpoint_ = path;
  lastCheckpointStep_ = std::max(0, step);
  lastCheckpointOf_ = std::max(0, ofSteps);
  return commit(before);
}

}  // namespace partedit::ui
