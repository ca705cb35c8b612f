#pragma once
// Choosing which labels of a dataset's label image make up the part: the label image
// false-coloured, a checkable list of its labels (swatch, pixel count, share), the resulting
// mask previewed live over the photo. Several labels may be chosen (e.g. "left leg" and
// "right leg" for a "leg" part); clicking a label in the picture ticks or unticks it.
#include <QDialog>
#include <QImage>
#include <QSet>

#include "ui/training/label_mask_import.h"

class QDialogButtonBox;
class QLabel;
class QTreeWidget;
class QTreeWidgetItem;

namespace partedit::ui {

class LabelImageView;

class LabelPickerDialog : public QDialog {
  Q_OBJECT
 public:
  // `photo` (optional) is shown under the preview; when its size differs from the label
  // image's, the dialog says so and cannot be accepted.
  explicit LabelPickerDialog(const QImage& labelImage, const QImage& photo = QImage(), QWidget* parent = nullptr);
  ~LabelPickerDialog() override;

  QSet<int> selectedLabels() const;
  void setSelectedLabels(const QSet<int>& values);
  QImage mask() const;  // Grayscale8 0/255 of the chosen labels, label image's size
  QString sizeError() const { return sizeError_; }

 Q_SIGNALS:
  void selectionChanged();

 private:
  void itemChanged(QTreeWidgetItem* item);
  void pictureClicked(const QPoint& pixel);
  void refresh();

  QImage labelImage_;
  QImage photo_;
  LabelEncoding encoding_;
  qint64 totalPixels_ = 0;
  QString sizeError_;
  bool updatingList_ = false;

  QTreeWidget* list_ = nullptr;
  LabelImageView* labelsView_ = nullptr;
  LabelImageView* previewView_ = nullptr;
  QLabel* summary_ = nullptr;
  QDialogButtonBox* buttons_ = nullptr;
};

}  // namespace partedit::ui
