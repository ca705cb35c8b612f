#include "ui/dialogs/new_image_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include "ui/widgets/seed_field.h"

namespace partedit::ui {

NewImageDialog::NewImageDialog(const GenerateSettings& initial, int defaultSize, QWidget* parent) : QDialog(parent) {
  setObjectName(QStringLiteral("NewImageDialog"));
  setWindowTitle(tr("New Image from Prompt"));
  prompt_ = new QPlainTextEdit(this);
  prompt_->setObjectName(QStringLiteral("prompt"));
  prompt_->setPlaceholderText(tr("a photo of a cat in a park"));
  prompt_->setTabChangesFocus(true);
  prompt_->setFixedHeight(prompt_->fontMetrics().lineSpacing() * 4 + 12);
  negative_ = new QLineEdit(this);
  negative_->setObjectName(QStringLiteral("negative"));
  negative_->setPlaceholderText(tr("optional: what to avoid"));
  seed_ = new SeedField(this);
  const ControlRanges ranges = ControlRanges::fromEngine();
  steps_ = new QSpinBox(this);
  steps_->setRange(ranges.minSteps, ranges.maxSteps);
  guidance_ = new QDoubleSpinBox(this);
  guidance_->setRange(ranges.minGuidance, ranges.maxGuidance);
  guidance_->setSingleStep(0.5);
  scheduler_ = new QComboBox(this);
  scheduler_->addItem(tr("The model's own"), QString());
  scheduler_->addItem(QStringLiteral("DPM++ 2M SDE"), QStringLiteral("dpmpp-sde"));
  scheduler_->addItem(QStringLiteral("DPM++ 2M"), QStringLiteral("dpmpp-2m"));
  scheduler_->addItem(QStringLiteral("Euler"), QStringLiteral("euler"));
  scheduler_->addItem(QStringLiteral("DDIM"), QStringLiteral("ddim"));
  scheduler_->addItem(QStringLiteral("PNDM (PLMS)"), QStringLiteral("pndm"));
  width_ = new QSpinBox(this);
  width_->setObjectName(QStringLiteral("width"));
  height_ = new QSpinBox(this);
  height_->setObjectName(QStringLiteral("height"));
  for (QSpinBox* side : {width_, height_}) {
    side->setRange(ranges.minSide, ranges.maxSide);
    side->setSingleStep(ranges.sideStep);
    side->setSuffix(tr(" px"));
  }

  auto* sizeRow = new QHBoxLayout;
  sizeRow->addWidget(width_);
  sizeRow->addWidget(new QLabel(QStringLiteral("×"), this));
  sizeRow->addWidget(height_);
  sizeRow->addStretch(1);
  auto* form = new QFormLayout;
  form->addRow(tr("&Prompt:"), prompt_);
  form->addRow(tr("&Negative prompt:"), negative_);
  form->addRow(tr("S&eed:"), seed_);
  form->addRow(tr("&Steps:"), steps_);
  form->addRow(tr("&Guidance:"), guidance_);
  form->addRow(tr("Sa&mpler:"), scheduler_);
  // A row of a layout gets no buddy from addRow(QString, …), and its '&' would show as is.
  auto* sizeLabel = new QLabel(tr("Si&ze:"), this);
  sizeLabel->setBuddy(width_);
  form->addRow(sizeLabel, sizeRow);
  buttons_ = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
  buttons_->button(QDialogButtonBox::Ok)->setText(tr("&Generate"));
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(form);
  layout->addWidget(buttons_);

  connect(buttons_, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons_, &QDialogButtonBox::rejected, this, &QDialog::reject);
  connect(prompt_, &QPlainTextEdit::textChanged, this, [this] {
    buttons_->button(QDialogButtonBox::Ok)->setEnabled(!prompt_->toPlainText().trimmed().isEmpty());
  });

  prompt_->setPlainText(initial.prompt);
  negative_->setText(initial.negative);
  seed_->setSeed(initial.seed);
  steps_->setValue(initial.steps);
  guidance_->setValue(initial.guidance);
  scheduler_->setCurrentIndex(std::max(0, scheduler_->findData(initial.scheduler)));
  const int side = defaultSize > 0 ? defaultSize : 1024;
  width_->setValue(initial.width > 0 ? initial.width : side);
  height_->setValue(initial.height > 0 ? initial.height : side);
  buttons_->button(QDialogButtonBox::Ok)->setEnabled(!initial.prompt.trimmed().isEmpty());
  resize(560, sizeHint().height());
}

GenerateSettings NewImageDialog::settings() const {
  GenerateSettings s = GenerateSettings::defaults();
  s.prompt = prompt_->toPlainText().trimmed();
  s.negative = negative_->text().trimmed();
  s.seed = seed_->seed();
  s.steps = steps_->value();
  s.guidance = guidance_->value();
  s.scheduler = scheduler_->currentData().toString();
  // The VAE works in blocks of 8 pixels.
  s.width = width_->value() / 8 * 8;
  s.height = height_->value() / 8 * 8;
  return s;
}

}  // namespace partedit::ui
