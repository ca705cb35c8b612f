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

// Where load_weights reads a module's tensors from, in the module's own naming: a diffusers
// component's files (WeightSet) or one component of a single-file checkpoint whose keys are
// renamed and converted on demand (io/renamed_weights.h). Messages name the tensors as the
// file does (source_name).
class WeightSource {
 public:
  virtual ~WeightSource() = default;
  virtual std::string describe() const = 0;  // the file (or index, or file and component)
  virtual std::vector<std::string> names() const = 0;  // module-side names, sorted
  virtual bool contains(const std::string& name) const = 0;
  // The shape `tensor(name)` will have (the stored shape when no conversion applies).
  virtual std::vector<int64_t> shape(const std::string& name) const = 0;
  // The tensor as the module takes it, on the CPU in the stored dtype; made when asked for
  // (a view into the mapped file where possible), so a load holds one converted tensor at a time.
  virtual at::Tensor tensor(const std::string& name) const = 0;
  // How messages name `name`: the file's own key (and its shard, or its conversion).
  virtual std::string source_name(const std::string& name) const = 0;
  // The file's shape text for wrong-shape messages ("[C, C, 1, 1]").
  virtual std::string stored_shape_text(const std::string& name) const;
  // Tensors in the file that map to no module name, by the file's key (reported as unexpected).
  virtual std::vector<std::string> unmapped_names() const { return {}; }
  // Called once `name` has been copied into the module: its file pages may leave memory.
  virtual void release(const std::string& name) const { (void)name; }
};

class WeightSet : public WeightSource {
 public:
  // Opens the weights in `folder` whose file name starts with `stem` (e.g.
  // "diffusion_pytorch_model" or "model"). Order of preference: `<stem>.safetensors`, its
  // sharded index, then `<stem>.<variant>.safetensors` (and its index) for variant "fp16";
  // with prefer_fp16 the variant is tried first.
  static WeightSet open_folder(const std::filesystem::path& folder, const std::string& stem,
                               bool prefer_fp16 = false);
  static WeightSet open_file(const std::filesystem::path& file);

  std::vector<std::string> names() const override;  // sorted
  bool contains(const std::string& name) const override;
  const SafetensorsEntry& entry(const std::string& name) const;
  at::Tensor view(const std::string& name) const;  // zero-copy where possible
  std::string file_of(const std::string& name) const;
  const std::vector<std::shared_ptr<SafetensorsFile>>& files() const { return files_; }
  std::string describe() const override;  // the file (or index) the set was opened from

  std::vector<int64_t> shape(const std::string& name) const override { return entry(name).shape; }
  at::Tensor tensor(const std::string& name) const override { return view(name); }
  std::string source_name(const std::string& name) const override;  // the name, and its shard
  void release(const std::string& name) const override;

 private:
  std::vector<std::shared_ptr<SafetensorsFile>> files_;
  std::vector<std::pair<std::string, size_t>> sorted_;  // name -> file index, sorted by name
  std::filesystem::path origin_;
  void add_file(std::shared_ptr<SafetensorsFile> file);
  void finish();
  const std::pair<std::string, size_t>* find(const std::string& name) const;
};

// Copies every parameter and persistent buffer of `module` from `weights`, converting to
// the module's dtype, one tensor at a time. Fails with one message listing tensors missing
// from the file, tensors in the file the module does not have, and wrong shapes (both
// shapes), naming the file and the tensors as the file names them. Names in `ignore`
// (exact, or a prefix ending in '.') are skipped on both sides.
void load_weights(torch::nn::Module& module, const WeightSource& weights,
                  const std::vector<std::string>& ignore = {});

// `name` equals one of `patterns` or starts with one that ends in '.'.
bool matches_name_pattern(const std::string& name, const std::vector<std::string>& patterns);

}  // namespace partedit
