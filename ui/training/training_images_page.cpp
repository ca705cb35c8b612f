#include "ui/training/training_images_page.h"

#include <algorithm>

#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QImageReader>
#include <QLabel>
#include <QListWidget>
#include <QMenu>
#include <QMessageBox>
#include <QMimeData>
#include <QPushButton>
#include <QVBoxLayout>

#include "ui/settings/app_settings.h"
#include "ui/training/label_mask_import.h"
#include "ui/training/label_picker_dialog.h"
#include "ui/training/mask_document.h"
#include "ui/training/mask_name_matching.h"
#include "ui/training/mask_painter.h"
#include "ui/training/mask_tool_bar.h"
#include "ui/training/training_previews.h"
#include "ui/training/training_project.h"

namespace partedit::ui {

namespace {

constexpr int kImageListThumbnailSide = 72;

QString imageFilter() { return TrainingImagesPage::tr("Images (*.png *.jpg *.jpeg *.webp *.tif *.tiff)"); }

QStringList droppedImages(const QMimeData* mime) {
  QStringList paths;
  if (!mime || !mime->hasUrls()) return paths;
  const QList<QByteArray> formats = QImageReader::supportedImageFormats();
  for (const QUrl& url : mime->urls())
    if (url.isLocalFile() && formats.contains(QFileInfo(url.toLocalFile()).suffix().toLower().toLatin1()))
      paths << url.toLocalFile();
  return paths;
}

}  // namespace

TrainingImagesPage::TrainingImagesPage(TrainingProject* project, QWidget* parent)
    : QWizardPage(parent), project_(project) {
  setObjectName(QStringLiteral("imagesPage"));
  setTitle(tr("Images and part masks"));
  setSubTitle(tr("Add a few images that show the part and paint the part on each. Drop images here, "
                 "or import masks you already have."));
  setAcceptDrops(true);

  list_ = new QListWidget(this);
  list_->setObjectName(QStringLiteral("trainingImages"));
  list_->setIconSize(QSize(kImageListThumbnailSide, kImageListThumbnailSide));
  list_->setMinimumWidth(230);
  list_->setMaximumWidth(300);
  list_->setSpacing(2);
  list_->setWordWrap(true);
  auto* add = new QPushButton(tr("Add Images…"), this);
  add->setObjectName(QStringLiteral("addImages"));
  remove_ = new QPushButton(tr("Remove"), this);
  remove_->setToolTip(tr("Remove the image and its mask from the project (the image file stays)"));
  auto* listButtons = new QHBoxLayout;
  listButtons->addWidget(add);
  listButtons->addWidget(remove_);
  auto* left = new QVBoxLayout;
  left->addWidget(list_, 1);
  left->addLayout(listButtons);

  painter_ = new MaskPainter(this);
  importMask_ = new QPushButton(tr("Import Masks…"), this);
  importMask_->setObjectName(QStringLiteral("importMasks"));
  importMask_->setToolTip(tr("Use a mask image (white or opaque = part) or a part dataset's label image "
                             "such as PASCAL-Part or PartImageNet. Choose several masks at once to give each "
                             "image the mask of its name (cat1.jpg takes cat1.png or cat1_mask.png)."));
  auto* tools = new MaskToolBar(painter_, this);
  tools->addTrailingWidget(importMask_);
  notes_ = new QLabel(this);
  notes_->setWordWrap(true);
  notes_->hide();
  auto* right = new QVBoxLayout;
  right->addWidget(tools);
  right->addWidget(painter_, 1);
  right->addWidget(notes_);

  summary_ = new QLabel(this);
  summary_->setObjectName(QStringLiteral("imagesSummary"));
  summary_->setWordWrap(true);
  auto* columns = new QHBoxLayout;
  columns->addLayout(left);
  columns->addLayout(right, 1);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(columns, 1);
  layout->addWidget(summary_);

  connect(add, &QPushButton::clicked, this, &TrainingImagesPage::chooseImages);
  connect(remove_, &QPushButton::clicked, this, &TrainingImagesPage::removeCurrent);
  connect(importMask_, &QPushButton::clicked, this, &TrainingImagesPage::importMask);
  connect(list_, &QListWidget::currentRowChanged, this, &TrainingImagesPage::showEntry);
  list_->setContextMenuPolicy(Qt::CustomContextMenu);
  connect(list_, &QListWidget::customContextMenuRequested, this, &TrainingImagesPage::showHoldOutMenu);
  connect(painter_, &MaskPainter::maskChanged, this, &TrainingImagesPage::saveCurrentMask);
  reload();
}

void TrainingImagesPage::reload() {
  hasPart_.clear();
  {
    const QSignalBlocker block(list_);
    list_->clear();
    for (int i = 0; i < project_->entryCount(); ++i) {
      const QImage mask = project_->loadMask(i);
      bool part = false;
      for (int y = 0; y < mask.height() && !part; ++y)
        for (int x = 0; x < mask.width() && !part; ++x) part = mask.constScanLine(y)[x] >= MaskDocument::kPartThreshold;
      hasPart_.push_back(part);
      list_->addItem(new QListWidgetItem);
      refreshItem(i);
    }
  }
  current_ = -1;
  selectImage(project_->entryCount() > 0 ? 0 : -1);
  updateSummary();
}

QStringList TrainingImagesPage::addImages(const QStringList& paths) {
  QStringList errors;
  int last = -1;
  for (const QString& path : paths) {
    QString readError;
    if (readImageFile(path, &readError).isNull()) {
      errors << tr("%1 cannot be read: %2").arg(QFileInfo(path).fileName(), readError);
      continue;
    }
    int index = -1;
    const QString error = project_->addImage(QFileInfo(path).absoluteFilePath(), &index);
    if (!error.isEmpty()) {
      errors << error;
      continue;
    }
    hasPart_.push_back(false);
    list_->addItem(new QListWidgetItem);
    refreshItem(index);
    last = index;
  }
  if (last >= 0) selectImage(last);
  updateSummary();
  Q_EMIT entriesChanged();
  Q_EMIT completeChanged();
  if (!errors.isEmpty()) reportError(errors.join(QLatin1Char('\n')));
  return errors;
}

void TrainingImagesPage::selectImage(int index) {
  if (index >= 0 && index < list_->count()) list_->setCurrentRow(index);
  else showEntry(-1);
}

void TrainingImagesPage::showEntry(int index) {
  current_ = index;
  notes_->hide();
  loading_ = true;
  if (index < 0 || index >= project_->entryCount()) {
    painter_->setPhoto(QImage());
  } else {
    QString error;
    const QImage photo = readImageFile(project_->entries()[index].imagePath, &error);
    if (photo.isNull()) {
      notes_->setText(tr("The image cannot be read: %1").arg(error));
      notes_->show();
    }
    if (!painter_->setPhoto(photo, project_->loadMask(index)) && !photo.isNull()) {
      notes_->setText(tr("The saved mask does not fit this image any more; paint it again."));
      notes_->show();
    }
  }
  loading_ = false;
  remove_->setEnabled(index >= 0);
  importMask_->setEnabled(painter_->hasPhoto());
  painter_->setEnabled(painter_->hasPhoto());
}

void TrainingImagesPage::saveCurrentMask() {
  if (loading_ || current_ < 0 || !painter_->hasPhoto()) return;
  const QString error = project_->saveMask(current_, painter_->document()->binaryMask());
  if (!error.isEmpty()) {
    reportError(error);
    return;
  }
  const bool part = painter_->document()->partPixelCount() > 0;
  const bool changed = hasPart_[current_] != part;
  hasPart_[current_] = part;
  refreshItem(current_);
  updateSummary();
  Q_EMIT entriesChanged();
  if (changed) Q_EMIT completeChanged();
}

void TrainingImagesPage::removeCurrent() {
  if (current_ < 0) return;
  const int index = current_;
  const QString error = project_->removeEntry(index);
  if (!error.isEmpty()) {
    reportError(error);
    return;
  }
  hasPart_.remove(index);
  {
    const QSignalBlocker block(list_);
    delete list_->takeItem(index);
  }
  current_ = -1;
  selectImage(std::min(index, list_->count() - 1));
  updateSummary();
  Q_EMIT entriesChanged();
  Q_EMIT completeChanged();
}

void TrainingImagesPage::chooseImages() {
  AppSettings settings;
  const QStringList paths =
      QFileDialog::getOpenFileNames(this, tr("Add Training Images"), settings.lastFolder(), imageFilter());
  if (paths.isEmpty()) return;
  settings.setLastFolder(QFileInfo(paths.first()).absolutePath());
  addImages(paths);
}

void TrainingImagesPage::importMask() {
  if (!painter_->hasPhoto()) return;
  AppSettings settings;
  // One file goes onto the image shown; several are matched to the images by name.
  const QStringList paths = QFileDialog::getOpenFileNames(this, tr("Import Masks or Label Image"),
                                                          settings.lastFolder(), imageFilter());
  if (paths.isEmpty()) return;
  settings.setLastFolder(QFileInfo(paths.first()).absolutePath());
  if (paths.size() == 1) return importMaskForCurrent(paths.first());
  const QStringList painted = paintedImagesMatching(paths);
  if (painted.isEmpty()) {
    const MaskImportReport report = importMasks(paths);
    if (!report.problems.isEmpty()) reportImport(report);
    return;
  }
  // Painted work is not replaced without asking.
  auto* box = new QMessageBox(QMessageBox::Question, tr("Import masks"),
                              tr("%n of these images already have a painted part (%1). Replace it with the "
                                 "imported mask?",
                                 nullptr, painted.size())
                                  .arg(painted.join(QStringLiteral(", "))),
                              QMessageBox::NoButton, this);
  box->setObjectName(QStringLiteral("replacePaintedMasks"));
  box->setAttribute(Qt::WA_DeleteOnClose);
  QPushButton* replace = box->addButton(tr("Replace"), QMessageBox::DestructiveRole);
  QPushButton* keep = box->addButton(tr("Keep Painted Masks"), QMessageBox::AcceptRole);
  box->addButton(QMessageBox::Cancel);
  box->setDefaultButton(keep);
  connect(box, &QMessageBox::buttonClicked, this, [this, paths, replace, keep](QAbstractButton* button) {
    if (button != replace && button != keep) return;
    const MaskImportReport report = importMasks(paths, button == replace ? PaintedMasks::Replace : PaintedMasks::Keep);
    if (!report.problems.isEmpty()) reportImport(report);
  });
  box->open();
}

QStringList TrainingImagesPage::paintedImagesMatching(const QStringList& maskPaths) const {
  QStringList imagePaths;
  for (const TrainingEntry& entry : project_->entries()) imagePaths << entry.imagePath;
  QStringList painted;
  for (const MaskMatch& match : matchMasksToImages(maskPaths, imagePaths).matched)
    if (hasPart(match.image)) painted << QFileInfo(imagePaths[match.image]).fileName();
  return painted;
}

void TrainingImagesPage::importMaskForCurrent(const QString& path) {
  QString error;
  const QImage image = readImageFile(path, &error);
  if (image.isNull()) return reportError(tr("%1 cannot be read: %2").arg(QFileInfo(path).fileName(), error));
  // A class map (few small values, or many colours) is a dataset's label image: the artist
  // picks the labels that make up the part.
  if (isClassMap(image)) return importLabelImage(image);
  const MaskImport imported = importMaskFile(path, painter_->photo().size());
  if (!imported.error.isEmpty()) return reportError(imported.error);
  applyImportedMask(imported.mask, imported.notes);
}

bool TrainingImagesPage::isClassMap(const QImage& image) {
  const bool colourMap = labelEncoding(image) == LabelEncoding::Colour && distinctLabels(image).size() > 2;
  return looksLikeLabelImage(image) || colourMap;
}

TrainingImagesPage::MaskImportReport TrainingImagesPage::importMasks(const QStringList& paths, PaintedMasks painted) {
  MaskImportReport report;
  QStringList imagePaths;
  for (const TrainingEntry& entry : project_->entries()) imagePaths << entry.imagePath;
  const MaskMatching matching = matchMasksToImages(paths, imagePaths);
  report.problems = matching.problems;
  for (const MaskMatch& match : matching.matched) {
    const QString maskName = QFileInfo(match.maskPath).fileName();
    const QString imageName = QFileInfo(imagePaths[match.image]).fileName();
    if (painted == PaintedMasks::Keep && hasPart(match.image)) {
      report.kept << imageName;
      continue;
    }
    QString error;
    const QImage image = readImageFile(match.maskPath, &error);
    if (image.isNull()) {
      report.problems << tr("%1 cannot be read: %2").arg(maskName, error);
      continue;
    }
    if (isClassMap(image)) {
      report.problems << tr("%1 is a label image with several parts: import it alone, on %2, to pick the part's "
                            "labels.")
                             .arg(maskName, imageName);
      continue;
    }
    const QImage photo = readImageFile(imagePaths[match.image], &error);
    if (photo.isNull()) {
      report.problems << tr("%1 is not used: its image %2 cannot be read.").arg(maskName, imageName);
      continue;
    }
    const MaskImport imported = importMaskFile(match.maskPath, photo.size());
    if (!imported.error.isEmpty()) {
      report.problems << tr("%1 (for %2): %3").arg(maskName, imageName, imported.error);
      continue;
    }
    if (!storeImportedMask(match.image, imported.mask)) {
      report.problems << tr("%1 is not used: the mask of %2 could not be written.").arg(maskName, imageName);
      continue;
    }
    report.imported << imageName;
  }
  if (!report.imported.isEmpty()) {
    notes_->setText(report.imported.size() == 1 ? tr("Imported the mask of %1.").arg(report.imported.first())
                                                : tr("Imported the masks of %n images.", nullptr, report.imported.size()));
    notes_->show();
  }
  return report;
}

// The image shown takes the mask through its document (undoable like a stroke, saved by
// maskChanged); any other image's mask file is written directly.
bool TrainingImagesPage::storeImportedMask(int index, const QImage& mask) {
  if (index == current_) {
    painter_->document()->setMask(mask);  // false when equal: nothing to do
    return true;
  }
  const QString error = project_->saveMask(index, mask);
  if (!error.isEmpty()) return false;
  bool part = false;
  for (int y = 0; y < mask.height() && !part; ++y)
    for (int x = 0; x < mask.width() && !part; ++x) part = mask.constScanLine(y)[x] >= MaskDocument::kPartThreshold;
  const bool changed = hasPart_[index] != part;
  hasPart_[index] = part;
  refreshItem(index);
  updateSummary();
  Q_EMIT entriesChanged();
  if (changed) Q_EMIT completeChanged();
  return true;
}

void TrainingImagesPage::reportImport(const MaskImportReport& report) {
  QString text = report.imported.isEmpty()
                     ? tr("No mask was imported.")
                     : tr("Imported the masks of %1.").arg(report.imported.join(QStringLiteral(", ")));
  text += QStringLiteral("\n\n") + report.problems.join(QLatin1Char('\n'));
  text += QStringLiteral("\n\n") +
          tr("A mask is matched to its image by file name: cat1.jpg takes cat1.png, cat1_mask.png or cat1-label.png.");
  auto* box = new QMessageBox(report.imported.isEmpty() ? QMessageBox::Warning : QMessageBox::Information,
                              tr("Import masks"), text, QMessageBox::Ok, this);
  box->setObjectName(QStringLiteral("maskImportReport"));
  box->setAttribute(Qt::WA_DeleteOnClose);
  box->open();
}

void TrainingImagesPage::importLabelImage(const QImage& labelImage) {
  auto* picker = new LabelPickerDialog(labelImage, painter_->photo(), this);
  picker->setAttribute(Qt::WA_DeleteOnClose);
  const int entry = current_;
  connect(picker, &QDialog::accepted, this, [this, picker, entry] {
    if (entry != current_) return;  // another image was chosen meanwhile
    applyImportedMask(picker->mask(), {});
  });
  picker->open();
}

void TrainingImagesPage::applyImportedMask(const QImage& mask, const QStringList& notes) {
  // Through the document: undoable like a stroke, and saved by maskChanged.
  if (!painter_->document()->setMask(mask) && mask.size() != painter_->photo().size())
    return reportError(maskSizeError(mask.size(), painter_->photo().size()));
  notes_->setText(notes.join(QLatin1Char(' ')));
  notes_->setVisible(!notes.isEmpty());
}

void TrainingImagesPage::refreshItem(int index) {
  QListWidgetItem* item = list_->item(index);
  if (!item) return;
  const TrainingEntry& entry = project_->entries()[index];
  const QString name = QFileInfo(entry.imagePath).fileName();
  QString state = entry.imageMissing ? tr("the image file is missing")
                  : hasPart_[index]  ? tr("mask painted")
                                     : tr("no mask yet");
  if (entry.validation == ValidationChoice::AlwaysValidation) state += QLatin1Char('\n') + tr("always held out");
  if (entry.validation == ValidationChoice::NeverValidation) state += QLatin1Char('\n') + tr("always trained on");
  item->setText(name + QLatin1Char('\n') + state);
  item->setToolTip(entry.imagePath);
  QString error;
  const QImage photo = entry.imageMissing ? QImage() : readImageFile(entry.imagePath, &error);
  // The same picture when selected: Qt's selected mode would tint the mask's colours.
  const QPixmap thumbnail = QPixmap::fromImage(maskedThumbnail(photo, project_->loadMask(index), kImageListThumbnailSide));
  QIcon icon(thumbnail);
  icon.addPixmap(thumbnail, QIcon::Selected);
  item->setIcon(icon);
}

void TrainingImagesPage::showHoldOutMenu(const QPoint& position) {
  const int index = list_->row(list_->itemAt(position));
  if (index < 0) return;
  QMenu menu(this);
  const ValidationChoice current = project_->entries()[index].validation;
  const auto add = [&](const QString& text, ValidationChoice choice) {
    QAction* action = menu.addAction(text);
    action->setCheckable(true);
    action->setChecked(current == choice);
    connect(action, &QAction::triggered, this, [this, index, choice] {
      const QString error = project_->setValidation(index, choice);
      if (!error.isEmpty()) return reportError(error);
      refreshItem(index);
      Q_EMIT entriesChanged();
    });
  };
  menu.addSection(tr("Validation"));
  add(tr("Decided by the split"), ValidationChoice::Automatic);
  add(tr("Always hold out (measure on it)"), ValidationChoice::AlwaysValidation);
  add(tr("Always train on it"), ValidationChoice::NeverValidation);
  menu.exec(list_->viewport()->mapToGlobal(position));
}

QString TrainingImagesPage::problem() const {
  const int count = project_->entryCount();
  if (count == 0) return tr("Add images that show the part.");
  if (project_->missingImageCount() > 0) return tr("Some image files are missing: remove them or put them back.");
  const int masked = static_cast<int>(std::count(hasPart_.begin(), hasPart_.end(), true));
  if (masked + 1 == count) return tr("One image still needs a mask.");
  if (masked < count) return tr("%1 images still need a mask.").arg(count - masked);
  return {};
}

bool TrainingImagesPage::isComplete() const { return problem().isEmpty(); }

void TrainingImagesPage::updateSummary() {
  const int count = project_->entryCount();
  QString text = problem();
  if (text.isEmpty())
    text = count < 3 ? tr("All images are masked. With 3 or more, training holds some out to measure "
                          "how well the token finds the part on images it has not seen.")
                     : tr("%1 images, all masked: ready to train.").arg(count);
  summary_->setText(text);
}

void TrainingImagesPage::reportError(const QString& message) {
  auto* box = new QMessageBox(QMessageBox::Warning, tr("Training images"), message, QMessageBox::Ok, this);
  box->setAttribute(Qt::WA_DeleteOnClose);
  box->open();
}

void TrainingImagesPage::dragEnterEvent(QDragEnterEvent* event) {
  if (droppedImages(event->mimeData()).isEmpty()) return event->ignore();
  event->acceptProposedAction();
}

void TrainingImagesPage::dropEvent(QDropEvent* event) {
  const QStringList paths = droppedImages(event->mimeData());
  if (paths.isEmpty()) return event->ignore();
  event->acceptProposedAction();
  addImages(paths);
}

}  // namespace partedit::ui
