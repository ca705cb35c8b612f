#pragma once
// The wizard's first page: the training images and their part masks. Images are added by
// file dialog or dropped; each mask is painted (MaskPainter and its tool bar) or imported
// from a mask PNG or a part dataset's label image, or several masks at once matched to the
// images by file name. Every finished change of a mask is
// written into the project at once. Complete when every image has a part to learn.
#include <QVector>
#include <QWizardPage>

class QLabel;
class QListWidget;
class QPushButton;

namespace partedit::ui {

class MaskPainter;
class TrainingProject;

class TrainingImagesPage : public QWizardPage {
  Q_OBJECT
 public:
  explicit TrainingImagesPage(TrainingProject* project, QWidget* parent = nullptr);

  void reload();  // after the project was opened
  // Adds images to the project; returns one sentence per image that was refused.
  QStringList addImages(const QStringList& paths);
  void selectImage(int index);
  int currentIndex() const { return current_; }
  MaskPainter* painter() const { return painter_; }
  bool hasPart(int index) const { return index >= 0 && index < hasPart_.size() && hasPart_[index]; }
  QString problem() const;  // why training cannot start yet; empty when it can

  // Several mask files at once, each onto the image of its name (mask_name_matching.h).
  struct MaskImportReport {
    QStringList imported;  // the images that got a mask, by file name
    QStringList kept;      // the images whose painted mask stayed (PaintedMasks::Keep)
    QStringList problems;  // one sentence per mask file that was not used
  };
  // What happens to an image that already has a painted part (the window asks first).
  enum class PaintedMasks { Replace, Keep };
  MaskImportReport importMasks(const QStringList& maskPaths, PaintedMasks painted = PaintedMasks::Replace);
  // The images, by file name, that have a painted part and a mask among `maskPaths`.
  QStringList paintedImagesMatching(const QStringList& maskPaths) const;
  bool isComplete() const override;

 Q_SIGNALS:
  void entriesChanged();  // an image was added or removed, or a mask changed

 protected:
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private:
  void chooseImages();
  void removeCurrent();
  void showEntry(int index);
  void saveCurrentMask();
  void importMask();
  void importMaskForCurrent(const QString& path);
  static bool isClassMap(const QImage& image);
  bool storeImportedMask(int index, const QImage& mask);
  void reportImport(const MaskImportReport& report);
  void importLabelImage(const QImage& labelImage);
  void applyImportedMask(const QImage& mask, const QStringList& notes);
  void refreshItem(int index);
  void showHoldOutMenu(const QPoint& position);  // where an image goes: automatic, always held out, always trained on
  void updateSummary();
  void reportError(const QString& message);

  TrainingProject* project_ = nullptr;
  QVector<bool> hasPart_;  // per entry: its mask has part pixels
  int current_ = -1;
  bool loading_ = false;   // setting a photo is not an edit to save
  QListWidget* list_ = nullptr;
  MaskPainter* painter_ = nullptr;
  QPushButton* remove_ = nullptr;
  QPushButton* importMask_ = nullptr;
  QLabel* summary_ = nullptr;
  QLabel* notes_ = nullptr;
};

}  // namespace partedit::ui
