#include "ui/panels/edit_panel.h"


#include <QAbstractItemView>
#include <QCompleter>
#include <QDoubleSpinBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpressionValidator>
#include <QScrollArea>
#include <QSlider>
#include <QSpinBox>
#include <QStringListModel>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include "ui/history/image_document.h"
#include "ui/widgets/seed_field.h"
#include "ui/widgets/text_escape_guard.h"

namespace partedit::ui {

namespace {

// A hint under a field: wrapped, a little smaller than the fields' text.
QLabel* wrapped_label(QWidget* parent) {
  auto* label = new QLabel(parent);
  label->setWordWrap(true);
  label->setTextInteractionFlags(Qt::TextSelectableByMouse);
  QFont font = label->font();
  font.setPointSizeF(font.pointSizeF() * 0.9);
  label->setFont(font);
  return label;
}

}  // namespace

EditPanel::EditPanel(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("EditPanel"));
  const EditSettings edit = EditSettings::defaults();
  const GenerateSettings generation = GenerateSettings::defaults();

  sourcePrompt_ = new QLineEdit(this);
  sourcePrompt_->setObjectName(QStringLiteral("sourcePrompt"));
  //: The example stays in English: the models read English prompts.
  sourcePrompt_->setPlaceholderText(tr("What the image shows, e.g. “a photo of a woman in a park”"));
  sourceHint_ = wrapped_label(this);
  sourceHint_->setObjectName(QStringLiteral("sourceHint"));

  editBox_ = new QLineEdit(this);
  editBox_->setObjectName(QStringLiteral("editBox"));
  //: Keep in English: the edit box reads English edits starting with "with".
  editBox_->setPlaceholderText(tr("with a robotic <head>"));
  editBox_->setClearButtonEnabled(true);
  completions_ = new QStringListModel(this);
  completer_ = new QCompleter(completions_, this);
  completer_->setCaseSensitivity(Qt::CaseInsensitive);
  completer_->setWidget(editBox_);
  completer_->setCompletionMode(QCompleter::PopupCompletion);
  reason_ = wrapped_label(this);
  reason_->setObjectName(QStringLiteral("editReason"));
  reason_->setStyleSheet(QStringLiteral("color: #c0392b;"));
  fullPrompt_ = wrapped_label(this);
  fullPrompt_->setObjectName(QStringLiteral("fullPrompt"));
  fullPrompt_->setStyleSheet(QStringLiteral("color: palette(mid);"));

  editEnd_ = new QSlider(Qt::Horizontal, this);
  editEnd_->setObjectName(QStringLiteral("editEnd"));
  editEnd_->setRange(1, generation.steps);
  editEnd_->setValue(generation.steps);
  const ControlRanges ranges = ControlRanges::fromEngine();
  editEndText_ = wrapped_label(this);
  omega_ = new QDoubleSpinBox(this);
  omega_->setObjectName(QStringLiteral("omega"));
  omega_->setRange(ranges.minOmega, ranges.maxOmega);
  omega_->setSingleStep(0.1);
  omega_->setValue(edit.omega);
  omega_->setToolTip(tr("How strictly the part is cut out: where the part's attention reaches ω times its automatic "
                        "threshold it counts fully as the part. Higher values give a tighter mask."));
  steps_ = new QSpinBox(this);
  steps_->setObjectName(QStringLiteral("steps"));
  steps_->setRange(ranges.minSteps, ranges.maxSteps);
  steps_->setValue(generation.steps);
  guidance_ = new QDoubleSpinBox(this);
  guidance_->setObjectName(QStringLiteral("guidance"));
  guidance_->setRange(ranges.minEditGuidance, ranges.maxGuidance);
  guidance_->setSingleStep(0.5);
  guidance_->setValue(generation.guidance);
  seed_ = new SeedField(this);
  feather_ = new QDoubleSpinBox(this);
  feather_->setObjectName(QStringLiteral("feather"));
  feather_->setRange(0.0, ranges.maxFeather);
  feather_->setSuffix(tr(" px"));
  feather_->setValue(edit.feather);
  feather_->setToolTip(tr("Soft edge of the edited part when it is put back into the photo"));

