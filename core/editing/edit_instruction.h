#pragma once
// What the user types to ask for an edit, turned into an edit prompt and part tokens:
// - the paper's form "with <edit> <part>" appended to the source prompt ("with a robotic
//   <head>", "with blonde hair"): refine mapping, the part resolved in the token library;
// - the authors' demo form: a subject word of the source prompt swapped for another word
//   ("cat" -> "dragon"): replace mapping.
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "editing/token_library.h"

namespace partedit {

struct AppendedEdit {
  std::string edit;       // "a robotic"
  std::string part_text;  // as written, without brackets: "head", "human-head", "human head"
  bool bracketed = false; // the part was written as <...>
};

// Parses "with <edit> <part>". The part is the bracketed text at the end if there is one;
// otherwise the longest run of final words that names a part (`is_part`), else the last
// word. Throws Error with an example when the text does not have this form.
AppendedEdit parse_appended_edit(const std::string& text,
                                 const std::function<bool(const std::string&)>& is_part = {});

// The edit prompt of the appended form: "<source> with <edit> <part word>".
std::string appended_edit_prompt(const std::string& source_prompt, const AppendedEdit& edit);

// The source prompt with every whole-word occurrence of `subject` (one or more words)
// replaced by `replacement`; throws Error when the subject is not in the prompt.
std::string swap_subject(const std::string& source_prompt, const std::string& subject, const std::string& replacement);

// The names an edit can give its part, as a snapshot of a library (no files are read after
// it is made): the available part names, and the catalog words of those parts. What the
// engine resolves and what a front end checks as the artist types are the same rule.
class PartNames {
 public:
  PartNames() = default;
  explicit PartNames(const TokenLibrary& library);
  const std::vector<std::string>& available() const { return available_; }  // sorted
  // The part `text` names: a part name ("human-head", "Human head") or a catalog word that
  // only one available part has. nullopt when it names none; throws Error when ambiguous.
  std::optional<std::string> resolve(const std::string& text) const;
  bool names_part(const std::string& text) const;  // exactly, or as the catalog word of one
  // The available parts a mistyped `text` most likely meant ("hed" -> human-head), nearest first.
  std::vector<std::string> suggestions(const std::string& text) const;

 private:
  std::vector<std::string> available_;
  TokenCatalog catalog_;
};

// The token for a part as a user writes it: a part name ("human-head", "Human head") or a
// catalog word ("head", "hair") that only one available token has. Ambiguous words and
// unknown parts throw Error listing the available part names.
PartToken resolve_part(const TokenLibrary& library, const std::string& part_text);
// The same resolution, giving the token's file (what `tokens inspect PART` shows).
std::filesystem::path resolve_part_path(const TokenLibrary& library, const std::string& part_text);
// The part of an appended edit; when it was not written in < > (taken from the final words),
// a failure says to bracket it.
PartToken resolve_appended_part(const TokenLibrary& library, const AppendedEdit& edit);

// True when `text` names an available part (exactly, or as the catalog word of one).
bool names_available_part(const TokenLibrary& library, const std::string& text);

}  // namespace partedit
