#pragma once
// The weights of one model component: a single safetensors file, an fp16 variant, or
// shards listed by an *.safetensors.index.json; and the strict loader that copies them
// into a module whose parameter names are the checkpoint keys.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

#include "io/safetensors.h"

namespace torch::nn {
class Module;
}

namespace partedit {

class WeightSet {
 public:
  // Opens the weights in `folder` whose file name starts with `stem` (e.g.
  // "diffusion_pytorch_model" or "model"). Order of preference: `<stem>.safetensors`, its
  // sharded index, then `<stem>.<variant>.safetensors` (and its index) for variant "fp16";
  // with prefer_fp16 the variant is tried first.
  static WeightSet open_folder(const std::filesystem::path& folder, const std::string& stem,
                               bool prefer_fp16 = false);
  static WeightSet open_file(const std::filesystem::path& file);

  std::vector<std::string> names() const;  // sorted
  bool contains(const std::string& name) const;
  const SafetensorsEntry& entry(const std::string& name) const;
  at::Tensor view(const std::string& name) const;  // zero-copy where possible
  std::string file_of(const std::string& name) const;
  const std::vector<std::shared_ptr<SafetensorsFile>>& files() const { return files_; }
  std::string describe() const;  // the file (or index) the set was opened from

 private:
  std::vector<std::shared_ptr<SafetensorsFile>> files_;
  std::vector<std::pair<std::string, size_t>> sorted_;  // name -> file index, sorted by name
  std::filesystem::path origin_;
  void add_file(std::shared_ptr<SafetensorsFile> file);
  void finish();
  const std::pair<std::string, size_t>* find(const std::string& name) const;
};

// Copies every parameter and persistent buffer of `module` from `weights`, converting to
// the module's dtype. Fails with one message listing tensors missing from the file,
// tensors in the file the module does not have, and wrong shapes (both shapes), naming the
// file. Names in `ignore` (exact, or a prefix ending in '.') are skipped on both sides.
void load_weights(torch::nn::Module& module, const WeightSet& weights,
                  const std::vector<std::string>& ignore = {});

}  // namespace partedit