  apply_ = new QPushButton(tr("&Apply edit"), this);
  apply_->setObjectName(QStringLiteral("apply"));
  apply_->setDefault(true);
  cancel_ = new QPushButton(tr("Cancel"), this);
  cancel_->setObjectName(QStringLiteral("cancel"));
  cancel_->setEnabled(false);

  // A grid, not a QFormLayout: QFormLayout gives a wrapped hint the height of more lines than
  // it has (centred, with a gap above and below), which spread the panel out.
  auto* form = new QGridLayout;
  form->setColumnStretch(1, 1);
  auto addRow = [this, form](const QString& label, QWidget* field) {
    const int row = form->rowCount();
    if (!label.isEmpty()) {
      auto* name = new QLabel(label, this);
      name->setBuddy(field);
      form->addWidget(name, row, 0);
    }
    form->addWidget(field, row, 1);
  };
  addRow(tr("&Source prompt:"), sourcePrompt_);
  addRow(QString(), sourceHint_);
  addRow(tr("Ed&it:"), editBox_);
  // The check's message (why the edit cannot run, or the prompt it runs) has two lines of
  // room whether or not it shows: typing never moves the rows below (a click meant for Steps
  // would land in Guidance).
  auto* messages = new QWidget(this);
  auto* messagesLayout = new QVBoxLayout(messages);
  messagesLayout->setContentsMargins(0, 0, 0, 0);
  messagesLayout->setSpacing(0);
  messagesLayout->addWidget(reason_);
  messagesLayout->addWidget(fullPrompt_);
  messagesLayout->addStretch(1);
  messages->setMinimumHeight(2 * reason_->fontMetrics().lineSpacing() + 2);
  addRow(QString(), messages);
  addRow(tr("Blend &until (t_e):"), editEnd_);
  addRow(QString(), editEndText_);
  addRow(tr("Thresh&old ω:"), omega_);
  addRow(tr("Ste&ps:"), steps_);
  addRow(tr("&Guidance:"), guidance_);
  addRow(tr("See&d:"), seed_);
  featherLabel_ = new QLabel(tr("Feathe&r:"), this);
  featherLabel_->setBuddy(feather_);
  form->addWidget(featherLabel_, form->rowCount(), 0);
  form->addWidget(feather_, form->rowCount() - 1, 1);
  // The settings scroll on a short screen; Apply and Cancel stay in view below them.
  auto* settings = new QWidget(this);
  auto* settingsLayout = new QVBoxLayout(settings);
  settingsLayout->setContentsMargins(0, 0, 0, 0);
  settingsLayout->addLayout(form);
  settingsLayout->addStretch(1);
  auto* scroll = new QScrollArea(this);
  scroll->setWidget(settings);
  scroll->setWidgetResizable(true);
  scroll->setFrameShape(QFrame::NoFrame);
  scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  auto* buttons = new QHBoxLayout;
  buttons->addStretch(1);
  buttons->addWidget(cancel_);
  buttons->addWidget(apply_);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(scroll, 1);
  layout->addLayout(buttons);

  connect(editBox_, &QLineEdit::textChanged, this, &EditPanel::recheck);
  connect(editBox_, &QLineEdit::textEdited, this, &EditPanel::completeInsideBrackets);
  connect(editBox_, &QLineEdit::returnPressed, this, [this] {
    if (check_.ok && !busy_) Q_EMIT applyRequested();
  });
  connect(completer_, QOverload<const QString&>::of(&QCompleter::activated), this, [this](const QString& name) {
    QString text = editBox_->text();
    const int open = text.lastIndexOf(QLatin1Char('<'));
    text = (open >= 0 ? text.left(open) : text + QLatin1Char(' ')) + QLatin1Char('<') + name + QLatin1Char('>');
    editBox_->setText(text);
  });
  connect(sourcePrompt_, &QLineEdit::textChanged, this, &EditPanel::recheck);
  connect(steps_, QOverload<int>::of(&QSpinBox::valueChanged), this, [this](int steps) {
    const bool atEnd = editEnd_->value() == editEnd_->maximum();
    editEnd_->setMaximum(steps);
    if (atEnd) editEnd_->setValue(steps);  // "full preservation" stays full
    updateEditEndText();
  });
  connect(editEnd_, &QSlider::valueChanged, this, &EditPanel::updateEditEndText);
  // Dragging asks once on release; keys and clicks on the groove ask once they pause, so a
  // held arrow key does not queue a re-render per value.
  auto* settle = new QTimer(this);
  settle->setSingleShot(true);
  settle->setInterval(400);
  auto moved = [this] {
    if (editEnd_->value() == lastEditEnd_) return;
    lastEditEnd_ = editEnd_->value();
    Q_EMIT editEndMoved(lastEditEnd_);
  };
  connect(settle, &QTimer::timeout, this, moved);
  connect(editEnd_, &QSlider::sliderReleased, this, moved);
  connect(editEnd_, &QSlider::actionTriggered, this, [this, settle](int action) {
    if (action != QAbstractSlider::SliderMove) settle->start();
  });
  connect(apply_, &QPushButton::clicked, this, &EditPanel::applyRequested);
  connect(cancel_, &QPushButton::clicked, this, &EditPanel::cancelRequested);

