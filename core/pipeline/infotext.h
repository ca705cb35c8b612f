#pragma once
// The generation parameters as text, in the convention of AUTOMATIC1111's web UI that other
// tools read too ("infotext"): line 1 the prompt, then an optional "Negative prompt: …"
// line, then ONE last line of "Key: value" pairs separated by ", ". Readers take the last
// line as the settings, so every further setting must go into it, never on a line of its own.
#include <string>
#include <vector>

namespace partedit {

struct InfotextSetting {
  std::string key;    // "Steps", "Edit prompt"
  std::string value;  // as written (quoted already where needed)
};

// A1111's quote(): the value itself, or, when it holds ',', '\n' or ':' (or starts with a
// double quote, which a reader would take for an opening quote), JSON-quoted with escapes.
std::string infotext_value(const std::string& value);
// Free text (prompts, names): always JSON-quoted, so readers never split it.
std::string infotext_text(const std::string& text);
// The parts of a list of names as one quoted value: "human-head, car-wheel".
std::string infotext_list(const std::vector<std::string>& items);

// "prompt\n[Negative prompt: …\n]Key: value, Key: value, …"
std::string format_infotext(const std::string& prompt, const std::string& negative,
                            const std::vector<InfotextSetting>& settings);
// `text` with `more` appended to its last line (the settings line).
std::string append_infotext_settings(const std::string& text, const std::vector<InfotextSetting>& more);

// An infotext read back (what re-opening an exported image restores): the prompt (all lines
// before the negative and settings lines), the negative prompt, and the settings with quoted
// values unquoted. Text without a settings line is all prompt.
struct ParsedInfotext {
  std::string prompt;
  std::string negative;
  std::vector<InfotextSetting> settings;  // values unquoted
  const std::string* find(const std::string& key) const;  // nullptr when absent
};
ParsedInfotext parse_infotext(const std::string& text);

}  // namespace partedit
