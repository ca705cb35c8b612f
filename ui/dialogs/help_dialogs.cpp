#include "ui/dialogs/help_dialogs.h"

#include <QAction>
#include <QDialog>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QKeySequence>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QMainWindow>
#include <QTableWidget>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace partedit::ui {

namespace {

QDialog* help_dialog(QWidget* window, const QString& name, const QString& title) {
  if (auto* open = window->findChild<QDialog*>(name)) {
    open->raise();
    open->activateWindow();
    return nullptr;
  }
  auto* dialog = new QDialog(window);
  dialog->setObjectName(name);
  dialog->setWindowTitle(title);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  return dialog;
}

// Every menu action with a shortcut, in menu order: (menu, action text, keys).
void add_menu_shortcuts(QMenu* menu, const QString& path, QTableWidget* table) {
  for (QAction* action : menu->actions()) {
    if (action->menu()) {
      add_menu_shortcuts(action->menu(), path + QStringLiteral(" › ") + action->menu()->title().remove(QLatin1Char('&')),
                         table);
      continue;
    }
    if (action->isSeparator() || action->shortcuts().isEmpty()) continue;
    QStringList keys;
    for (const QKeySequence& key : action->shortcuts()) keys << key.toString(QKeySequence::NativeText);
    const int row = table->rowCount();
    table->insertRow(row);
    table->setItem(row, 0, new QTableWidgetItem(path));
    table->setItem(row, 1, new QTableWidgetItem(action->text().remove(QLatin1Char('&')).remove(QStringLiteral("…"))));
    table->setItem(row, 2, new QTableWidgetItem(keys.join(QStringLiteral(", "))));
  }
}

}  // namespace

void showKeyboardShortcuts(QWidget* window) {
  QDialog* dialog = help_dialog(window, QStringLiteral("KeyboardShortcutsDialog"), QDialog::tr("Keyboard Shortcuts"));
  if (!dialog) return;
  auto* table = new QTableWidget(0, 3, dialog);
  table->setObjectName(QStringLiteral("shortcutTable"));
  table->setHorizontalHeaderLabels({QDialog::tr("Menu"), QDialog::tr("Command"), QDialog::tr("Keys")});
  table->verticalHeader()->hide();
  table->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table->setSelectionMode(QAbstractItemView::NoSelection);
  table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  table->horizontalHeader()->setStretchLastSection(true);
  if (auto* main = qobject_cast<QMainWindow*>(window))
    for (QAction* top : main->menuBar()->actions())
      if (top->menu()) add_menu_shortcuts(top->menu(), top->menu()->title().remove(QLatin1Char('&')), table);
  // Keys that belong to no menu command.
  const QList<QPair<QString, QString>> more = {
      {QDialog::tr("Edit box"), QDialog::tr("Type < to complete a part name; Enter applies the edit; Esc closes "
                                            "the completion list")},
      {QDialog::tr("Canvas"), QDialog::tr("Mouse wheel zooms; drag with the middle button or Space held to pan")},
      {QDialog::tr("Esc"), QDialog::tr("Cancels a running edit when the focus is not in a text field")},
  };
  for (const auto& [where, what] : more) {
    const int row = table->rowCount();
    table->insertRow(row);
    table->setItem(row, 0, new QTableWidgetItem(where));
    table->setItem(row, 1, new QTableWidgetItem(what));
    table->setItem(row, 2, new QTableWidgetItem(QString()));
  }
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, dialog);
  QObject::connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
  auto* layout = new QVBoxLayout(dialog);
  layout->addWidget(table);
  layout->addWidget(buttons);
  dialog->resize(620, 520);
  dialog->show();
}

void showGettingStarted(QWidget* window) {
  QDialog* dialog = help_dialog(window, QStringLiteral("GettingStartedDialog"), QDialog::tr("Getting Started"));
  if (!dialog) return;
  auto* text = new QTextBrowser(dialog);
  text->setObjectName(QStringLiteral("gettingStartedText"));
  text->setOpenExternalLinks(false);
  text->setHtml(QDialog::tr(
      "<h3>Your first part edit</h3>"
      "<ol>"
      "<li><b>Choose a model.</b> File › Preferences: the folder of a Stable Diffusion XL model in diffusers "
      "format (or a single .safetensors checkpoint). SD 1.x and 2.x work too. Nothing is downloaded: "
      "PartEdit uses the files you point it at.</li>"
      "<li><b>Install part tokens.</b> A part token tells the editor where a part is (a head, hair, a car's "
      "hood). In the Part Tokens panel, Import… the authors' published tokens (see tokens/README.md), or "
      "make one with Tools › Train Part Token… from a few images with painted masks.</li>"
      "<li><b>Open an image.</b> File › Open… a photo (it is described automatically when a BLIP-2 folder is "
      "set in Preferences, or type what it shows), or File › New from Prompt… to generate one.</li>"
      "<li><b>Type the edit</b> in the Edit panel, naming the part in angle brackets: "
      "<i>with a robotic &lt;head&gt;</i>, <i>with blonde &lt;hair&gt;</i>. Type &lt; to see the installed "
      "parts. Apply edit (Enter) runs it; the mask of the part appears while it runs.</li>"
      "<li><b>Tune it.</b> The t_e slider blends for fewer steps (the edit may spill beyond the part) and "
      "re-renders at once; ω makes the mask tighter. View › Show Before and Split View compare before and after.</li>"
      "<li><b>Keep it.</b> File › Export Image… writes the result with its settings (File › Image Info reads "
      "them back, also from AUTOMATIC1111 images); Edit › Copy Image puts it on the clipboard for Krita or "
      "GIMP. Every result stays in the History; the session is kept for the next start.</li>"
      "</ol>"
      "<p>Help › Keyboard Shortcuts lists every key.</p>"));
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, dialog);
  QObject::connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
  auto* layout = new QVBoxLayout(dialog);
  layout->addWidget(text);
  layout->addWidget(buttons);
  dialog->resize(600, 560);
  dialog->show();
}

}  // namespace partedit::ui
