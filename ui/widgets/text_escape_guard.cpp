#include "ui/widgets/text_escape_guard.h"

#include <QAbstractSpinBox>
#include <QKeyEvent>
#include <QLineEdit>
#include <QWidget>

namespace partedit::ui {

void TextEscapeGuard::watch(QWidget* widget) {
  if (widget) widget->installEventFilter(this);
}

void TextEscapeGuard::watchTextFields(QWidget* container) {
  for (QLineEdit* field : container->findChildren<QLineEdit*>()) watch(field);
  for (QAbstractSpinBox* field : container->findChildren<QAbstractSpinBox*>()) watch(field);
}

bool TextEscapeGuard::eventFilter(QObject* watched, QEvent* event) {
  if (event->type() == QEvent::ShortcutOverride) {
    const auto* key = static_cast<QKeyEvent*>(event);
    if (key->key() == Qt::Key_Escape && key->modifiers() == Qt::NoModifier) event->accept();
  }
  return QObject::eventFilter(watched, event);
}

}  // namespace partedit::ui
