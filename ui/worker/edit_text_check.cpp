#include "ui/worker/edit_text_check.h"

#include <QCoreApplication>

#include "editing/edit_instruction.h"
#include "editing/token_library.h"
#include "runtime/error.h"

namespace partedit::ui {

namespace {

// This file's messages, translated in the context "EditTextChecker".
struct EditTextCheckerText {
  Q_DECLARE_TR_FUNCTIONS(EditTextChecker)
};

}  // namespace

struct EditTextChecker::Library {
  TokenLibrary tokens;
};

EditTextChecker::EditTextChecker() { setTokenFolder(QString()); }
EditTextChecker::~EditTextChecker() = default;

void EditTextChecker::setTokenFolder(const QString& userFolder) {
  std::vector<std::filesystem::path> user;
  if (!userFolder.isEmpty()) user.emplace_back(userFolder.toStdString());
  library_ = std::make_unique<Library>(Library{open_token_library(find_shipped_token_dir(current_executable_dir()), user)});
}

QStringList EditTextChecker::completions() const {
  QStringList names;
  for (const auto& name : library_->tokens.part_names()) names << QString::fromStdString(name);
  return names;
}

EditTextCheck EditTextChecker::check(const QString& text, const QString& sourcePrompt) const {
  EditTextCheck out;
  const QString trimmed = text.trimmed();
  if (trimmed.isEmpty()) {
    out.reason = EditTextCheckerText::tr("Type an edit such as “with a robotic <head>”.");
    return out;
  }
  if (!trimmed.startsWith(QStringLiteral("with "), Qt::CaseInsensitive)) {
    out.reason = EditTextCheckerText::tr("Start the edit with “with”, e.g. “with a robotic <head>”.");
    return out;
  }
  const TokenLibrary& library = library_->tokens;
  try {
    const AppendedEdit edit = parse_appended_edit(
        trimmed.toStdString(), [&](const std::string& t) { return names_available_part(library, t); });
    if (!names_available_part(library, edit.part_text)) {
      const QStringList installed = completions();
      out.reason = installed.isEmpty()
                       ? EditTextCheckerText::tr("No part token named “%1” is installed; import one in the Part Tokens panel.")
                             .arg(QString::fromStdString(edit.part_text))
                       : EditTextCheckerText::tr("No part token named “%1”; installed: %2.")
                             .arg(QString::fromStdString(edit.part_text), installed.join(QStringLiteral(", ")));
      return out;
    }
    out.partName = QString::fromStdString(read_part_token_info(resolve_part_path(library, edit.part_text)).part_name);
    out.editPrompt = QString::fromStdString(appended_edit_prompt(sourcePrompt.toStdString(), edit));
    out.ok = true;
  } catch (const Error& e) {
    out.reason = QString::fromStdString(e.what());
  }
  return out;
}

}  // namespace partedit::ui
