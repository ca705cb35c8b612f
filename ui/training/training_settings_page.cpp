#include "ui/training/training_settings_page.h"

#include <cmath>

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QRegularExpression>
#include <QRegularExpressionValidator>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>

namespace partedit::ui {

namespace {

const QRegularExpression& timestepPattern() {
  static const QRegularExpression pattern(QStringLiteral("^\\s*(\\d{1,4})\\s*:\\s*(\\d{1,4})\\s*$"));
  return pattern;
}

QString key(const char* name) { return QString::fromLatin1(name); }

constexpr int kFieldWidth = 260;

// 30 as "30" and 0.005 as "0.005", not "30.0000".
QString rateText(const QLocale& locale, double rate) { return locale.toString(rate, 'g', 6); }

class RateSpinBox : public QDoubleSpinBox {
 public:
  using QDoubleSpinBox::QDoubleSpinBox;
  QString textFromValue(double value) const override { return rateText(locale(), value); }
};

// Whether `box` holds `rate`, as rounded to its decimals.
bool holdsRate(const QDoubleSpinBox* box, double rate) {
  return std::abs(box->value() - rate) < 0.5 * std::pow(10.0, -box->decimals());
}

QLabel* hint(const QString& text, QWidget* parent) {
  auto* label = new QLabel(text, parent);
  label->setWordWrap(true);
  label->setForegroundRole(QPalette::PlaceholderText);
  return label;
}

}  // namespace

TrainingSettingsPage::TrainingSettingsPage(QWidget* parent) : QWizardPage(parent) {
  setObjectName(QStringLiteral("settingsPage"));
  setTitle(tr("Part name and training"));
  setSubTitle(tr("Name the part as you will type it in the edit box, then choose how long to train."));

  partName_ = new QLineEdit(this);
  partName_->setObjectName(QStringLiteral("partName"));
  partName_->setPlaceholderText(tr("e.g. cat-ear"));
  partProblem_ = hint(QString(), this);
  mode_ = new QComboBox(this);
  mode_->setObjectName(QStringLiteral("trainingMode"));
  mode_->addItem(tr("Fast: cached queries"), QStringLiteral("cached"));
  mode_->addItem(tr("Exact: the paper's training (much slower)"), QStringLiteral("exact"));
  mode_->setToolTip(tr("Fast runs the model once per image and then only optimises the token; "
                       "exact runs the model at every step"));
  steps_ = new QSpinBox(this);
  steps_->setObjectName(QStringLiteral("trainingSteps"));
  steps_->setRange(1, 100000);
  steps_->setToolTip(tr("Optimisation steps; the paper trains 1000–2000"));
  split_ = new QSpinBox(this);
  split_->setObjectName(QStringLiteral("validationSplit"));
  split_->setRange(0, 90);
  split_->setSuffix(tr(" %"));
  split_->setToolTip(tr("Share of the images held out to measure the token on images it does not train on"));

  splitHint_ = hint(QString(), this);
  splitHint_->setWordWrap(false);  // a wrapped label in a form row is cut to one line's height
  auto* splitRow = new QHBoxLayout;
  splitRow->addWidget(split_);
  splitRow->addWidget(splitHint_, 1);
  for (QWidget* field : std::initializer_list<QWidget*>{partName_, mode_, steps_, split_})
    field->setMinimumWidth(field == split_ || field == steps_ ? kFieldWidth / 2 : kFieldWidth);

  auto* form = new QFormLayout;
  form->setFieldGrowthPolicy(QFormLayout::FieldsStayAtSizeHint);
  form->addRow(tr("Part name:"), partName_);
  form->addRow(QString(), partProblem_);
  form->addRow(tr("Mode:"), mode_);
  form->addRow(tr("Steps:"), steps_);
  form->addRow(tr("Held out for validation:"), splitRow);

  advancedToggle_ = new QToolButton(this);
  advancedToggle_->setObjectName(QStringLiteral("advancedToggle"));
  advancedToggle_->setText(tr("Advanced"));
  advancedToggle_->setCheckable(true);
  advancedToggle_->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
  advancedToggle_->setArrowType(Qt::RightArrow);
  advancedToggle_->setAutoRaise(true);
  advanced_ = new QWidget(this);
  advanced_->setObjectName(QStringLiteral("advancedSettings"));
  learningRate_ = new RateSpinBox(advanced_);
  learningRate_->setObjectName(QStringLiteral("learningRate"));
  learningRate_->setDecimals(4);
  learningRate_->setRange(0.0001, 10000);
  optimizer_ = new QComboBox(advanced_);
  optimizer_->setObjectName(QStringLiteral("optimizer"));
  optimizer_->addItem(tr("SGD"), QStringLiteral("sgd"));
  optimizer_->addItem(tr("Adam"), QStringLiteral("adam"));
  const QString sgdRate = rateText(locale(), defaultLearningRate(QStringLiteral("sgd")));
  const QString adamRate = rateText(locale(), defaultLearningRate(QStringLiteral("adam")));
  learningRate_->setToolTip(tr("The rate training starts with: %1 for SGD (the paper's), %2 for Adam. Choosing an "
                               "optimizer sets its rate unless you typed your own.").arg(sgdRate, adamRate));
  optimizer_->setToolTip(tr("SGD is the paper's optimizer (rate %1); Adam needs a far smaller rate (%2). Choosing "
                            "one sets its rate unless you typed your own.").arg(sgdRate, adamRate));
  timesteps_ = new QLineEdit(advanced_);
  timesteps_->setObjectName(QStringLiteral("timesteps"));
  timesteps_->setValidator(new QRegularExpressionValidator(
      QRegularExpression(QStringLiteral("\\s*\\d{0,4}\\s*:?\\s*\\d{0,4}\\s*")), timesteps_));
  timesteps_->setToolTip(tr("Model timesteps HIGH:LOW, inclusive (0–999); 600:400 are the middle of a 50-step run"));
  stride_ = new QSpinBox(advanced_);
  stride_->setObjectName(QStringLiteral("timestepStride"));
  stride_->setRange(1, 999);
  seed_ = new QLineEdit(advanced_);
  seed_->setObjectName(QStringLiteral("trainingSeed"));
  seed_->setValidator(new QRegularExpressionValidator(QRegularExpression(QStringLiteral("\\d{1,19}")), seed_));
  seed_->setToolTip(tr("Draws the token's start, the noise, the split and the timesteps: same seed, same token"));
  validateEvery_ = new QSpinBox(advanced_);
  validateEvery_->setObjectName(QStringLiteral("validateEvery"));
  validateEvery_->setRange(1, 100000);
  validateEvery_->setSuffix(tr(" steps"));
  auto* defaults = new QPushButton(tr("Restore Defaults"), advanced_);
  for (QWidget* field : std::initializer_list<QWidget*>{learningRate_, optimizer_, timesteps_, stride_, seed_, validateEvery_})
    field->setMinimumWidth(kFieldWidth / 2);
  auto* advancedForm = new QFormLayout(advanced_);
  advancedForm->setFieldGrowthPolicy(QFormLayout::FieldsStayAtSizeHint);
  advancedForm->setContentsMargins(18, 0, 0, 0);
  advancedForm->addRow(tr("Learning rate:"), learningRate_);
  advancedForm->addRow(tr("Optimizer:"), optimizer_);
  advancedForm->addRow(tr("Timesteps (high:low):"), timesteps_);
  advancedForm->addRow(tr("Timestep stride:"), stride_);
  advancedForm->addRow(tr("Seed:"), seed_);
  advancedForm->addRow(tr("Validate every:"), validateEvery_);
  advancedForm->addRow(QString(), defaults);
  advanced_->hide();

  problem_ = new QLabel(this);
  problem_->setObjectName(QStringLiteral("settingsProblem"));
  problem_->setWordWrap(true);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(form);
  layout->addSpacing(8);
  layout->addWidget(advancedToggle_, 0, Qt::AlignLeft);
  layout->addWidget(advanced_);
  layout->addStretch(1);
  layout->addWidget(problem_);

  setSettings(TrainingSettings::defaults());
  connect(advancedToggle_, &QToolButton::toggled, this, &TrainingSettingsPage::setAdvancedShown);
  connect(defaults, &QPushButton::clicked, this, [this] {
    TrainingSettings s = TrainingSettings::defaults();
    s.partName = partName();
    s.mode = settings().mode;
    s.steps = steps_->value();
    setSettings(s);
  });
  connect(partName_, &QLineEdit::textChanged, this, &TrainingSettingsPage::changed);
  connect(timesteps_, &QLineEdit::textChanged, this, &TrainingSettingsPage::changed);
  connect(seed_, &QLineEdit::textChanged, this, &TrainingSettingsPage::changed);
  connect(optimizer_, QOverload<int>::of(&QComboBox::currentIndexChanged), this, &TrainingSettingsPage::optimizerChosen);
  for (QComboBox* box : {mode_, optimizer_})
    connect(box, QOverload<int>::of(&QComboBox::currentIndexChanged), this, &TrainingSettingsPage::changed);
  for (QSpinBox* box : {steps_, split_, stride_, validateEvery_})
    connect(box, QOverload<int>::of(&QSpinBox::valueChanged), this, &TrainingSettingsPage::changed);
  connect(learningRate_, QOverload<double>::of(&QDoubleSpinBox::valueChanged), this, &TrainingSettingsPage::changed);
}

TrainingSettings TrainingSettingsPage::settings() const {
  TrainingSettings s = TrainingSettings::defaults();
  s.partName = partName();
  s.mode = mode_->currentData().toString();
  s.optimizer = optimizer_->currentData().toString();
  s.steps = steps_->value();
  s.learningRate = learningRate_->value();
  const auto match = timestepPattern().match(timesteps_->text());
  if (match.hasMatch()) {
    s.timestepHigh = match.captured(1).toInt();
    s.timestepLow = match.captured(2).toInt();
  }
  s.timestepStride = stride_->value();
  s.validationSplit = split_->value() / 100.0;
  s.validateEvery = validateEvery_->value();
  if (!seed_->text().isEmpty()) s.seed = seed_->text().toULongLong();
  return s;
}

void TrainingSettingsPage::setSettings(const TrainingSettings& s) {
  updating_ = true;
  partName_->setText(s.partName);
  mode_->setCurrentIndex(std::max(0, mode_->findData(s.mode)));
  optimizer_->setCurrentIndex(std::max(0, optimizer_->findData(s.optimizer)));
  steps_->setValue(s.steps);
  learningRate_->setValue(s.learningRate);
  rateOptimizer_ = optimizer_->currentData().toString();
  timesteps_->setText(QStringLiteral("%1:%2").arg(s.timestepHigh).arg(s.timestepLow));
  stride_->setValue(s.timestepStride);
  split_->setValue(static_cast<int>(std::lround(s.validationSplit * 100)));
  validateEvery_->setValue(s.validateEvery);
  seed_->setText(QString::number(s.seed));
  updating_ = false;
  changed();
}

void TrainingSettingsPage::optimizerChosen() {
  const QString chosen = optimizer_->currentData().toString();
  // The rate is the artist's own when it is not the previous optimizer's default: it stays.
  if (!updating_ && holdsRate(learningRate_, defaultLearningRate(rateOptimizer_)))
    learningRate_->setValue(defaultLearningRate(chosen));
  rateOptimizer_ = chosen;
}

QString TrainingSettingsPage::partName() const { return partName_->text().trimmed(); }
void TrainingSettingsPage::setPartName(const QString& name) { partName_->setText(name); }

void TrainingSettingsPage::setImageChoices(const QVector<TrainingImage::HoldOut>& choices) {
  choices_ = choices;
  imageCount_ = static_cast<int>(choices.size());
  changed();
}

bool TrainingSettingsPage::isAdvancedShown() const { return advanced_->isVisible() || advancedToggle_->isChecked(); }

void TrainingSettingsPage::setAdvancedShown(bool shown) {
  advancedToggle_->setChecked(shown);
  advancedToggle_->setArrowType(shown ? Qt::DownArrow : Qt::RightArrow);
  advanced_->setVisible(shown);
}

QString TrainingSettingsPage::problem() const {
  const QString name = partNameProblem(partName());
  if (!name.isEmpty()) return name;
  const auto match = timestepPattern().match(timesteps_->text());
  if (!match.hasMatch()) return tr("Write the timesteps as HIGH:LOW, e.g. 600:400.");
  const int high = match.captured(1).toInt(), low = match.captured(2).toInt();
  if (high > 999 || low > high) return tr("The timesteps must satisfy 999 ≥ HIGH ≥ LOW ≥ 0.");
  if (seed_->text().isEmpty()) return tr("Give a seed (any whole number).");
  return {};
}

bool TrainingSettingsPage::isComplete() const { return problem().isEmpty(); }

void TrainingSettingsPage::changed() {
  const int held = heldOutImageCount(choices_, split_->value() / 100.0);
  splitHint_->setText(held < 0     ? tr("Every image is chosen to be held out; let at least one be trained on.")
                      : held == 1  ? tr("One of the %1 images is held out; training uses the others.").arg(imageCount_)
                      : held > 1   ? tr("%1 of the %2 images are held out; training uses the others.").arg(held).arg(imageCount_)
                      : imageCount_ > 0 ? tr("No image is held out: validation measures the training images.")
                                        : QString());
  const QString nameProblem = partNameProblem(partName());
  partProblem_->setText(nameProblem);
  partProblem_->setVisible(!nameProblem.isEmpty() && !partName().isEmpty());
  const QString text = problem();
  problem_->setText(partProblem_->isVisibleTo(this) && text == nameProblem ? QString() : text);
  if (updating_) return;
  Q_EMIT completeChanged();
  Q_EMIT settingsChanged();
}

QJsonObject TrainingSettingsPage::toJson(const TrainingSettings& s) {
  return {{key("mode"), s.mode},
          {key("optimizer"), s.optimizer},
          {key("steps"), s.steps},
          {key("learning_rate"), s.learningRate},
          {key("timestep_high"), s.timestepHigh},
          {key("timestep_low"), s.timestepLow},
          {key("timestep_stride"), s.timestepStride},
          {key("validation_split"), s.validationSplit},
          {key("validate_every"), s.validateEvery},
          {key("seed"), QString::number(s.seed)}};  // 64 bits do not fit a JSON double
}

TrainingSettings TrainingSettingsPage::fromJson(const QJsonObject& json, const TrainingSettings& base) {
  TrainingSettings s = base;
  const auto text = [&](const char* name, QString& value) {
    if (json.value(key(name)).isString()) value = json.value(key(name)).toString();
  };
  const auto integer = [&](const char* name, int& value) {
    if (json.value(key(name)).isDouble()) value = json.value(key(name)).toInt(value);
  };
  const auto real = [&](const char* name, double& value) {
    if (json.value(key(name)).isDouble()) value = json.value(key(name)).toDouble(value);
  };
  text("mode", s.mode);
  text("optimizer", s.optimizer);
  integer("steps", s.steps);
  real("learning_rate", s.learningRate);
  integer("timestep_high", s.timestepHigh);
  integer("timestep_low", s.timestepLow);
  integer("timestep_stride", s.timestepStride);
  real("validation_split", s.validationSplit);
  integer("validate_every", s.validateEvery);
  bool ok = false;
  const quint64 seed = json.value(key("seed")).toString().toULongLong(&ok);
  if (ok) s.seed = seed;
  return s;
}

}  // namespace partedit::ui
