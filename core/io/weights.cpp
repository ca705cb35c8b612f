#include "io/weights.h"

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include <torch/nn/module.h>

#include "io/json_config.h"
#include "io/safetensors_header.h"
#include "runtime/cancel.h"
#include "runtime/error.h"
#include "runtime/message_text.h"

namespace partedit {
namespace fs = std::filesystem;

namespace {

bool ignored(const std::string& name, const std::vector<std::string>& ignore) {
  return matches_name_pattern(name, ignore);
}

}  // namespace


bool matches_name_pattern(const std::string& name, const std::vector<std::string>& patterns) {
  for (const auto& pattern : patterns) {
    if (name == pattern) return true;
    if (!pattern.empty() && pattern.back() == '.' && name.rfind(pattern, 0) == 0) return true;
  }
  return false;
}

std::string WeightSource::stored_shape_text(const std::string& name) const { return c10::str(c10::IntArrayRef(shape(name))); }

std::string WeightSet::source_name(const std::string& name) const {
  // " in <shard file>" when the set has several files (the message already names the set).
  const std::string shard = files_.size() > 1 && contains(name) ? fs::path(file_of(name)).filename().string() : "";
  return printable_excerpt(name, 120) + (shard.empty() ? "" : " in " + shard);
}

void WeightSet::add_file(std::shared_ptr<SafetensorsFile> file) {
  files_.push_back(std::move(file));
}

void WeightSet::finish() {
  sorted_.clear();
  for (size_t f = 0; f < files_.size(); ++f)
    for (const auto& e : files_[f]->entries()) sorted_.emplace_back(e.name, f);
  std::sort(sorted_.begin(), sorted_.end());
  for (size_t i = 1; i < sorted_.size(); ++i)
    if (sorted_[i].first == sorted_[i - 1].first)
      throw Error("tensor " + quoted_name(sorted_[i].first) + " appears in two shards: " +
                  files_[sorted_[i - 1].second]->path().string() + " and " + files_[sorted_[i].second]->path().string());
}

WeightSet WeightSet::open_file(const fs::path& file) {
  WeightSet set;
  set.origin_ = file;
  set.add_file(std::make_shared<SafetensorsFile>(file));
  set.finish();
  return set;
}

WeightSet WeightSet::open_folder(const fs::path& folder, const std::string& stem, bool prefer_fp16) {
  if (!fs::is_directory(folder)) throw Error("model folder not found: " + folder.string());
  std::vector<std::string> candidates = {stem + ".safetensors", stem + ".fp16.safetensors"};
  if (prefer_fp16) std::swap(candidates[0], candidates[1]);
  for (const auto& name : candidates) {
    const fs::path single = folder / name;
    if (fs::is_regular_file(single)) return open_file(single);
    fs::path index = single;
    index += ".index.json";
    if (!fs::is_regular_file(index)) continue;
    // Sharded: {"weight_map": {tensor: shard file}}
    const auto json = read_json_file(index);
    if (!json.contains("weight_map") || !json["weight_map"].is_object())
      throw Error("missing 'weight_map' in " + index.string());
    std::map<std::string, std::vector<std::string>> expected_by_shard;
    for (auto it = json["weight_map"].begin(); it != json["weight_map"].end(); ++it) {
      if (!it.value().is_string())
        throw Error("tensor " + quoted_name(it.key()) + " in " + index.string() + " maps to " +
                    printable_excerpt(it.value().dump(), 40) + ", not a shard file name");
      expected_by_shard[it.value().get<std::string>()].push_back(it.key());
    }
    WeightSet set;
    set.origin_ = index;
    for (const auto& [shard, names] : expected_by_shard) {
      const fs::path shard_path = folder / shard;
      if (!fs::is_regular_file(shard_path))
        throw Error("shard " + quoted_name(shard) + " listed in " + index.string() + " is missing");
      auto file = std::make_shared<SafetensorsFile>(shard_path);
      for (const auto& n : names)
        if (!file->contains(n))
          throw Error("tensor " + quoted_name(n) + " is listed in " + index.string() + " but missing from " +
                      shard_path.string());
      set.add_file(std::move(file));
    }
    set.finish();
    return set;
  }
  throw Error("no weights in " + folder.string() + " (looked for " + stem + ".safetensors, " + stem +
              ".fp16.safetensors and sharded *.safetensors.index.json)");
}

const std::pair<std::string, size_t>* WeightSet::find(const std::string& name) const {
  auto it = std::lower_bound(sorted_.begin(), sorted_.end(), name,
                             [](const auto& entry, const std::string& key) { return entry.first < key; });
  return (it != sorted_.end() && it->first == name) ? &*it : nullptr;
}

std::vector<std::string> WeightSet::names() const {
  std::vector<std::string> out;
  out.reserve(sorted_.size());
  for (const auto& e : sorted_) out.push_back(e.first);
  return out;
}

bool WeightSet::contains(const std::string& name) const { return find(name) != nullptr; }

const SafetensorsEntry& WeightSet::entry(const std::string& name) const {
  const auto* hit = find(name);
  if (!hit) throw Error("tensor " + quoted_name(name) + " not found in " + describe());
  return files_[hit->second]->entry(name);
}

at::Tensor WeightSet::view(const std::string& name) const {
  const auto* hit = find(name);
  if (!hit) throw Error("tensor " + quoted_name(name) + " not found in " + describe());
  return files_[hit->second]->view(name);
}

std::string WeightSet::file_of(const std::string& name) const {
  const auto* hit = find(name);
  return hit ? files_[hit->second]->path().string() : std::string();
}

void WeightSet::release(const std::string& name) const {
  if (const auto* hit = find(name)) files_[hit->second]->release(name);
}

std::string WeightSet::describe() const { return origin_.string(); }

void load_weights(torch::nn::Module& module, const WeightSource& weights, const std::vector<std::string>& ignore) {
  std::vector<std::string> missing, wrong_shape;
  std::set<std::string> used;
  std::vector<std::pair<at::Tensor, std::string>> copies;  // (destination, source name)

  auto visit = [&](const std::string& name, const at::Tensor& target) {
    if (ignored(name, ignore)) return;
    if (!weights.contains(name)) {
      missing.push_back(weights.source_name(name));
      return;
    }
    used.insert(name);
    if (c10::IntArrayRef(weights.shape(name)) != target.sizes()) {
      wrong_shape.push_back(weights.source_name(name) + " (file " + weights.stored_shape_text(name) + ", model " +
                            c10::str(target.sizes()) + ")");
      return;
    }
    copies.emplace_back(target, name);
  };
  for (const auto& p : module.named_parameters(/*recurse=*/true)) visit(p.key(), p.value());
  for (const auto& b : module.named_buffers(/*recurse=*/true)) visit(b.key(), b.value());

  std::vector<std::string> unexpected = weights.unmapped_names();
  std::set<std::string> reported(unexpected.begin(), unexpected.end());
  for (const auto& name : weights.names())
    if (!used.count(name) && !ignored(name, ignore) && reported.insert(weights.source_name(name)).second)
      unexpected.push_back(weights.source_name(name));

  if (!missing.empty() || !unexpected.empty() || !wrong_shape.empty()) {
    std::ostringstream msg;
    msg << "weights in " << weights.describe() << " do not match the model";
    // Each list capped: a wrong model folder can give tens of thousands of names.
    auto list = [&](const char* title, const std::vector<std::string>& names) {
      if (!names.empty()) msg << "\n  " << title << " (" << names.size() << "): " << capped_list(names, 10);
    };
    list("missing from the file", missing);
    list("unexpected in the file", unexpected);
    list("wrong shape", wrong_shape);
    throw Error(msg.str());
  }
  // One pass per tensor, straight from the mapped file (copy_ converts the dtype); each
  // source tensor is made just before its copy. This is what fills the parameters:
  // nn/layers.h allocates them uninitialised, and the checks above guarantee that every
  // parameter not named in `ignore` is in `copies`. A cancel (the app's, while a model loads
  // aside of the one in use) stops between tensors.
  at::NoGradGuard no_grad;
  for (auto& [target, name] : copies) {
    cancellation_point();
    target.copy_(weights.tensor(name));
    weights.release(name);
  }
}

}  // namespace partedit