  // Esc in a field or the part-name popup closes the popup; it never cancels a run.
  auto* escapeGuard = new TextEscapeGuard(this);
  escapeGuard->watchTextFields(this);
  escapeGuard->watch(completer_->popup());

  setPhotoSource(QString());
  updateEditEndText();
  recheck();
}

void EditPanel::setPhotoSource(const QString& sourcePrompt) {
  photo_ = true;
  sourcePrompt_->setReadOnly(false);
  sourcePrompt_->setText(sourcePrompt);
  sourceHint_->setText(tr("Describe the photo, or leave it empty to caption it when the edit runs."));
  feather_->setVisible(true);
  featherLabel_->setVisible(true);
  recheck();
}

void EditPanel::setGeneratedSource(const GenerateSettings& generation) {
  photo_ = false;
  generated_ = generation;
  sourcePrompt_->setReadOnly(true);
  sourcePrompt_->setText(generation.prompt);
  sourceHint_->setText(tr("The prompt that generated this image; the edit reproduces it outside the part."));
  steps_->setValue(generation.steps);
  guidance_->setValue(generation.guidance);
  seed_->setSeed(generation.seed);
  feather_->setVisible(false);
  featherLabel_->setVisible(false);
  recheck();
}

void EditPanel::setSourcePrompt(const QString& prompt) { sourcePrompt_->setText(prompt); }

void EditPanel::setPartVocabulary(const PartVocabulary& parts) {
  checker_.setVocabulary(parts);
  completions_->setStringList(checker_.completions());
  recheck();
}

void EditPanel::setBusy(bool busy) {
  busy_ = busy;
  if (!busy) setCancelling(false);
  cancel_->setEnabled(busy && !cancelling_);
  apply_->setEnabled(!busy && check_.ok);
}

void EditPanel::setCancelling(bool cancelling) {
  cancelling_ = cancelling;
  cancel_->setText(cancelling ? tr("Cancelling…") : tr("Cancel"));
  cancel_->setEnabled(busy_ && !cancelling);
}

EditSettings EditPanel::editSettings() const {
  EditSettings s = EditSettings::defaults();
  s.instruction = editBox_->text().trimmed();
  if (editEnd_->value() < steps_->value()) s.editEnd = editEnd_->value();
  s.omega = omega_->value();
  s.feather = feather_->value();
  return s;
}

GenerateSettings EditPanel::generationSettings() const {
  GenerateSettings s = photo_ ? GenerateSettings::defaults() : generated_;
  s.prompt = sourcePrompt();
  s.steps = steps_->value();
  s.guidance = guidance_->value();
  s.seed = seed_->seed();
  return s;
}

QString EditPanel::sourcePrompt() const { return sourcePrompt_->text(); }
int EditPanel::steps() const { return steps_->value(); }
int EditPanel::editEnd() const { return editEnd_->value(); }

void EditPanel::setEditEnd(int value) {
  const QSignalBlocker block(editEnd_);
  editEnd_->setValue(value);
  lastEditEnd_ = value;
  updateEditEndText();
}

void EditPanel::restoreSettings(const RestoredParameters& restored) {
  if (!restored.found) return;
  if (photo_ && !restored.sourcePrompt.isEmpty()) sourcePrompt_->setText(restored.sourcePrompt);
  if (restored.steps) steps_->setValue(*restored.steps);
  if (restored.guidance) guidance_->setValue(*restored.guidance);
  if (restored.seed) seed_->setSeed(*restored.seed);
  if (restored.omega) omega_->setValue(*restored.omega);
  if (restored.feather) feather_->setValue(*restored.feather);
  if (!restored.instruction.isEmpty()) editBox_->setText(restored.instruction);
  if (restored.editEnd) setEditEnd(*restored.editEnd);
}

