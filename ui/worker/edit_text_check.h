#pragma once
// Checks the edit box as the artist types ("with <edit> <part>"), with the same parser and
// part resolution the engine uses, against the installed part tokens: the reason when the
// text cannot run, else the full edit prompt that will run. Reads only token file headers
// (no tensors), so it runs on the GUI thread.
#include <memory>

#include <QString>
#include <QStringList>

namespace partedit::ui {

struct EditTextCheck {
  bool ok = false;
  QString reason;       // why not (translated), shown next to the box
  QString editPrompt;   // the full edit prompt when ok (source prompt + " with …")
  QString partName;     // the resolved part token when ok
};

class EditTextChecker {
 public:
  EditTextChecker();
  ~EditTextChecker();
  // The token folders the engine reads (empty user folder = the default one).
  void setTokenFolder(const QString& userFolder);
  // Names to complete in the edit box: installed, usable part names and their catalog words.
  QStringList completions() const;
  EditTextCheck check(const QString& text, const QString& sourcePrompt) const;

 private:
  struct Library;
  std::unique_ptr<Library> library_;
};

}  // namespace partedit::ui
