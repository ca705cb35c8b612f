#pragma once
#include <QMainWindow>

class QLabel;

namespace partedit::ui {

// The application's main window. This first version has the menu bar, the central image
// view and the status bar; the editing panels arrive with the GUI issue.
class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  explicit MainWindow(QWidget* parent = nullptr);
  bool openImage(const QString& path);  // false (and errorReported) if unreadable

 Q_SIGNALS:
  // Every error shown to the user, also observable by tests and logs.
  void errorReported(const QString& message);

 private:
  void createMenus();
  void showOpenDialog();
  void reportError(const QString& title, const QString& message);
  QLabel* imageView_ = nullptr;
};

}  // namespace partedit::ui
