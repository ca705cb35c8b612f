#include "ui/dialogs/image_info_dialog.h"

#include <QApplication>
#include <QClipboard>
#include <QDialogButtonBox>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

#include "ui/settings/app_settings.h"

namespace partedit::ui {

namespace {

QPlainTextEdit* read_only_text(QWidget* parent, int lines) {
  auto* text = new QPlainTextEdit(parent);
  text->setReadOnly(true);
  text->setFixedHeight(text->fontMetrics().lineSpacing() * lines + 12);
  return text;
}

}  // namespace

ImageInfoDialog::ImageInfoDialog(QWidget* parent) : QDialog(parent) {
  setObjectName(QStringLiteral("ImageInfoDialog"));
  setWindowTitle(tr("Image Info"));
  setAcceptDrops(true);
  file_ = new QLabel(this);
  file_->setObjectName(QStringLiteral("imageInfoFile"));
  file_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  file_->setWordWrap(true);
  empty_ = new QLabel(this);
  empty_->setObjectName(QStringLiteral("imageInfoEmpty"));
  empty_->setWordWrap(true);
  prompt_ = read_only_text(this, 3);
  prompt_->setObjectName(QStringLiteral("imageInfoPrompt"));
  negative_ = read_only_text(this, 2);
  negative_->setObjectName(QStringLiteral("imageInfoNegative"));
  settings_ = new QTableWidget(0, 2, this);
  settings_->setObjectName(QStringLiteral("imageInfoSettings"));
  settings_->setHorizontalHeaderLabels({tr("Setting"), tr("Value")});
  settings_->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
  settings_->horizontalHeader()->setStretchLastSection(true);
  settings_->verticalHeader()->hide();
  settings_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  settings_->setSelectionBehavior(QAbstractItemView::SelectRows);
  settings_->setWordWrap(false);  // one line a setting; the whole value is its tooltip

  auto* form = new QFormLayout;
  form->addRow(tr("Prompt:"), prompt_);
  form->addRow(tr("Negative prompt:"), negative_);

  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
  auto* open = buttons->addButton(tr("&Open Image…"), QDialogButtonBox::ActionRole);
  copy_ = buttons->addButton(tr("&Copy Text"), QDialogButtonBox::ActionRole);
  newImage_ = buttons->addButton(tr("&New Image with These Settings…"), QDialogButtonBox::ActionRole);
  newImage_->setObjectName(QStringLiteral("newImageWithSettings"));
  useForEditing_ = buttons->addButton(tr("&Use for Editing"), QDialogButtonBox::ActionRole);
  useForEditing_->setObjectName(QStringLiteral("useForEditing"));
  useForEditing_->setToolTip(tr("Put the steps, guidance, seed, t_e, ω and the edit into the Edit panel"));
  newImage_->setToolTip(tr("Open New from Prompt with the prompt, negative prompt, seed, steps, guidance, "
                           "sampler and size"));

  auto* layout = new QVBoxLayout(this);
  layout->addWidget(file_);
  layout->addWidget(empty_);
  layout->addLayout(form);
  layout->addWidget(settings_, 1);
  layout->addWidget(buttons);

  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  connect(open, &QPushButton::clicked, this, [this] {
    AppSettings settings;
    const QString path = QFileDialog::getOpenFileName(this, tr("Read Image Info"), settings.lastFolder(),
                                                      tr("Images (*.png *.jpg *.jpeg *.webp)"));
    if (!path.isEmpty()) showFile(path);
  });
  connect(copy_, &QPushButton::clicked, this, [this] { QApplication::clipboard()->setText(parameters_.text); });
  connect(useForEditing_, &QPushButton::clicked, this, [this] { Q_EMIT useForEditing(parameters_); });
  connect(newImage_, &QPushButton::clicked, this, [this] { Q_EMIT newImageRequested(parameters_); });

  showFile(QString());
  resize(620, 520);
}

void ImageInfoDialog::showFile(const QString& path) {
  path_ = path;
  parameters_ = path.isEmpty() ? RestoredParameters{} : readImageParameters(path);
  file_->setText(path.isEmpty() ? tr("Drop a PNG, JPEG or WebP here, or choose one with Open Image.")
                                : QFileInfo(path).fileName());
  file_->setToolTip(path);
  empty_->setText(path.isEmpty() ? QString()
                  : !parameters_.text.isEmpty() && !parameters_.found
                      ? tr("This image carries text, but no generation settings:")
                      : parameters_.text.isEmpty() ? tr("This image carries no generation parameters (it was not "
                                                        "made by PartEdit or AUTOMATIC1111, or they were stripped).")
                                                   : QString());
  empty_->setVisible(!empty_->text().isEmpty());
  prompt_->setPlainText(parameters_.found ? parameters_.sourcePrompt : parameters_.text);
  negative_->setPlainText(parameters_.negative);
  settings_->setRowCount(0);
  for (const auto& [key, value] : parameters_.all) {
    const int row = settings_->rowCount();
    settings_->insertRow(row);
    settings_->setItem(row, 0, new QTableWidgetItem(key));
    QString shown = value;
    if (key == QLatin1String("Sampler") && parameters_.sampler.isEmpty())
      shown = tr("%1 (not available here: the model's own sampler is used)").arg(value);
    auto* item = new QTableWidgetItem(shown);
    item->setToolTip(shown);
    settings_->setItem(row, 1, item);
  }
  updateButtons();
}

void ImageInfoDialog::setEditingAvailable(bool available) {
  editingAvailable_ = available;
  updateButtons();
}

void ImageInfoDialog::updateButtons() {
  useForEditing_->setEnabled(parameters_.found && editingAvailable_);
  newImage_->setEnabled(parameters_.found && !parameters_.sourcePrompt.trimmed().isEmpty());
  copy_->setEnabled(!parameters_.text.isEmpty());
}

void ImageInfoDialog::dragEnterEvent(QDragEnterEvent* event) {
  if (event->mimeData()->hasUrls() && event->mimeData()->urls().first().isLocalFile()) event->acceptProposedAction();
}

void ImageInfoDialog::dropEvent(QDropEvent* event) {
  showFile(event->mimeData()->urls().first().toLocalFile());
  event->acceptProposedAction();
}

}  // namespace partedit::ui
