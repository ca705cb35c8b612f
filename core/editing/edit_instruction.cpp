#include "editing/edit_instruction.h"

#include <algorithm>
#include <cctype>
#include <sstream>

#include "runtime/error.h"
#include "runtime/text.h"

namespace partedit {
namespace {

std::string join_range(const std::vector<std::string>& words, size_t begin, size_t end, const char* sep = " ") {
  std::string out;
  for (size_t i = begin; i < end; ++i) out += (i == begin ? "" : sep) + words[i];
  return out;
}

std::string usage(const std::string& text, const std::string& why) {
  return "the edit \"" + text + "\" " + why + "; write it as \"with <edit> <part>\", e.g. \"with a robotic <head>\"";
}

AppendedEdit parse_bracketed(const std::string& text, const std::string& body) {
  const auto open = body.rfind('<'), close = body.rfind('>');
  if (open == std::string::npos || close == std::string::npos || open > close)
    throw Error(usage(text, "has an unmatched < or >"));
  if (close != body.size() - 1) throw Error(usage(text, "has words after the <part>"));
  AppendedEdit out;
  out.bracketed = true;
  out.part_text = trim(body.substr(open + 1, close - open - 1));
  out.edit = trim(body.substr(0, open));
  if (out.part_text.empty()) throw Error(usage(text, "names no part inside < >"));
  if (out.edit.empty()) throw Error(usage(text, "does not say what the part should become"));
  if (out.edit.find_first_of("<>") != std::string::npos)
    throw Error(usage(text, "has more than one <part>; pass further parts with --part or --token"));
  return out;
}

}  // namespace

AppendedEdit parse_appended_edit(const std::string& text, const std::function<bool(const std::string&)>& is_part) {
  const std::string trimmed = trim(text);
  const auto words = split_words(trimmed);
  if (words.empty() || lower_ascii(words[0]) != "with") throw Error(usage(text, "does not start with \"with\""));
  const std::string body = trim(trimmed.substr(trimmed.find_first_of(" \t") == std::string::npos
                                                   ? trimmed.size()
                                                   : trimmed.find_first_of(" \t")));
  if (body.find_first_of("<>") != std::string::npos) return parse_bracketed(text, body);
  if (words.size() < 3) throw Error(usage(text, "needs an edit and a part"));
  // The longest run of final words (at most three) naming a part, leaving an edit.
  size_t part_words = 1;
  if (is_part)
    for (size_t n = std::min<size_t>(3, words.size() - 2); n >= 1; --n)
      if (is_part(join_range(words, words.size() - n, words.size()))) {
        part_words = n;
        break;
      }
  AppendedEdit out;
  out.part_text = join_range(words, words.size() - part_words, words.size());
  out.edit = join_range(words, 1, words.size() - part_words);
  return out;
}

std::string appended_edit_prompt(const std::string& source_prompt, const AppendedEdit& edit) {
  std::string part_word = edit.part_text;
  std::replace(part_word.begin(), part_word.end(), '-', ' ');
  return trim(source_prompt) + " with " + edit.edit + " " + part_word;
}

std::string swap_subject(const std::string& source_prompt, const std::string& subject, const std::string& replacement) {
  const auto words = split_words(source_prompt), from = split_words(subject), to = split_words(replacement);
  if (from.empty()) throw Error("the subject to replace is empty");
  if (to.empty()) throw Error("the replacement for '" + subject + "' is empty");
  std::vector<std::string> out;
  bool found = false;
  for (size_t i = 0; i < words.size();) {
    if (i + from.size() <= words.size() && std::equal(from.begin(), from.end(), words.begin() + i)) {
      out.insert(out.end(), to.begin(), to.end());
      i += from.size();
      found = true;
    } else {
      out.push_back(words[i++]);
    }
  }
  if (!found)
    throw Error("the subject '" + subject + "' is not a word of the source prompt \"" + source_prompt +
                "\" (words are matched exactly, punctuation included)");
  return join_range(out, 0, out.size());
}

PartNames::PartNames(const TokenLibrary& library) : available_(library.part_names()), catalog_(library.catalog()) {}

std::optional<std::string> PartNames::resolve(const std::string& text) const {
  auto available = [&](const std::string& name) {
    return std::binary_search(available_.begin(), available_.end(), name);
  };
  const std::string name = part_name_from_text(text);
  if (available(name)) return name;
  std::vector<std::string> candidates;
  for (const auto* e : catalog_.match_word(text))
    if (available(e->part_name)) candidates.push_back(e->part_name);
  if (candidates.size() > 1)
    throw Error("'" + text + "' could mean several parts (" + join_range(candidates, 0, candidates.size(), ", ") +
                "); write the part name, e.g. <" + candidates.front() + ">");
  if (candidates.size() == 1) return candidates.front();
  return std::nullopt;
}

bool PartNames::names_part(const std::string& text) const {
  const std::string name = part_name_from_text(text);
  if (std::binary_search(available_.begin(), available_.end(), name)) return true;
  for (const auto* e : catalog_.match_word(text))
    if (std::binary_search(available_.begin(), available_.end(), e->part_name)) return true;
  return false;
}

std::vector<std::string> PartNames::suggestions(const std::string& text) const {
  return closest_matches(part_name_from_text(text), available_);
}

bool names_available_part(const TokenLibrary& library, const std::string& text) {
  return PartNames(library).names_part(text);
}

std::filesystem::path resolve_part_path(const TokenLibrary& library, const std::string& part_text) {
  const auto name = PartNames(library).resolve(part_text);
  return library.find_path(name ? *name : part_text);  // unknown: throws, listing the available parts
}

PartToken resolve_part(const TokenLibrary& library, const std::string& part_text) {
  return read_part_token(resolve_part_path(library, part_text));
}

PartToken resolve_appended_part(const TokenLibrary& library, const AppendedEdit& edit) {
  if (edit.bracketed) return resolve_part(library, edit.part_text);
  try {
    return resolve_part(library, edit.part_text);
  } catch (const Error& e) {
    throw Error(std::string(e.what()) + ". The part was read from the last word(s) '" + edit.part_text +
                "'; put the part in angle brackets, e.g. \"with " + edit.edit + " <" + edit.part_text +
                ">\" (a part name or its catalog word)");
  }
}

}  // namespace partedit
