// MainWindow: Edit › Copy Image and Paste Image, so a result goes straight into Krita or GIMP
// and an image copied there comes in as a photo to edit.
#include <QApplication>
#include <QClipboard>
#include <QDateTime>
#include <QDir>
#include <QImageWriter>
#include <QMimeData>
#include <QSaveFile>
#include <QStandardPaths>

#include "ui/history/history_entry.h"
#include "ui/history/history_model.h"
#include "ui/main_window.h"
#include "ui/widgets/status_line.h"

namespace partedit::ui {

void MainWindow::copyImage() {
  const HistoryEntry* entry = history_->currentEntry();
  if (!entry || entry->result.isNull()) return;
  QApplication::clipboard()->setImage(entry->result);
  status_->note(tr("Copied the image (%1 × %2) to the clipboard").arg(entry->result.width()).arg(entry->result.height()));
}

bool MainWindow::pasteImage() {
  const QMimeData* data = QApplication::clipboard()->mimeData();
  const QImage image = data && data->hasImage() ? qvariant_cast<QImage>(data->imageData()) : QImage();
  if (image.isNull()) {
    reportError(tr("Nothing to paste"), tr("The clipboard holds no image. Copy one in another program first."));
    return false;
  }
  // The engine edits files: the pasted image is kept as a PNG in the app's data folder.
  const QString folder = QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation) + QStringLiteral("/pasted");
  const QString path =
      folder + QStringLiteral("/pasted-%1.png").arg(QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss-zzz")));
  QSaveFile file(path);
  QImageWriter writer(&file, "png");
  if (!QDir().mkpath(folder) || !file.open(QIODevice::WriteOnly) || !writer.write(image) || !file.commit()) {
    reportError(tr("Cannot paste the image"), tr("%1 could not be written: %2").arg(path, file.errorString()));
    return false;
  }
  return openImage(path);
}

}  // namespace partedit::ui
