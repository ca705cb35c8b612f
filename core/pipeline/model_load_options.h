#pragma once
// How DiffusionModel::load (and the engine) read a model path: a diffusers folder or a
// single-file checkpoint (pipeline/single_file_checkpoint.h).
#include <filesystem>
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

  bool operator==(const ModelLoadOptions& other) const {
    return config_dir == other.config_dir && prediction_type == other.prediction_type;
  }
};

}  // namespace partedit
