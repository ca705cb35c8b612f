#pragma once
// How DiffusionModel::load (and the engine) read a model path: a diffusers folder or a
// single-file checkpoint (pipeline/single_file_checkpoint.h).
#include <filesystem>
#include <optional>
#include <string>

namespace partedit {

struct ModelLoadOptions {
  // For a single-file checkpoint: a diffusers folder whose config files and tokenizers
  // describe it (weights there are not read); empty = the shipped config of the shape the
  // file's keys say it is. Ignored for a folder, which has its own.
  std::filesystem::path config_dir;
  // epsilon | v_prediction | sample: replaces the scheduler config's prediction_type, for
  // folders and files alike; empty = as the config says (for a file: diffusers' rule).
  std::string prediction_type;
  // The text encoders' weights between prompt encodings: freed after each and loaded again
  // from the model files at the next (PromptEncoder::release_between_uses), or kept.
  // nullopt = freed on the CPU, where they are most of what separates an SDXL edit at 1024²
  // from 8 GB (1.6 GB in bf16) and loading them again costs about a second of a minutes-long
  // run; kept on a GPU.
  std::optional<bool> release_text_encoders;

  bool operator==(const ModelLoadOptions& other) const {
    return config_dir == other.config_dir && prediction_type == other.prediction_type &&
           release_text_encoders == other.release_text_encoders;
  }
};

}  // namespace partedit
