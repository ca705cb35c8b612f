#include "ui/panels/token_panel.h"

#include <QDesktopServices>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QTreeWidget>
#include <QUrl>
#include <QVBoxLayout>

namespace partedit::ui {

namespace {

enum TokenRole { kPathRole = Qt::UserRole, kEditableRole, kUsableRole };

}  // namespace

TokenPanel::TokenPanel(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("TokenPanel"));
  list_ = new QTreeWidget(this);
  list_->setObjectName(QStringLiteral("tokenList"));
  list_->setRootIsDecorated(false);
  list_->setHeaderLabels({tr("Part"), tr("Model"), tr("Width"), tr("Folder")});
  list_->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
  list_->setAlternatingRowColors(true);
  list_->setContextMenuPolicy(Qt::CustomContextMenu);
  empty_ = new QLabel(this);
  empty_->setObjectName(QStringLiteral("tokenPanelEmpty"));
  empty_->setWordWrap(true);
  empty_->setAlignment(Qt::AlignTop | Qt::AlignLeft);
  empty_->setTextFormat(Qt::RichText);
  empty_->setText(tr("<p><b>No part tokens yet.</b> A part token teaches the editor where a part (a head, "
                     "hair, a car's hood) is.</p><ul>"
                     "<li><b>Import…</b> the authors' published tokens (.pt files; where to get them: "
                     "<i>tokens/README.md</i> next to the program), or a PartEdit .safetensors token.</li>"
                     "<li>Or make your own: <b>Tools › Train Part Token…</b> with a few painted masks.</li></ul>"));
  import_ = new QPushButton(tr("Import…"), this);
  import_->setObjectName(QStringLiteral("importToken"));
  import_->setToolTip(tr("Install a part token file: PartEdit's .safetensors or the authors' .pt / .pth"));
  rename_ = new QPushButton(tr("Re&name…"), this);
  rename_->setObjectName(QStringLiteral("renameToken"));
  delete_ = new QPushButton(tr("Delete"), this);
  delete_->setObjectName(QStringLiteral("deleteToken"));
  showFolder_ = new QPushButton(tr("Sho&w in Folder"), this);
  showFolder_->setObjectName(QStringLiteral("showTokenFolder"));
  auto* buttons = new QHBoxLayout;
  buttons->addWidget(rename_);
  buttons->addWidget(delete_);
  buttons->addWidget(showFolder_);
  buttons->addStretch(1);
  buttons->addWidget(import_);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(list_, 1);
  layout->addWidget(empty_, 1);
  layout->addLayout(buttons);
  connect(import_, &QPushButton::clicked, this, [this] {
    const QString file = QFileDialog::getOpenFileName(this, tr("Import a Part Token"), QString(),
                                                      tr("Part tokens (*.safetensors *.pt *.pth)"));
    if (!file.isEmpty()) Q_EMIT importRequested(file);
  });
  connect(rename_, &QPushButton::clicked, this, &TokenPanel::renameCurrent);
  connect(delete_, &QPushButton::clicked, this, &TokenPanel::deleteCurrent);
  connect(showFolder_, &QPushButton::clicked, this, [this] {
    if (QTreeWidgetItem* item = list_->currentItem())
      QDesktopServices::openUrl(QUrl::fromLocalFile(QFileInfo(item->data(0, kPathRole).toString()).absolutePath()));
  });
  connect(list_, &QTreeWidget::itemDoubleClicked, this, [this](QTreeWidgetItem* item) {
    if (item->data(0, kUsableRole).toBool()) Q_EMIT partChosen(item->text(0));
  });
  connect(list_, &QTreeWidget::currentItemChanged, this, &TokenPanel::updateButtons);
  connect(list_, &QWidget::customContextMenuRequested, this, [this](const QPoint& at) {
    QTreeWidgetItem* item = list_->itemAt(at);
    if (!item) return;
    list_->setCurrentItem(item);
    QMenu menu(this);
    menu.addAction(tr("Use in the Edit"), this, [this, item] { Q_EMIT partChosen(item->text(0)); })
        ->setEnabled(item->data(0, kUsableRole).toBool());
    menu.addSeparator();
    menu.addAction(rename_->text(), this, &TokenPanel::renameCurrent)->setEnabled(rename_->isEnabled());
    menu.addAction(delete_->text(), this, &TokenPanel::deleteCurrent)->setEnabled(delete_->isEnabled());
    menu.addAction(showFolder_->text(), showFolder_, &QPushButton::click);
    menu.exec(list_->viewport()->mapToGlobal(at));
  });
  setTokens({});
}

void TokenPanel::setTokens(const QVector<TokenInfo>& tokens) {
  list_->clear();
  for (const TokenInfo& t : tokens) {
    auto* item = new QTreeWidgetItem(list_, {t.partName, t.baseModel.isEmpty() ? tr("unknown") : t.baseModel,
                                             QString::number(t.width), t.source});
    item->setToolTip(0, t.usable ? t.displayName : tr("Cannot be used: %1").arg(t.reason));
    item->setToolTip(3, t.path);
    item->setData(0, kPathRole, t.path);
    item->setData(0, kEditableRole, t.editable);
    item->setData(0, kUsableRole, t.usable);
    // Not selectable when unusable would also hide it from Rename and Delete: only greyed.
    if (!t.usable) item->setForeground(0, palette().brush(QPalette::Disabled, QPalette::Text));
    item->setDisabled(!t.usable && !t.editable);
  }
  list_->setVisible(!tokens.isEmpty());
  empty_->setVisible(tokens.isEmpty());
  updateButtons();
}

void TokenPanel::updateButtons() {
  QTreeWidgetItem* item = list_->currentItem();
  const bool editable = item && item->data(0, kEditableRole).toBool();
  rename_->setEnabled(editable);
  delete_->setEnabled(editable);
  showFolder_->setEnabled(item != nullptr);
  const QString readOnly = tr("Only tokens of your own token folder can be changed here");
  rename_->setToolTip(editable || !item ? tr("Give the part token another name") : readOnly);
  delete_->setToolTip(editable || !item ? tr("Delete the part token's file") : readOnly);
}

void TokenPanel::renameCurrent() {
  QTreeWidgetItem* item = list_->currentItem();
  if (!item || !item->data(0, kEditableRole).toBool()) return;
  const QString old = item->text(0);
  bool ok = false;
  const QString name = QInputDialog::getText(this, tr("Rename Part Token"),
                                             tr("New name for “%1” (letters, digits and dashes, e.g. human-head):").arg(old),
                                             QLineEdit::Normal, old, &ok)
                           .trimmed();
  if (ok && !name.isEmpty() && name != old) Q_EMIT renameRequested(old, name);
}

void TokenPanel::deleteCurrent() {
  QTreeWidgetItem* item = list_->currentItem();
  if (!item || !item->data(0, kEditableRole).toBool()) return;
  const QString name = item->text(0);
  const auto answer = QMessageBox::question(
      this, tr("Delete Part Token"),
      tr("Delete the part token “%1”? Its file %2 is removed; edits that name it will no longer run.")
          .arg(name, item->data(0, kPathRole).toString()),
      QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel);
  if (answer == QMessageBox::Yes) Q_EMIT deleteRequested(name);
}

}  // namespace partedit::ui
