#include "ui/training/label_picker_dialog.h"

#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QHeaderView>
#include <QLocale>
#include <QMouseEvent>
#include <QPainter>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <functional>

#include "ui/canvas/canvas_painting.h"
#include "ui/widgets/mask_overlay.h"

namespace partedit::ui {

namespace {
constexpr double kPreviewOpacity = 0.6;
constexpr int kSwatchSide = 16;
constexpr int kDialogWidth = 1100;
constexpr int kViewWidth = 370;     // each picture's width at kDialogWidth
constexpr int kChromeHeight = 190;  // intro, captions, summary, buttons, margins

QIcon swatch(const QColor& colour) {
  QPixmap pixmap(kSwatchSide, kSwatchSide);
  pixmap.fill(Qt::transparent);
  QPainter painter(&pixmap);
  painter.setPen(QColor(0, 0, 0, 160));
  painter.setBrush(colour);
  painter.drawRect(QRectF(0.5, 0.5, kSwatchSide - 1.0, kSwatchSide - 1.0));
  return QIcon(pixmap);
}

QString share(qint64 pixels, qint64 total) {
  const double percent = total > 0 ? 100.0 * double(pixels) / double(total) : 0.0;
  if (pixels > 0 && percent < 0.1) return QStringLiteral("< 0.1 %");
  return QStringLiteral("%1 %").arg(QLocale().toString(percent, 'f', 1));
}
}  // namespace

// An image fitted into the widget (aspect kept) on the canvas surround; reports clicks in
// image pixels. No signals of its own, so it needs no moc.
class LabelImageView : public QWidget {
 public:
  explicit LabelImageView(QWidget* parent) : QWidget(parent) { setMinimumSize(220, 180); }
  void setImage(const QImage& image) {
    image_ = image;
    update();
  }
  std::function<void(const QPoint&)> onClick;

 protected:
  void paintEvent(QPaintEvent*) override {
    QPainter painter(this);
    painter.fillRect(rect(), canvas_painting::surroundColour());
    if (image_.isNull()) return;
    const QRectF target = imageRect();
    painter.setRenderHint(QPainter::SmoothPixmapTransform, true);
    painter.drawImage(target, image_);
    painter.setPen(QColor(0, 0, 0, 140));
    painter.drawRect(target.adjusted(-0.5, -0.5, 0.5, 0.5));
  }
  void mousePressEvent(QMouseEvent* event) override {
    const QRectF target = imageRect();
    if (event->button() != Qt::LeftButton || !onClick || !target.contains(event->position())) return;
    const QPointF relative = (event->position() - target.topLeft());
    onClick(QPoint(static_cast<int>(relative.x() * image_.width() / target.width()),
                   static_cast<int>(relative.y() * image_.height() / target.height())));
  }

 private:
  QRectF imageRect() const {
    if (image_.isNull()) return {};
    const QSizeF fitted = QSizeF(image_.size()).scaled(QSizeF(size()).shrunkBy(QMarginsF(6, 6, 6, 6)), Qt::KeepAspectRatio);
    return QRectF(QPointF((width() - fitted.width()) / 2.0, (height() - fitted.height()) / 2.0), fitted);
  }

