#include "ui/widgets/seed_field.h"

#include <random>

#include <QHBoxLayout>
#include <QLineEdit>
#include <QPainter>
#include <QRegularExpressionValidator>
#include <QToolButton>

namespace partedit::ui {

namespace {

// A die showing five, drawn so that it needs no icon theme or emoji font (an emoji rendered
// as an empty box where none is installed).
QIcon die_icon() {
  QPixmap pixmap(32, 32);
  pixmap.fill(Qt::transparent);
  QPainter painter(&pixmap);
  painter.setRenderHint(QPainter::Antialiasing);
  painter.setPen(QPen(QColor(70, 70, 70), 2));
  painter.setBrush(Qt::white);
  painter.drawRoundedRect(QRectF(3, 3, 26, 26), 6, 6);
  painter.setPen(Qt::NoPen);
  painter.setBrush(QColor(40, 40, 40));
  for (const QPointF& pip : {QPointF(10, 10), QPointF(22, 10), QPointF(16, 16), QPointF(10, 22), QPointF(22, 22)})
    painter.drawEllipse(pip, 2.6, 2.6);
  return QIcon(pixmap);
}

}  // namespace

SeedField::SeedField(QWidget* parent) : QWidget(parent) {
  edit_ = new QLineEdit(this);
  edit_->setObjectName(QStringLiteral("seed"));
  edit_->setValidator(new QRegularExpressionValidator(QRegularExpression(QStringLiteral("[0-9]{0,19}")), edit_));
  edit_->setPlaceholderText(tr("random"));
  dice_ = new QToolButton(this);
  dice_->setObjectName(QStringLiteral("dice"));
  dice_->setIcon(die_icon());
  dice_->setToolTip(tr("Roll a new seed"));
  auto* row = new QHBoxLayout(this);
  row->setContentsMargins(0, 0, 0, 0);
  row->addWidget(edit_, 1);
  row->addWidget(dice_);
  setFocusProxy(edit_);
  connect(dice_, &QToolButton::clicked, this, [this] { edit_->setText(QString::number(randomSeed())); });
}

std::optional<quint64> SeedField::seed() const {
  if (edit_->text().isEmpty()) return std::nullopt;
  return edit_->text().toULongLong();
}

void SeedField::setSeed(std::optional<quint64> seed) { edit_->setText(seed ? QString::number(*seed) : QString()); }

quint64 SeedField::randomSeed() {
  std::random_device device;
  return (quint64(device()) << 32 | device()) % 4294967296ULL;
}

}  // namespace partedit::ui
