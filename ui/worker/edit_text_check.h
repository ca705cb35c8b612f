#pragma once
// Checks the edit box as the artist types ("with <edit> <part>"), with the parser and part
// resolution the engine uses, against the part names of the engine's token library (a
// snapshot the worker sends, so the GUI thread reads no token files): the reason when the
// text cannot run, else the full edit prompt that will run.
#include <memory>

#include <QMetaType>
#include <QString>
#include <QStringList>

namespace partedit {
class PartNames;
}

namespace partedit::ui {

// The names an edit can give its part, as the engine's token library had them when the
// worker listed it (EngineWorker::partNamesListed). Cheap to copy; empty by default.
class PartVocabulary {
 public:
  PartVocabulary();
  explicit PartVocabulary(std::shared_ptr<const partedit::PartNames> names);
  QStringList available() const;  // installed, usable part names, sorted
  const partedit::PartNames& names() const;

 private:
  std::shared_ptr<const partedit::PartNames> names_;
};

struct EditTextCheck {
  bool ok = false;
  QString reason;       // why not (translated), shown next to the box
  QString editPrompt;   // the full edit prompt when ok (source prompt + " with …")
  QString partName;     // the resolved part token when ok
  QStringList suggestions;  // for an unknown part: the installed ones it likely meant, "<name>"
};

class EditTextChecker {
 public:
  void setVocabulary(const PartVocabulary& vocabulary) { vocabulary_ = vocabulary; }
  // Names to complete in the edit box: the installed, usable part names.
  QStringList completions() const { return vocabulary_.available(); }
  EditTextCheck check(const QString& text, const QString& sourcePrompt) const;

 private:
  PartVocabulary vocabulary_;
};

}  // namespace partedit::ui

Q_DECLARE_METATYPE(partedit::ui::PartVocabulary)
