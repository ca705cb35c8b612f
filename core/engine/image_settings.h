#pragma once
// The settings an exported image carries in its parameters text (infotext), read back when
// the image is opened again so that a front end can start from what made it. Images are
// written with write_image (io/image_io.h), which stores that text.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

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
};

// nullopt for text without a settings line.
std::optional<ImageSettings> parse_image_settings(const std::string& parameters);
// nullopt for an image without parameters text, or a file that cannot be read.
std::optional<ImageSettings> read_image_settings(const std::filesystem::path& image);

}  // namespace partedit