QVariantMap EditPanel::settingsSnapshot() const {
  QVariantMap m;
  m.insert(QStringLiteral("photo"), photo_);
  if (!photo_) m.insert(QStringLiteral("generation"), generationToMap(generated_));
  m.insert(QStringLiteral("sourcePrompt"), sourcePrompt());
  m.insert(QStringLiteral("instruction"), editBox_->text());
  m.insert(QStringLiteral("steps"), steps_->value());
  m.insert(QStringLiteral("editEnd"), editEnd_->value());
  m.insert(QStringLiteral("omega"), omega_->value());
  m.insert(QStringLiteral("guidance"), guidance_->value());
  m.insert(QStringLiteral("seed"), seed_->lineEdit()->text());
  m.insert(QStringLiteral("feather"), feather_->value());
  return m;
}

void EditPanel::applySettings(const QVariantMap& m) {
  if (m.contains(QStringLiteral("photo"))) {
    if (m.value(QStringLiteral("photo")).toBool())
      setPhotoSource(m.value(QStringLiteral("sourcePrompt")).toString());
    else
      setGeneratedSource(generationFromMap(m.value(QStringLiteral("generation")).toMap()));
  } else if (m.contains(QStringLiteral("sourcePrompt")) && photo_) {
    setSourcePrompt(m.value(QStringLiteral("sourcePrompt")).toString());
  }
  if (m.contains(QStringLiteral("instruction"))) editBox_->setText(m.value(QStringLiteral("instruction")).toString());
  // Steps first: t_e's range follows them.
  if (m.contains(QStringLiteral("steps"))) steps_->setValue(m.value(QStringLiteral("steps")).toInt());
  if (m.contains(QStringLiteral("editEnd"))) setEditEnd(m.value(QStringLiteral("editEnd")).toInt());
  if (m.contains(QStringLiteral("omega"))) omega_->setValue(m.value(QStringLiteral("omega")).toDouble());
  if (m.contains(QStringLiteral("guidance"))) guidance_->setValue(m.value(QStringLiteral("guidance")).toDouble());
  if (m.contains(QStringLiteral("seed"))) seed_->lineEdit()->setText(m.value(QStringLiteral("seed")).toString());
  if (m.contains(QStringLiteral("feather"))) feather_->setValue(m.value(QStringLiteral("feather")).toDouble());
}

void EditPanel::updateEditEndText() {
  const int value = editEnd_->value(), steps = editEnd_->maximum();
  editEndText_->setText(value >= steps
                            ? tr("Blend at every step (%1 of %2): everything outside the part stays as it was.")
                                  .arg(value)
                                  .arg(steps)
                            : tr("Blend for the first %1 of %2 steps: lower values let the edit spill beyond the part.")
                                  .arg(value)
                                  .arg(steps));
}

void EditPanel::completeInsideBrackets(const QString& text) {
  const int open = text.lastIndexOf(QLatin1Char('<'));
  if (open < 0 || text.indexOf(QLatin1Char('>'), open) >= 0) return;
  completer_->setCompletionPrefix(text.mid(open + 1));
  if (completer_->completionCount() > 0) completer_->complete();
}

void EditPanel::recheck() {
  const bool wasOk = check_.ok;
  // A photo without a typed prompt is captioned first: the prompt is checked against "…" then.
  const QString source = sourcePrompt().trimmed().isEmpty() && photo_ ? tr("(caption)") : sourcePrompt();
  check_ = checker_.check(editBox_->text(), source);
  reason_->setText(check_.ok ? QString() : check_.reason);
  reason_->setVisible(!check_.ok && !editBox_->text().trimmed().isEmpty());
  fullPrompt_->setText(check_.ok ? tr("Runs: “%1” (part: %2)").arg(check_.editPrompt, check_.partName)
                                 : QString());
  fullPrompt_->setVisible(check_.ok);
  apply_->setEnabled(!busy_ && check_.ok);
  if (wasOk != check_.ok) Q_EMIT validityChanged(check_.ok);
}

}  // namespace partedit::ui