  QImage image_;
};

LabelPickerDialog::LabelPickerDialog(const QImage& labelImage, const QImage& photo, QWidget* parent)
    : QDialog(parent), labelImage_(labelImage), photo_(photo), encoding_(labelEncoding(labelImage)) {
  setObjectName(QStringLiteral("LabelPickerDialog"));
  setWindowTitle(tr("Choose the Part's Labels"));
  totalPixels_ = qint64(labelImage_.width()) * labelImage_.height();
  if (!photo_.isNull()) sizeError_ = maskSizeError(labelImage_.size(), photo_.size());

  auto* intro = new QLabel(tr("This file is a label image: every colour below is one class of its dataset. "
                              "Tick the labels that together make up the part, or click them in the picture."),
                           this);
  intro->setWordWrap(true);

  // Columns, numbers right-aligned: counts of very different sizes compare at a glance.
  list_ = new QTreeWidget(this);
  list_->setObjectName(QStringLiteral("labels"));
  list_->setRootIsDecorated(false);
  list_->setUniformRowHeights(true);
  list_->setSelectionMode(QAbstractItemView::NoSelection);  // a highlight would read as "chosen"
  list_->setIconSize(QSize(kSwatchSide, kSwatchSide));
  list_->setHeaderLabels({tr("Label"), tr("Pixels"), tr("Share")});
  list_->headerItem()->setTextAlignment(1, Qt::AlignRight | Qt::AlignVCenter);
  list_->headerItem()->setTextAlignment(2, Qt::AlignRight | Qt::AlignVCenter);
  list_->setMinimumWidth(280);
  list_->setMaximumWidth(360);
  for (const LabelCount& label : distinctLabels(labelImage_)) {
    auto* item = new QTreeWidgetItem(list_);
    item->setIcon(0, swatch(labelColour(label.value, encoding_)));
    item->setText(0, labelName(label.value, encoding_));
    item->setText(1, QLocale().toString(label.pixels));
    item->setText(2, share(label.pixels, totalPixels_));
    item->setTextAlignment(1, Qt::AlignRight | Qt::AlignVCenter);
    item->setTextAlignment(2, Qt::AlignRight | Qt::AlignVCenter);
    item->setData(0, Qt::UserRole, label.value);
    item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
    item->setCheckState(0, Qt::Unchecked);
  }
  list_->header()->setStretchLastSection(false);
  list_->header()->setSectionResizeMode(0, QHeaderView::Stretch);
  list_->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
  list_->header()->setSectionResizeMode(2, QHeaderView::ResizeToContents);

  labelsView_ = new LabelImageView(this);
  labelsView_->setObjectName(QStringLiteral("labelsView"));
  labelsView_->setCursor(Qt::PointingHandCursor);
  labelsView_->onClick = [this](const QPoint& pixel) { pictureClicked(pixel); };
  previewView_ = new LabelImageView(this);
  previewView_->setObjectName(QStringLiteral("previewView"));
  auto column = [this](const QString& caption, QWidget* view) {
    auto* layout = new QVBoxLayout;
    auto* title = new QLabel(caption, this);
    QFont font = title->font();
    font.setBold(true);
    title->setFont(font);
    layout->addWidget(title);
    layout->addWidget(view, 1);
    return layout;
  };
  summary_ = new QLabel(this);
  summary_->setObjectName(QStringLiteral("summary"));
  summary_->setWordWrap(true);
  buttons_ = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
  buttons_->button(QDialogButtonBox::Ok)->setText(tr("&Use as Mask"));

  auto* views = new QHBoxLayout;
  auto* listColumn = new QVBoxLayout;
  listColumn->addWidget(new QLabel(tr("Labels in the file:"), this));
  listColumn->addWidget(list_, 1);
  views->addLayout(listColumn);
  views->addLayout(column(tr("Labels (click to choose)"), labelsView_), 1);
  views->addLayout(column(photo_.isNull() ? tr("Resulting mask") : tr("Resulting mask on the photo"), previewView_), 1);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(intro);
  layout->addLayout(views, 1);
  layout->addWidget(summary_);
  layout->addWidget(buttons_);
  // As tall as the pictures need at their width, so landscape images are not lost in dark bands.
  const double aspect = labelImage_.isNull() ? 0.75 : double(labelImage_.height()) / labelImage_.width();
  resize(kDialogWidth, std::clamp(static_cast<int>(kViewWidth * aspect) + kChromeHeight, 440, 760));

  connect(list_, &QTreeWidget::itemChanged, this, &LabelPickerDialog::itemChanged);
  connect(buttons_, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons_, &QDialogButtonBox::rejected, this, &QDialog::reject);
  refresh();
}

LabelPickerDialog::~LabelPickerDialog() = default;

QSet<int> LabelPickerDialog::selectedLabels() const {
  QSet<int> values;
  for (int row = 0; row < list_->topLevelItemCount(); ++row) {
    const QTreeWidgetItem* item = list_->topLevelItem(row);
    if (item->checkState(0) == Qt::Checked) values.insert(item->data(0, Qt::UserRole).toInt());
  }
  return values;
}

void LabelPickerDialog::setSelectedLabels(const QSet<int>& values) {
  updatingList_ = true;  // one refresh for the lot, not one per item
  for (int row = 0; row < list_->topLevelItemCount(); ++row) {
    QTreeWidgetItem* item = list_->topLevelItem(row);
    item->setCheckState(0, values.contains(item->data(0, Qt::UserRole).toInt()) ? Qt::Checked : Qt::Unchecked);
  }
  updatingList_ = false;
  refresh();
  Q_EMIT selectionChanged();
}

QImage LabelPickerDialog::mask() const { return maskForLabels(labelImage_, selectedLabels()); }

void LabelPickerDialog::itemChanged(QTreeWidgetItem*) {
  if (updatingList_) return;
  refresh();
  Q_EMIT selectionChanged();
}

void LabelPickerDialog::pictureClicked(const QPoint& pixel) {
  const int value = labelAt(labelImage_, pixel, encoding_);
  for (int row = 0; row < list_->topLevelItemCount(); ++row) {
    QTreeWidgetItem* item = list_->topLevelItem(row);
    if (item->data(0, Qt::UserRole).toInt() != value) continue;
    item->setCheckState(0, item->checkState(0) == Qt::Checked ? Qt::Unchecked : Qt::Checked);  // refreshes
    list_->scrollToItem(item);
    return;
  }
}

void LabelPickerDialog::refresh() {
  const QSet<int> chosen = selectedLabels();
  const QImage partMask = maskForLabels(labelImage_, chosen);
  labelsView_->setImage(falseColourLabels(labelImage_, chosen));
  const bool overPhoto = !photo_.isNull() && sizeError_.isEmpty();
  previewView_->setImage(overPhoto ? composeMaskOverlay(photo_, partMask, defaultMaskColour(), kPreviewOpacity)
                                   : partMask);
  qint64 partPixels = 0;
  for (int y = 0; y < partMask.height(); ++y) {
    const uchar* line = partMask.constScanLine(y);
    for (int x = 0; x < partMask.width(); ++x) partPixels += line[x] != 0;
  }
  QString text;
  if (!sizeError_.isEmpty()) {
    text = QStringLiteral("<span style='color:#d04040'>%1</span>").arg(sizeError_.toHtmlEscaped());
  } else if (chosen.isEmpty()) {
    text = tr("Tick at least one label.");
  } else {
    text = tr("The part covers %1 px, %2 of the image.").arg(QLocale().toString(partPixels), share(partPixels, totalPixels_));
  }
  summary_->setText(text);
  buttons_->button(QDialogButtonBox::Ok)->setEnabled(sizeError_.isEmpty() && partPixels > 0);
}

}  // namespace partedit::ui
