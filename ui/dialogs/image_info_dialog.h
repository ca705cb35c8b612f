#pragma once
// File › Image Info (A1111's "PNG Info"): the generation parameters a PNG, JPEG or WebP
// carries (ours or AUTOMATIC1111's), shown as prompt, negative prompt and a table of
// settings, with the ways to reuse them: the Edit panel, or a new image from the prompt.
// Drop a file on it or choose one to read another.
#include <QDialog>

#include "ui/worker/image_parameters.h"

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTableWidget;

namespace partedit::ui {

class ImageInfoDialog : public QDialog {
  Q_OBJECT
 public:
  explicit ImageInfoDialog(QWidget* parent = nullptr);

  void showFile(const QString& path);  // reads it; a file without parameters says so
  // Whether an image is open to take the settings (the Edit panel has a source).
  void setEditingAvailable(bool available);
  const RestoredParameters& parameters() const { return parameters_; }
  QString path() const { return path_; }

 Q_SIGNALS:
  void useForEditing(const partedit::ui::RestoredParameters& parameters);
  void newImageRequested(const partedit::ui::RestoredParameters& parameters);

 protected:
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private:
  void updateButtons();

  QLabel* file_ = nullptr;
  QLabel* empty_ = nullptr;
  QPlainTextEdit* prompt_ = nullptr;
  QPlainTextEdit* negative_ = nullptr;
  QTableWidget* settings_ = nullptr;
  QPushButton* useForEditing_ = nullptr;
  QPushButton* newImage_ = nullptr;
  QPushButton* copy_ = nullptr;
  RestoredParameters parameters_;
  QString path_;
  bool editingAvailable_ = false;
};

}  // namespace partedit::ui
