#pragma once
// Help › Keyboard Shortcuts (made from the window's own actions, so it never drifts from
// them) and Help › Getting Started (the first edit, step by step).
class QWidget;

namespace partedit::ui {

void showKeyboardShortcuts(QWidget* window);
void showGettingStarted(QWidget* window);

}  // namespace partedit::ui
