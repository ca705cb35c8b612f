// MainWindow: exporting the current result — the image with its parameters, the mask in
// grey, the mask over the image, the per-step masks as a contact sheet. Never overwrites
// without asking; the engine writes atomically.
#include <QFileDialog>
#include <QFileInfo>
#include <QMessageBox>

#include "ui/canvas/image_canvas.h"
#include "ui/history/history_model.h"
#include "ui/main_window.h"
#include "ui/settings/app_settings.h"
#include "ui/widgets/mask_contact_sheet.h"
#include "ui/widgets/mask_overlay.h"
#include "ui/worker/engine_client.h"

namespace partedit::ui {

QImage MainWindow::exportImage(ExportKind kind, QString* parameters) const {
  const HistoryEntry* entry = history_->currentEntry();
  if (!entry) return {};
  *parameters = entry->parameters;
  switch (kind) {
    case ExportKind::Image: return entry->result;
    case ExportKind::Mask:
      return entry->mask.isNull() ? QImage() : entry->mask.convertToFormat(QImage::Format_RGB888);
    case ExportKind::MaskOverlay:
      return entry->mask.isNull() ? QImage()
                                  : composeMaskOverlay(entry->result, entry->mask, canvas_->maskColour(),
                                                       canvas_->maskOpacity());
    case ExportKind::StepMasks: return makeMaskContactSheet(entry->stepMasks);
  }
  return {};
}

bool MainWindow::exportCurrent(ExportKind kind, const QString& path, bool overwriteConfirmed) {
  QString parameters;
  const QImage image = exportImage(kind, &parameters);
  if (image.isNull()) {
    reportError(tr("Nothing to export"), tr("There is no result with this image yet: apply an edit first."));
    return false;
  }
  const QString suffix = QFileInfo(path).suffix().toLower();
  if (suffix != QLatin1String("png") && suffix != QLatin1String("jpg") && suffix != QLatin1String("jpeg") &&
      suffix != QLatin1String("webp")) {
    reportError(tr("Cannot export"), tr("%1: choose a .png, .jpg or .webp file name.").arg(path));
    return false;
  }
  if (QFileInfo::exists(path) && !overwriteConfirmed) return false;  // the caller asks first
  engine_->exportImage(image, path, parameters);
  if (kind == ExportKind::Image) {
    document_.unexported = 0;  // quitting need not ask about this image
    scheduleSessionSave();
  }
  return true;
}

void MainWindow::exportWithDialog(ExportKind kind) {
  AppSettings settings;
  static const char* suggestions[] = {"edited.png", "mask.png", "mask-overlay.png", "step-masks.png"};
  const QString suggested = settings.lastFolder() + QLatin1Char('/') + QLatin1String(suggestions[int(kind)]);
  // The file dialog asks before replacing an existing file.
  const QString path = QFileDialog::getSaveFileName(this, tr("Export"), suggested,
                                                    tr("PNG (*.png);;JPEG (*.jpg *.jpeg);;WebP (*.webp)"));
  if (path.isEmpty()) return;
  settings.setLastFolder(QFileInfo(path).absolutePath());
  exportCurrent(kind, path, /*overwriteConfirmed=*/true);
}

}  // namespace partedit::ui
