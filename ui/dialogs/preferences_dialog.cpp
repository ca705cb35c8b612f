#include "ui/dialogs/preferences_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QFutureWatcher>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QStandardItemModel>
#include <QToolButton>
#include <QVBoxLayout>

#include "ui/worker/folder_checks.h"

namespace partedit::ui {

namespace {

constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;

QLabel* status_label(QWidget* parent) {
  auto* label = new QLabel(parent);
  label->setWordWrap(true);
  label->setTextInteractionFlags(Qt::TextSelectableByMouse);
  return label;
}

// Green for a usable folder, red for one the loader would refuse, grey before one is chosen.
void show_status(QLabel* label, const QString& problem, const QString& okText, bool chosen = true) {
  label->setText(problem.isEmpty() ? okText : problem);
  label->setStyleSheet(problem.isEmpty() ? QStringLiteral("color: #2e7d32;")
                       : chosen          ? QStringLiteral("color: #c0392b;")
                                         : QStringLiteral("color: palette(mid);"));
  label->setVisible(!label->text().isEmpty());
}

void disable_item(QComboBox* combo, int index, const QString& why) {
  auto* model = qobject_cast<QStandardItemModel*>(combo->model());
  if (!model) return;
  model->item(index)->setEnabled(false);
  model->item(index)->setToolTip(why);
}

}  // namespace

QLineEdit* PreferencesDialog::folderRow(const QString& placeholder, QWidget** row, bool checkpointFile) {
  auto* widget = new QWidget(this);
  auto* layout = new QHBoxLayout(widget);
  layout->setContentsMargins(0, 0, 0, 0);
  auto* edit = new QLineEdit(widget);
  edit->setPlaceholderText(placeholder);
  edit->setClearButtonEnabled(true);
  auto* browse = new QPushButton(checkpointFile ? tr("Folder…") : tr("Browse…"), widget);
  layout->addWidget(edit, 1);
  layout->addWidget(browse);
  connect(browse, &QPushButton::clicked, this, [this, edit] {
    const QString chosen = QFileDialog::getExistingDirectory(this, tr("Choose a Folder"), edit->text());
    if (!chosen.isEmpty()) edit->setText(chosen);
  });
  if (checkpointFile) {
    auto* file = new QPushButton(tr("File…"), widget);
    file->setObjectName(QStringLiteral("chooseCheckpointFile"));
    file->setToolTip(tr("A single-file checkpoint (.safetensors), as model sites share them"));
    layout->addWidget(file);
    connect(file, &QPushButton::clicked, this, [this, edit] {
      const QString chosen = QFileDialog::getOpenFileName(this, tr("Choose a Checkpoint File"), edit->text(),
                                                          tr("Single-file checkpoints (*.safetensors)"));
      if (!chosen.isEmpty()) edit->setText(chosen);
    });
  }
  *row = widget;
  return edit;
}

PreferencesDialog::PreferencesDialog(const EngineConfig& config, Mode mode, QWidget* parent)
    : QDialog(parent), mode_(mode), initial_(config) {
  setObjectName(mode == Mode::FirstRun ? QStringLiteral("FirstRunDialog") : QStringLiteral("PreferencesDialog"));
  setWindowTitle(mode == Mode::FirstRun ? tr("Welcome to PartEdit") : tr("Preferences"));
  auto* layout = new QVBoxLayout(this);

  if (mode == Mode::FirstRun) {
    auto* intro = new QLabel(this);
    intro->setWordWrap(true);
    intro->setTextFormat(Qt::RichText);
    intro->setText(tr("<p><b>PartEdit needs a diffusion model on this computer.</b></p>"
                      "<p>Choose a <b>diffusers folder</b> of Stable Diffusion XL (recommended), SD 1.x or SD 2.x: "
                      "the folder that holds <i>model_index.json</i> with <i>unet</i>, <i>vae</i>, "
                      "<i>text_encoder</i>, <i>tokenizer</i> and <i>scheduler</i> inside, or a "
                      "<b>single-file checkpoint</b> (<i>.safetensors</i>, e.g. sd_xl_base_1.0.safetensors). "
                      "Nothing is downloaded.</p>"
                      "<p>Optionally choose a <b>BLIP-2 folder</b> (e.g. blip2-flan-t5-xl): PartEdit then "
                      "describes photos for you before editing them. Without it you type the description.</p>"));
    layout->addWidget(intro);
  }

  auto* models = new QGroupBox(tr("Models"), this);
  auto* modelsForm = new QFormLayout(models);
  QWidget* row = nullptr;
  model_ = folderRow(tr("SDXL, SD 1.x or SD 2.x diffusers folder or .safetensors file"), &row, true);
  model_->setObjectName(QStringLiteral("modelFolder"));
  modelsForm->addRow(tr("&Diffusion model:"), row);
  modelStatus_ = status_label(models);
  modelsForm->addRow(QString(), modelStatus_);
  // Only for a single file: the configs of a shape PartEdit does not ship.
  modelConfig_ = folderRow(tr("optional: diffusers folder with the file's configs (other shapes)"), &modelConfigRow_);
  modelConfig_->setObjectName(QStringLiteral("modelConfigFolder"));
  modelsForm->addRow(tr("C&onfig folder:"), modelConfigRow_);
  modelConfigRow_->setEnabled(false);  // until a check finds a single file
  caption_ = folderRow(tr("optional: BLIP-2 folder for photo captions"), &row);
  caption_->setObjectName(QStringLiteral("captionFolder"));
  modelsForm->addRow(tr("&Caption model:"), row);
  captionStatus_ = status_label(models);
  modelsForm->addRow(QString(), captionStatus_);
  layout->addWidget(models);

  auto* compute = new QGroupBox(tr("Computation"), this);
  auto* computeForm = new QFormLayout(compute);
  device_ = new QComboBox(compute);
  device_->setObjectName(QStringLiteral("device"));
  device_->addItem(tr("CPU"), QStringLiteral("cpu"));
  device_->addItem(tr("NVIDIA GPU (CUDA)"), QStringLiteral("cuda"));
  const EngineDefaultsInfo defaults = engineDefaults();
  if (!defaults.cuda) disable_item(device_, 1, tr("No CUDA device is available to this build of PartEdit."));
  dtype_ = new QComboBox(compute);
  dtype_->setObjectName(QStringLiteral("dtype"));
  dtype_->addItem(tr("Automatic (the fastest here)"), QStringLiteral("auto"));
  dtype_->setItemData(0, tr("fp16 on a GPU; on the CPU bfloat16 where this CPU computes it natively and a short "
                            "measurement finds it faster, else 32-bit"),
                      Qt::ToolTipRole);
  dtype_->addItem(tr("32-bit float (exact, CPU and GPU)"), QStringLiteral("fp32"));
  dtype_->addItem(tr("bfloat16 (half the memory, CPU and GPU)"), QStringLiteral("bf16"));
  dtype_->setItemData(2, defaults.nativeBf16
                             ? tr("This CPU computes bfloat16 natively (%1).").arg(defaults.cpuBf16)
                             : tr("This CPU has no native bfloat16 (AVX512-BF16 or AMX): it is emulated, slower "
                                  "than 32-bit here."),
                      Qt::ToolTipRole);
  dtype_->addItem(tr("16-bit float (GPU, half the memory)"), QStringLiteral("fp16"));
  computeForm->addRow(tr("De&vice:"), device_);
  computeForm->addRow(tr("&Precision:"), dtype_);
  layout->addWidget(compute);

  auto* storage = new QGroupBox(tr("Folders"), this);
  auto* storageForm = new QFormLayout(storage);
  tokens_ = folderRow(defaults.tokenFolder, &row);
  tokens_->setObjectName(QStringLiteral("tokenFolder"));
  storageForm->addRow(tr("Part &tokens:"), row);
  cache_ = folderRow(defaults.cacheFolder, &row);
  cache_->setObjectName(QStringLiteral("cacheFolder"));
  storageForm->addRow(tr("Inversion c&ache:"), row);
  auto* cacheRow = new QWidget(storage);
  auto* cacheLayout = new QHBoxLayout(cacheRow);
  cacheLayout->setContentsMargins(0, 0, 0, 0);
  cacheLimit_ = new QDoubleSpinBox(cacheRow);
  cacheLimit_->setObjectName(QStringLiteral("cacheLimit"));
  cacheLimit_->setRange(0.1, 1024);
  cacheLimit_->setDecimals(1);
  cacheLimit_->setSuffix(tr(" GB"));
  cacheUsage_ = new QLabel(cacheRow);
  clearCache_ = new QPushButton(tr("C&lear"), cacheRow);
  clearCache_->setObjectName(QStringLiteral("clearCache"));
  clearCache_->setToolTip(tr("Remove every kept inversion: the next edit of each photo inverts it again."));
  cacheLayout->addWidget(cacheLimit_);
  cacheLayout->addWidget(cacheUsage_, 1);
  cacheLayout->addWidget(clearCache_);
  storageForm->addRow(tr("Cache &size limit:"), cacheRow);
  // Like the cache's limit: the history kept for the next start, the oldest results dropped first.
  auto* sessionRow = new QWidget(storage);
  auto* sessionLayout = new QHBoxLayout(sessionRow);
  sessionLayout->setContentsMargins(0, 0, 0, 0);
  sessionLimit_ = new QDoubleSpinBox(sessionRow);
  sessionLimit_->setObjectName(QStringLiteral("sessionLimit"));
  sessionLimit_->setRange(0.1, 1024);
  sessionLimit_->setDecimals(1);
  sessionLimit_->setSuffix(tr(" GB"));
  sessionLimit_->setValue(1.0);
  sessionLimit_->setToolTip(tr("The open images and their history come back at the next start; beyond this size "
                               "the oldest results are left out."));
  sessionLayout->addWidget(sessionLimit_);
  sessionLayout->addWidget(new QLabel(tr("the oldest results are left out first"), sessionRow), 1);
  auto* sessionLabel = new QLabel(tr("History &kept between sessions:"), storage);
  sessionLabel->setBuddy(sessionLimit_);  // the row is a container: Alt+K goes to the limit
  storageForm->addRow(sessionLabel, sessionRow);
  layout->addWidget(storage);
  if (mode == Mode::FirstRun) {
    compute->hide();
    storage->hide();
  }

  buttons_ = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
  if (mode == Mode::FirstRun) buttons_->button(QDialogButtonBox::Ok)->setText(tr("Start"));
  layout->addWidget(buttons_);
  connect(buttons_, &QDialogButtonBox::accepted, this, &PreferencesDialog::accept);
  connect(buttons_, &QDialogButtonBox::rejected, this, &QDialog::reject);
  watcher_ = new QFutureWatcher<FolderCheckResult>(this);
  connect(watcher_, &QFutureWatcherBase::finished, this, [this] {
    checked_ = watcher_->result();
    checking_ = false;
    if (recheckAfter_) return recheck();
    showCheck();
    Q_EMIT checked();
    if (acceptWhenChecked_) accept();
  });
  connect(model_, &QLineEdit::textChanged, this, &PreferencesDialog::recheck);
  connect(modelConfig_, &QLineEdit::textChanged, this, &PreferencesDialog::recheck);
  connect(caption_, &QLineEdit::textChanged, this, &PreferencesDialog::recheck);
  connect(cache_, &QLineEdit::textChanged, this, [this] {
    cacheNote_.clear();
    recheck();
  });
  connect(clearCache_, &QPushButton::clicked, this, [this] {
    const auto answer = QMessageBox::question(
        this, tr("Clear the Inversion Cache"),
        tr("Remove every kept inversion (%1)? The next edit of each photo will invert it again.")
            .arg(formatBytes(checked_.cacheBytes)));
    if (answer == QMessageBox::Yes) Q_EMIT clearCacheRequested();
  });
  connect(device_, QOverload<int>::of(&QComboBox::currentIndexChanged), this, [this] {
    const bool cpu = device_->currentData().toString() == QLatin1String("cpu");
    // LibTorch has no fp16 matrix kernels on the CPU.
    const int fp16 = dtype_->findData(QStringLiteral("fp16"));
    if (cpu && dtype_->currentIndex() == fp16) dtype_->setCurrentIndex(0);
    if (auto* model = qobject_cast<QStandardItemModel*>(dtype_->model())) model->item(fp16)->setEnabled(!cpu);
  });

  model_->setText(config.modelFolder);
  modelConfig_->setText(config.modelConfigFolder);
  caption_->setText(config.captionFolder);
  device_->setCurrentIndex(std::max(0, device_->findData(config.device)));
  dtype_->setCurrentIndex(std::max(0, dtype_->findData(config.dtype)));
  Q_EMIT device_->currentIndexChanged(device_->currentIndex());
  tokens_->setText(config.tokenFolder);
  cache_->setText(config.cacheFolder);
  cacheLimit_->setValue((config.cacheLimitBytes > 0 ? config.cacheLimitBytes : defaults.cacheLimitBytes) / kGiB);
  recheck();
  resize(sizeHint().width() + 160, sizeHint().height());
}

EngineConfig PreferencesDialog::config() const {
  EngineConfig c = initial_;
  c.modelFolder = model_->text().trimmed();
  // A folder has its own configs: the config folder only travels with a single file.
  c.modelConfigFolder = checked_.singleFile ? modelConfig_->text().trimmed() : QString();
  c.captionFolder = caption_->text().trimmed();
  c.device = device_->currentData().toString();
  c.dtype = dtype_->currentData().toString();
  c.tokenFolder = tokens_->text().trimmed();
  c.cacheFolder = cache_->text().trimmed();
  c.cacheLimitBytes = static_cast<qint64>(cacheLimit_->value() * kGiB);
  return c;
}

void PreferencesDialog::setSessionLimitBytes(qint64 bytes) { sessionLimit_->setValue(bytes / kGiB); }
qint64 PreferencesDialog::sessionLimitBytes() const { return static_cast<qint64>(sessionLimit_->value() * kGiB); }

void PreferencesDialog::setModelFolder(const QString& folder) { model_->setText(folder); }
void PreferencesDialog::setModelConfigFolder(const QString& folder) { modelConfig_->setText(folder); }
void PreferencesDialog::setCaptionFolder(const QString& folder) { caption_->setText(folder); }

FolderCheckRequest PreferencesDialog::checkRequest() const {
  FolderCheckRequest r;
  r.modelPath = model_->text();
  r.modelConfigFolder = modelConfig_->text();
  r.captionFolder = caption_->text();
  r.cacheFolder = cache_->text();
  return r;
}

void PreferencesDialog::recheck() {
  recheckAfter_ = checking_;
  if (checking_) return;  // once the running check ends
  checking_ = true;
  buttons_->button(QDialogButtonBox::Ok)->setEnabled(false);
  const QString checkingText = tr("Checking…");
  if (!model_->text().trimmed().isEmpty()) show_status(modelStatus_, checkingText, QString(), false);
  if (!caption_->text().trimmed().isEmpty()) show_status(captionStatus_, checkingText, QString(), false);
  watcher_->setFuture(checkFoldersInBackground(checkRequest()));
}

void PreferencesDialog::showCheck() {
  modelConfigRow_->setEnabled(checked_.singleFile);
  show_status(modelStatus_, checked_.modelProblem, tr("✓ %1").arg(checked_.modelSummary),
              !model_->text().trimmed().isEmpty());
  show_status(captionStatus_, checked_.captionProblem,
              caption_->text().trimmed().isEmpty() ? QString() : tr("✓ a BLIP-2 folder"));
  cacheUsage_->setText(tr("%1 in use").arg(formatBytes(checked_.cacheBytes)) +
                       (cacheNote_.isEmpty() ? QString() : QStringLiteral(" · ") + cacheNote_));
  buttons_->button(QDialogButtonBox::Ok)->setEnabled(checked_.modelProblem.isEmpty() && checked_.captionProblem.isEmpty());
}

void PreferencesDialog::showCacheCleared(int removed) {
  cacheNote_ = tr("%n inversion(s) removed", nullptr, removed);
  recheck();
}

void PreferencesDialog::accept() {
  acceptWhenChecked_ = checking_;
  if (checking_) return;  // decided when the check ends
  if (!checked_.modelProblem.isEmpty() || !checked_.captionProblem.isEmpty()) return;  // the reasons are shown under the fields
  QDialog::accept();
}

}  // namespace partedit::ui
