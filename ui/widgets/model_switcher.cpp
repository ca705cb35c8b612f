#include "ui/widgets/model_switcher.h"

#include <QComboBox>
#include <QDir>
#include <QHBoxLayout>
#include <QLabel>

namespace partedit::ui {

namespace {

constexpr int kFolderRole = Qt::UserRole;
constexpr int kChooseRole = Qt::UserRole + 1;

QString folder_name(const QString& folder) {
  const QString name = QDir(folder).dirName();
  return name.isEmpty() ? folder : name;
}

}  // namespace

ModelSwitcher::ModelSwitcher(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("modelSwitcher"));
  combo_ = new QComboBox(this);
  combo_->setObjectName(QStringLiteral("modelBox"));
  combo_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
  combo_->setMinimumContentsLength(18);
  combo_->setMaximumWidth(420);
  auto* label = new QLabel(tr("Mode&l:"), this);
  label->setBuddy(combo_);
  auto* layout = new QHBoxLayout(this);
  layout->setContentsMargins(4, 0, 4, 0);
  layout->addWidget(label);
  layout->addWidget(combo_);
  connect(combo_, QOverload<int>::of(&QComboBox::activated), this, [this](int index) {
    if (rebuilding_) return;
    const bool choose = combo_->itemData(index, kChooseRole).toBool();
    const QString folder = combo_->itemData(index, kFolderRole).toString();
    // The box keeps showing the active model until the window applies the choice.
    combo_->setCurrentIndex(combo_->findData(current_, kFolderRole));
    if (choose)
      Q_EMIT chooseFolderRequested();
    else if (!folder.isEmpty() && folder != current_)
      Q_EMIT modelChosen(folder);
  });
  setModels({}, QString());
}

void ModelSwitcher::setModels(const QStringList& folders, const QString& current) {
  rebuilding_ = true;
  if (current != current_) {
    state_ = current.isEmpty() ? State::NotSet : State::NotLoaded;
    loaded_ = ModelInfo{};
    failure_.clear();
  }
  current_ = current;
  combo_->clear();
  if (current_.isEmpty()) combo_->addItem(tr("No model chosen"));
  for (const QString& folder : folders) {
    combo_->addItem(folder_name(folder), folder);
    combo_->setItemData(combo_->count() - 1, folder, Qt::ToolTipRole);
  }
  if (combo_->count() > 0) combo_->insertSeparator(combo_->count());
  combo_->addItem(tr("Other Model Folder…"));
  combo_->setItemData(combo_->count() - 1, true, kChooseRole);
  combo_->setCurrentIndex(current_.isEmpty() ? 0 : combo_->findData(current_, kFolderRole));
  rebuilding_ = false;
  showState();
}

void ModelSwitcher::setLoading() {
  if (state_ == State::Loaded || current_.isEmpty()) return;
  state_ = State::Loading;
  showState();
}

void ModelSwitcher::setLoaded(const ModelInfo& info) {
  if (info.folder != current_) return;  // a load that a switch has overtaken
  state_ = State::Loaded;
  loaded_ = info;
  failure_.clear();
  showState();
}

void ModelSwitcher::setFailed(const QString& reason) {
  if (current_.isEmpty()) return;
  state_ = State::Failed;
  loaded_ = ModelInfo{};
  failure_ = reason;
  showState();
}

QString ModelSwitcher::text() const { return combo_->currentText(); }

void ModelSwitcher::showState() {
  const int index = combo_->findData(current_, kFolderRole);
  if (index < 0) return;
  QString text, tip = current_;
  switch (state_) {
    case State::NotSet: break;
    case State::NotLoaded:
      text = tr("%1 · loads with the first run").arg(folder_name(current_));
      break;
    case State::Loading: text = tr("%1 · loading…").arg(folder_name(current_)); break;
    case State::Loaded:
      text = tr("%1 · %2 · %3").arg(loaded_.name, loaded_.family, loaded_.compute);
      break;
    case State::Failed:
      text = tr("%1 · failed to load").arg(folder_name(current_));
      tip += QStringLiteral("\n") + failure_;
      break;
  }
  combo_->setItemText(index, text);
  combo_->setItemData(index, tip, Qt::ToolTipRole);
  combo_->setToolTip(tip);
  combo_->setStyleSheet(state_ == State::Failed ? QStringLiteral("QComboBox { color: #c0392b; }") : QString());
}

}  // namespace partedit::ui
