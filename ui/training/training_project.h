#pragma once
// The "Train part token" wizard's project, so that closing the wizard loses nothing. A folder:
//   project.json    part name, entries, training settings, last checkpoint
//   masks/<n>.png   one mask per entry: 8-bit grey, 0 background / 255 part
// Every change is written at once and every write is atomic (QSaveFile): a failed or
// interrupted write leaves the previous file whole, and the change is then taken back in
// memory too, so what the wizard shows is what is on disk. Mutators return an error
// sentence for the artist, empty on success.
//
// project.json (version 1):
//   { "format": "partedit-training-project", "version": 1, "part_name": "...",
//     "entries": [ { "image": "/abs/photo.jpg", "mask": "3.png", "validation": "auto" } ],
//     "next_mask_number": 4, "settings": { ... }, "last_checkpoint": "...",
//     "last_checkpoint_step": 120, "last_checkpoint_of": 200 }
// The checkpoint's step and its run's total say what a reopened wizard's Resume does (0 when
// unknown: a project from before they were kept).
// "validation" is "auto" (the trainer decides), "always" or "never".
#include <QCoreApplication>
#include <QImage>
#include <QJsonObject>
#include <QString>
#include <QVector>

namespace partedit::ui {

enum class ValidationChoice { Automatic, AlwaysValidation, NeverValidation };

struct TrainingEntry {
  QString imagePath;  // absolute, as the artist chose it (symbolic links not resolved)
  QString maskFile;   // file name inside masks/, assigned when the entry is added
  ValidationChoice validation = ValidationChoice::Automatic;
  bool imageMissing = false;  // found missing by load() or refreshMissing(); not stored
};

class TrainingProject {
  Q_DECLARE_TR_FUNCTIONS(partedit::ui::TrainingProject)

 public:
  static constexpr int kFormatVersion = 1;
  static QString projectFileName() { return QStringLiteral("project.json"); }
  static QString masksFolderName() { return QStringLiteral("masks"); }

  // AppDataLocation/training/<part name made safe as a folder name>.
  static QString defaultLocation(const QString& partName);
  // True when `folder` holds a project.json.
  static bool exists(const QString& folder);

  // A project in `folder`; nothing is written until the first change or save().
  explicit TrainingProject(const QString& folder = QString());

  // Reads folder/project.json, replacing this project. An unreadable or invalid file is an
  // error (this project is then left as it was); an image that no longer exists is not: the
  // entry is kept with imageMissing set.
  QString load(const QString& folder);
  QString save() const;  // creates the folder and masks/ as needed
  QString folder() const { return folder_; }

  QString partName() const { return partName_; }
  QString setPartName(const QString& name);

  const QVector<TrainingEntry>& entries() const { return entries_; }
  int entryCount() const { return static_cast<int>(entries_.size()); }
  int indexOfImage(const QString& imagePath) const;  // -1 when absent; same file = same image
  // Appends an entry (no mask yet). Refused when the image is already in the project or is
  // not an existing file. `index` receives the new entry's index.
  QString addImage(const QString& imagePath, int* index = nullptr);
  // Removes the entry and deletes its mask file.
  QString removeEntry(int index);
  QString setValidation(int index, ValidationChoice choice);
  int missingImageCount() const;
  void refreshMissing();  // re-checks every entry's image (not written: it is not stored)

  QString maskPath(int index) const;  // absolute path of the entry's mask file
  bool hasMask(int index) const;      // its file exists
  QImage loadMask(int index) const;   // Grayscale8 0/255, null when none or unreadable
  // Writes the entry's mask thresholded at 128 (MaskDocument::binaryMask's rule) as 0/255.
  QString saveMask(int index, const QImage& mask);

  // The training settings, opaque to the project (the wizard's trainer pages own them).
  QJsonObject settings() const { return settings_; }
  QString setSettings(const QJsonObject& settings);
  QString lastCheckpoint() const { return lastCheckpoint_; }
  int lastCheckpointStep() const { return lastCheckpointStep_; }    // steps done; 0 unknown
  int lastCheckpointOf() const { return lastCheckpointOf_; }        // the run's total; 0 unknown
  QString setLastCheckpoint(const QString& path, int step = 0, int ofSteps = 0);

 private:
  QJsonObject toJson() const;
  QString fromJson(const QJsonObject& json);
  bool validIndex(int index) const { return index >= 0 && index < entries_.size(); }
  // Saves; on failure restores `before` in memory and returns the error.
  QString commit(const TrainingProject& before);

  QString folder_;
  QString partName_;
  QVector<TrainingEntry> entries_;
  int nextMaskNumber_ = 1;  // mask numbers are never reused, so a stale file never matches
  QJsonObject settings_;
  QString lastCheckpoint_;
  int lastCheckpointStep_ = 0;
  int lastCheckpointOf_ = 0;
};

}  // namespace partedit::ui
