#include "ui/panels/token_panel.h"

#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace partedit::ui {

TokenPanel::TokenPanel(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("TokenPanel"));
  list_ = new QTreeWidget(this);
  list_->setObjectName(QStringLiteral("tokenList"));
  list_->setRootIsDecorated(false);
  list_->setHeaderLabels({tr("Part"), tr("Model"), tr("Width"), tr("Folder")});
  list_->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
  list_->setAlternatingRowColors(true);
  import_ = new QPushButton(tr("&Import…"), this);
  import_->setObjectName(QStringLiteral("importToken"));
  import_->setToolTip(tr("Install a part token file: PartEdit's .safetensors or the authors' .pt / .pth"));
  auto* buttons = new QHBoxLayout;
  buttons->addStretch(1);
  buttons->addWidget(import_);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(list_);
  layout->addLayout(buttons);
  connect(import_, &QPushButton::clicked, this, [this] {
    const QString file = QFileDialog::getOpenFileName(this, tr("Import a Part Token"), QString(),
                                                      tr("Part tokens (*.safetensors *.pt *.pth)"));
    if (!file.isEmpty()) Q_EMIT importRequested(file);
  });
  connect(list_, &QTreeWidget::itemDoubleClicked, this, [this](QTreeWidgetItem* item) {
    if (!item->isDisabled()) Q_EMIT partChosen(item->text(0));
  });
}

void TokenPanel::setTokens(const QVector<TokenInfo>& tokens) {
  list_->clear();
  for (const TokenInfo& t : tokens) {
    auto* item = new QTreeWidgetItem(list_, {t.partName, t.baseModel.isEmpty() ? tr("unknown") : t.baseModel,
                                             QString::number(t.width), t.source});
    item->setToolTip(0, t.usable ? t.displayName : tr("Cannot be used: %1").arg(t.reason));
    item->setToolTip(3, t.path);
    item->setDisabled(!t.usable);
  }
  if (tokens.isEmpty()) {
    auto* item = new QTreeWidgetItem(list_, {tr("No part tokens installed: import one.")});
    item->setDisabled(true);
    item->setFirstColumnSpanned(true);
  }
}

}  // namespace partedit::ui
