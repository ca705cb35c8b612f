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
  bool openImage(const QString& path);  // false (with a message box) if unreadable

 private:
  void createMenus();
  void showOpenDialog();
  QLabel* imageView_ = nullptr;
};

}  // namespace partedit::ui
