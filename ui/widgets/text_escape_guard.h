#pragma once
// Esc belongs to the text field that has the focus (and to its completion popup): it must
// close the popup, not reach a window shortcut such as Edit › Cancel's Esc. The guard
// accepts the ShortcutOverride of Esc on the widgets it watches, so Qt delivers the key to
// them instead of running the shortcut.
#include <QObject>

class QWidget;

namespace partedit::ui {

class TextEscapeGuard : public QObject {
  Q_OBJECT
 public:
  explicit TextEscapeGuard(QObject* parent) : QObject(parent) {}
  // Watches `widget` (a line edit, spin box or a completer's popup).
  void watch(QWidget* widget);
  // Watches every line edit and spin box inside `container`.
  void watchTextFields(QWidget* container);

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;
};

}  // namespace partedit::ui
