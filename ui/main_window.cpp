#include "main_window.h"

#include <QAction>
#include <QApplication>
#include <QFileDialog>
#include <QIcon>
#include <QImageReader>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QScrollArea>
#include <QStatusBar>

// resources.qrc is compiled into the static partedit_ui library; nothing references its
// initialiser, so register it explicitly (repeated calls are harmless).
static void initResources() { Q_INIT_RESOURCE(resources); }

namespace partedit::ui {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
  initResources();
  setWindowTitle(tr("PartEdit"));
  setWindowIcon(QIcon(QStringLiteral(":/icons/partedit.png")));
  setObjectName(QStringLiteral("MainWindow"));
  imageView_ = new QLabel(this);
  imageView_->setObjectName(QStringLiteral("imageView"));
  imageView_->setAlignment(Qt::AlignCenter);
  imageView_->setText(tr("Open an image (Ctrl+O) to begin."));
  auto* scroll = new QScrollArea(this);
  scroll->setWidget(imageView_);
  scroll->setWidgetResizable(true);
  setCentralWidget(scroll);
  createMenus();
  statusBar()->showMessage(tr("Ready"));
  resize(1024, 768);
}

void MainWindow::createMenus() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  QAction* open = file->addAction(tr("&Open…"), this, &MainWindow::showOpenDialog);
  open->setShortcut(QKeySequence::Open);
  file->addSeparator();
  QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
  quit->setShortcut(QKeySequence::Quit);
  QMenu* help = menuBar()->addMenu(tr("&Help"));
  help->addAction(tr("&About PartEdit"), this, [this] {
    QMessageBox::about(this, tr("About PartEdit"),
                       tr("PartEdit %1\nPart-level image editing with diffusion models.")
                           .arg(QApplication::applicationVersion()));
  });
}

void MainWindow::showOpenDialog() {
  const QString path = QFileDialog::getOpenFileName(this, tr("Open Image"), QString(),
                                                    tr("Images (*.png *.jpg *.jpeg *.webp *.tif *.tiff)"));
  if (!path.isEmpty()) openImage(path);
}

bool MainWindow::openImage(const QString& path) {
  QImageReader reader(path);
  reader.setAutoTransform(true);  // EXIF orientation
  const QImage image = reader.read();
  if (image.isNull()) {
    reportError(tr("Cannot open image"), tr("%1 could not be read: %2").arg(path, reader.errorString()));
    return false;
  }
  imageView_->setPixmap(QPixmap::fromImage(image));
  statusBar()->showMessage(tr("%1 — %2 × %3").arg(path).arg(image.width()).arg(image.height()));
  return true;
}

void MainWindow::reportError(const QString& title, const QString& message) {
  statusBar()->showMessage(message);
  Q_EMIT errorReported(message);
  auto* box = new QMessageBox(QMessageBox::Warning, title, message, QMessageBox::Ok, this);
  box->setAttribute(Qt::WA_DeleteOnClose);
  box->open();  // window-modal but not blocking: no nested event loop
}

}  // namespace partedit::ui
