#pragma once
// One component of a single-file checkpoint seen in a module's own naming: the file's keys
// are renamed by prefix rules and converted when a tensor is asked for (a 1x1 convolution
// weight read as a linear one, a transposed projection, a third of a fused q/k/v matrix),
// straight from the memory-mapped file. The rules themselves (which keys, which names) are
// models/checkpoint_layout.h.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "io/safetensors.h"
#include "io/weights.h"

namespace partedit {

enum class KeyConversion {
  None,
  Conv1x1ToLinear,  // file [O, I, 1, 1] -> module [O, I]
  Transpose,        // file [I, O] -> module [O, I] (a matrix applied as x @ W)
  FirstThird,       // rows [0, n) of a file [3n, ...] tensor (fused q/k/v: q)
  SecondThird,      // rows [n, 2n) (k)
  LastThird,        // rows [2n, 3n) (v)
};

// A module name (or prefix) and the file key (or prefix) it is stored under. Prefixes end in
// '.'; "" matches every name. The longest matching prefix wins in both directions.
struct KeyRule {
  std::string ours;
  std::string theirs;  // the whole key, the component's prefix included
  KeyConversion conversion = KeyConversion::None;
};

class RenamedWeights : public WeightSource {
 public:
  // `component` names the part in messages ("UNet"); `owned_prefix` selects the file keys the
  // component takes; `ignored` (exact keys, or prefixes ending in '.') are known tensors it
  // does not use. Owned keys that are neither ignored nor matched by a rule are unexpected.
  RenamedWeights(std::shared_ptr<const SafetensorsFile> file, std::string component, std::string owned_prefix,
                 std::vector<KeyRule> rules, std::vector<std::string> ignored);

  std::string describe() const override;
  std::vector<std::string> names() const override;
  bool contains(const std::string& name) const override;
  std::vector<int64_t> shape(const std::string& name) const override;
  at::Tensor tensor(const std::string& name) const override;
  std::string source_name(const std::string& name) const override;
  std::string stored_shape_text(const std::string& name) const override;
  std::vector<std::string> unmapped_names() const override { return unmapped_; }
  void release(const std::string& name) const override;

  // The file key `name` is read from, "" when no rule covers it.
  std::string file_key(const std::string& name) const;

 private:
  struct Source {
    std::string key;
    KeyConversion conversion;
  };
  const Source& source(const std::string& name) const;

  std::shared_ptr<const SafetensorsFile> file_;
  std::string component_, owned_prefix_;
  std::map<std::string, KeyRule> by_ours_;                 // rule per module-side name/prefix
  std::map<std::string, std::vector<KeyRule>> by_theirs_;  // rules per file-side name/prefix
  std::map<std::string, Source> present_;                  // module name -> file tensor
  std::vector<std::string> unmapped_;
};

// Whether `conversion` applies to a stored tensor of this shape (a transpose to any 2-D
// tensor, square ones included; a 1x1 squeeze to [O, I, 1, 1]; thirds to 3n rows).
bool conversion_applies(const std::vector<int64_t>& stored, KeyConversion conversion);
// The module-side shape of a stored tensor under `conversion` (the stored shape when the
// conversion does not apply to it, so that the shape check reports it).
std::vector<int64_t> converted_shape(const std::vector<int64_t>& stored, KeyConversion conversion);

// The longest key of `rules` that is `name` or a '.'-ending prefix of it ("" last); nullptr if none.
template <typename Map>
const typename Map::mapped_type* longest_prefix_match(const Map& rules, const std::string& name) {
  if (auto it = rules.find(name); it != rules.end()) return &it->second;
  for (size_t end = name.size(); end-- > 0;) {
    if (name[end] != '.') continue;
    if (auto it = rules.find(name.substr(0, end + 1)); it != rules.end()) return &it->second;
  }
  if (auto it = rules.find(std::string()); it != rules.end()) return &it->second;
  return nullptr;
}

}  // namespace partedit
