#pragma once
// The settings an exported image carries in its parameters text (infotext), read back when
// the image is opened again so that a front end can start from what made it. Images are
// written with write_image (io/image_io.h), which stores that text.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "io/image_io.h"

namespace partedit {

struct ImageSettings {
  std::string source_prompt;
  std::string negative;
  // "with a robotic <head>" when the edit prompt extends the source prompt by "with …"
  // (the part in brackets, as the edit box takes it); "" otherwise.
  std::string instruction;
  std::optional<int> steps, edit_end;
  std::optional<double> guidance, omega, feather;
  std::optional<uint64_t> seed;
  // The scheduler kind ("dpmpp-2m", as --scheduler takes it); "" when absent or not one of ours
  // (then `sampler_name` still says what the text named, e.g. A1111's "DPM++ 2M Karras").
  std::string sampler, sampler_name;
  std::optional<int> width, height;  // "Size: 1024x768"
  std::string model;
  // Every "Key: value" pair as written (values unquoted), for a front end to show.
  std::vector<std::pair<std::string, std::string>> all;
};

// The scheduler kind of a sampler's display name ("DPM++ 2M" -> "dpmpp-2m"); "" for a name
// that is not one of ours.
std::string sampler_kind_of(const std::string& display_name);

// nullopt for text without a settings line.
std::optional<ImageSettings> parse_image_settings(const std::string& parameters);
// nullopt for an image without parameters text, or a file that cannot be read.
std::optional<ImageSettings> read_image_settings(const std::filesystem::path& image);
// What decoding the image had to work around (a truncated JPEG: which part is missing), in
// the words the CLI prints; one line saying why when it cannot be decoded at all.
std::vector<std::string> image_file_warnings(const std::filesystem::path& image);
// The parameters text itself (A1111's or ours); nullopt likewise.
std::optional<std::string> read_image_parameters_text(const std::filesystem::path& image);

}  // namespace partedit
