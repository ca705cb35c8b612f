#include "ui/worker/edit_text_check.h"

#include <QCoreApplication>

#include "engine/edit_job.h"

namespace partedit::ui {

namespace {

// This file's messages, translated in the context "EditTextChecker".
struct EditTextCheckerText {
  Q_DECLARE_TR_FUNCTIONS(EditTextChecker)
};

}  // namespace

PartVocabulary::PartVocabulary() : names_(std::make_shared<const PartNames>()) {}
PartVocabulary::PartVocabulary(std::shared_ptr<const PartNames> names) : names_(std::move(names)) {}

QStringList PartVocabulary::available() const {
  QStringList names;
  for (const auto& name : names_->available()) names << QString::fromStdString(name);
  return names;
}

const PartNames& PartVocabulary::names() const { return *names_; }

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
  const PartNames& parts = vocabulary_.names();
  try {
    const AppendedEdit edit =
        parse_appended_edit(trimmed.toStdString(), [&](const std::string& t) { return parts.names_part(t); });
    const auto part = parts.resolve(edit.part_text);  // throws for a word of several parts
    if (!part) {
      const QStringList installed = completions();
      QStringList near;
      for (const auto& name : parts.suggestions(edit.part_text)) near << QStringLiteral("<%1>").arg(QString::fromStdString(name));
      out.suggestions = near;
      out.reason = !near.isEmpty()
                       ? EditTextCheckerText::tr("No part token named “%1”; did you mean %2?")
                             .arg(QString::fromStdString(edit.part_text),
                                  near.join(EditTextCheckerText::tr(" or ")))
                   : installed.isEmpty()
                       ? EditTextCheckerText::tr("No part token named “%1” is installed; import one in the Part Tokens panel.")
                             .arg(QString::fromStdString(edit.part_text))
                       : EditTextCheckerText::tr("No part token named “%1”; installed: %2.")
                             .arg(QString::fromStdString(edit.part_text), installed.join(QStringLiteral(", ")));
      return out;
    }
    out.partName = QString::fromStdString(*part);
    out.editPrompt = QString::fromStdString(appended_edit_prompt(sourcePrompt.toStdString(), edit));
    out.ok = true;
  } catch (const Error& e) {
    out.reason = QString::fromStdString(e.what());
  }
  return out;
}

}  // namespace partedit::ui
