// EditInstruction (engine/edit_job.h): the three forms of asking for an edit, composed into
// an edit prompt once the source prompt is known.
#include "engine/edit_job.h"

namespace partedit {

EditInstruction EditInstruction::appended_edit(AppendedEdit edit) {
  EditInstruction i;
  i.form = Form::Appended;
  i.appended = std::move(edit);
  return i;
}

EditInstruction EditInstruction::explicit_prompt(std::string edit_prompt) {
  EditInstruction i;
  i.form = Form::Explicit;
  i.edit_prompt = std::move(edit_prompt);
  return i;
}

EditInstruction EditInstruction::swap(std::string subject, std::string edit_word) {
  EditInstruction i;
  i.form = Form::Swap;
  i.subject = std::move(subject);
  i.edit_word = std::move(edit_word);
  return i;
}

EditText compose_edit(const EditInstruction& instruction, const std::string& source_prompt) {
  EditText out;
  switch (instruction.form) {
    case EditInstruction::Form::Appended:
      out.edit_prompt = appended_edit_prompt(source_prompt, instruction.appended);
      break;
    case EditInstruction::Form::Explicit: out.edit_prompt = instruction.edit_prompt; break;
    case EditInstruction::Form::Swap:
      out.edit_prompt = swap_subject(source_prompt, instruction.subject, instruction.edit_word);
      out.p2p = PromptToPrompt::Replace;  // a word swap keeps the word count: the word-swap mapper
      out.edit_words = {instruction.edit_word};
      break;
  }
  if (instruction.p2p) out.p2p = instruction.p2p;
  return out;
}

}  // namespace partedit
