#include "engine/image_settings.h"

#include <algorithm>

#include "pipeline/infotext.h"
#include "pipeline/text_to_image.h"
#include "runtime/error.h"
#include "runtime/text.h"

namespace partedit {

namespace {

template <typename Number>
std::optional<Number> setting_number(const ParsedInfotext& parsed, const char* key) {
  const std::string* value = parsed.find(key);
  return value ? parse_number<Number>(*value) : std::nullopt;
}

// "with a robotic head" after the source prompt, the first part's words at its end: "with a
// robotic <head>"; without them, the last word is taken for the part.
std::string instruction_from(const std::string& source, const std::string& edit_prompt, const std::string& parts) {
  if (!starts_with(edit_prompt, source)) return {};
  const std::string rest = trim(edit_prompt.substr(source.size()));
  if (!starts_with(rest, "with ")) return {};
  const std::string part = trim(parts.substr(0, parts.find(", ")));
  if (part.empty()) return rest;
  std::string part_words = part;  // the prompt spells the part with spaces ("human head" for human-head)
  std::replace(part_words.begin(), part_words.end(), '-', ' ');
  if (ends_with(rest, " " + part_words)) return rest.substr(0, rest.size() - part_words.size()) + "<" + part + ">";
  const auto last_space = rest.rfind(' ');
  return last_space == std::string::npos ? rest : rest.substr(0, last_space) + " <" + part + ">";
}

}  // namespace

std::string sampler_kind_of(const std::string& display_name) {
  for (const char* kind : {"ddim", "euler", "dpmpp-2m", "dpmpp-sde", "pndm"})
    if (sampler_display_name(kind) == display_name) return kind;
  return {};
}

std::optional<ImageSettings> parse_image_settings(const std::string& parameters) {
  const ParsedInfotext parsed = parse_infotext(parameters);
  if (parsed.settings.empty()) return std::nullopt;
  ImageSettings out;
  out.source_prompt = parsed.prompt;
  out.negative = parsed.negative;
  out.steps = setting_number<int>(parsed, "Steps");
  out.guidance = setting_number<double>(parsed, "CFG scale");
  out.seed = setting_number<uint64_t>(parsed, "Seed");
  out.edit_end = setting_number<int>(parsed, "t_e");
  out.omega = setting_number<double>(parsed, "Omega");
  if (const std::string* composited = parsed.find("Composited")) {  // "feather 4.0"
    const auto words = split_words(*composited);
    if (words.size() >= 2) out.feather = parse_number<double>(words[1]);
  }
  if (const std::string* sampler = parsed.find("Sampler")) {
    out.sampler_name = *sampler;
    out.sampler = sampler_kind_of(*sampler);
  }
  if (const std::string* size = parsed.find("Size")) {  // "1024x768"
    const auto x = size->find('x');
    if (x != std::string::npos) {
      const auto width = parse_number<int>(size->substr(0, x)), height = parse_number<int>(size->substr(x + 1));
      if (width && height && *width > 0 && *height > 0) {
        out.width = width;
        out.height = height;
      }
    }
  }
  if (const std::string* model = parsed.find("Model")) out.model = *model;
  for (const auto& setting : parsed.settings) out.all.emplace_back(setting.key, setting.value);
  if (const std::string* edit = parsed.find("Edit prompt")) {
    const std::string* parts = parsed.find("Parts");
    out.instruction = instruction_from(out.source_prompt, *edit, parts ? *parts : std::string());
  }
  return out;
}

std::optional<std::string> read_image_parameters_text(const std::filesystem::path& image) {
  try {
    return read_image_parameters(image);
  } catch (const Error&) {
    return std::nullopt;
  }
}

std::vector<std::string> image_file_warnings(const std::filesystem::path& image) {
  std::vector<std::string> warnings;
  try {
    read_image(image, &warnings);
  } catch (const Error& e) {
    return {e.what()};
  }
  return warnings;
}

std::optional<ImageSettings> read_image_settings(const std::filesystem::path& image) {
  const auto text = read_image_parameters_text(image);
  return text ? parse_image_settings(*text) : std::nullopt;
}

}  // namespace partedit
