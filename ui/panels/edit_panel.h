#pragma once
// The editing panel: the source prompt, the edit box ("with <edit> <part>", completed from
// the installed parts and checked as the artist types, with the reason next to it and the
// full edit prompt that will run), t_e with a one-line explanation, ω, steps, guidance,
// seed with a dice button, the photo's feather radius; Apply and Cancel.
#include <QVariantMap>
#include <QWidget>

#include "ui/worker/edit_text_check.h"
#include "ui/worker/engine_types.h"
#include "ui/worker/image_parameters.h"

class QCompleter;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSlider;
class QSpinBox;
class QStringListModel;
class QToolButton;

namespace partedit::ui {

class SeedField;

class EditPanel : public QWidget {
  Q_OBJECT
 public:
  explicit EditPanel(QWidget* parent = nullptr);

  // The source being edited: a photo (its prompt editable; empty = caption it) or a
  // generated image (its prompt fixed: the edit must reproduce it).
  void setPhotoSource(const QString& sourcePrompt);
  void setGeneratedSource(const GenerateSettings& generation);
  void setSourcePrompt(const QString& prompt);  // e.g. a caption arriving
  bool isPhoto() const { return photo_; }

  // The part names of the engine's token library (EngineWorker::partNamesListed).
  void setPartVocabulary(const partedit::ui::PartVocabulary& parts);
  void setBusy(bool busy);                     // Apply ↔ Cancel while a request runs
  // Cancel was pressed: the button says "Cancelling…" and waits, until setBusy(false) or
  // setCancelling(false) (another run starts).
  void setCancelling(bool cancelling = true);

  EditSettings editSettings() const;
  // The generation settings of the edit (steps, guidance, seed, …; for a generated source its own).
  GenerateSettings generationSettings() const;
  QString sourcePrompt() const;
  int steps() const;
  int editEnd() const;
  void setEditEnd(int value);  // without emitting editEndMoved
  // What an image's parameters text names: steps (before t_e, whose range they set), guidance,
  // seed, ω, feather, the edit and, for a photo, its source prompt. The rest stays.
  void restoreSettings(const RestoredParameters& restored);
  EditTextCheck currentCheck() const { return check_; }

  // Every setting of the panel as plain values (the source and its prompt, the edit, t_e, ω,
  // steps, guidance, seed, feather; a generated source's own settings), kept with each result
  // and each open image so that undo, switching images and the next start put them back.
  QVariantMap settingsSnapshot() const;
  void applySettings(const QVariantMap& settings);  // missing keys leave their field as it is

  QLineEdit* editBox() const { return editBox_; }  // for focus and tests

 Q_SIGNALS:
  void applyRequested();
  void cancelRequested();
  // The artist let go of the t_e slider at a new value (instant re-render).
  void editEndMoved(int editEnd);
  void validityChanged(bool ok);

 private:
  void recheck();
  void updateEditEndText();
  void completeInsideBrackets(const QString& text);
  QLineEdit* sourcePrompt_ = nullptr;
  QLabel* sourceHint_ = nullptr;
  QLineEdit* editBox_ = nullptr;
  QLabel* reason_ = nullptr;
  QLabel* fullPrompt_ = nullptr;
  QSlider* editEnd_ = nullptr;
  QLabel* editEndText_ = nullptr;
  QDoubleSpinBox* omega_ = nullptr;
  QSpinBox* steps_ = nullptr;
  QDoubleSpinBox* guidance_ = nullptr;
  SeedField* seed_ = nullptr;
  QDoubleSpinBox* feather_ = nullptr;
  QLabel* featherLabel_ = nullptr;
  QPushButton* apply_ = nullptr;
  QPushButton* cancel_ = nullptr;
  QCompleter* completer_ = nullptr;
  QStringListModel* completions_ = nullptr;
  EditTextChecker checker_;
  EditTextCheck check_;
  GenerateSettings generated_;
  bool photo_ = false;
  bool busy_ = false;
  bool cancelling_ = false;
  int lastEditEnd_ = 0;
};

}  // namespace partedit::ui
