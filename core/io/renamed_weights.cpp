#include "io/renamed_weights.h"

#include "io/safetensors_header.h"
#include "runtime/error.h"
#include "runtime/message_text.h"

namespace partedit {

namespace {

int third_of(KeyConversion conversion) {
  switch (conversion) {
    case KeyConversion::FirstThird: return 0;
    case KeyConversion::SecondThird: return 1;
    case KeyConversion::LastThird: return 2;
    default: return -1;
  }
}

const char* conversion_text(KeyConversion conversion) {
  switch (conversion) {
    case KeyConversion::Conv1x1ToLinear: return "read as a linear weight";
    case KeyConversion::Transpose: return "transposed";
    case KeyConversion::FirstThird: return "rows 1/3 (q)";
    case KeyConversion::SecondThird: return "rows 2/3 (k)";
    case KeyConversion::LastThird: return "rows 3/3 (v)";
    case KeyConversion::None: break;
  }
  return "";
}

}  // namespace

// Whether `conversion` applies to a stored tensor of this shape (else it is taken as stored
// and the shape check reports it). A square matrix keeps its shape when transposed: the
// applicability, not the resulting shape, decides.
bool conversion_applies(const std::vector<int64_t>& stored, KeyConversion conversion) {
  switch (conversion) {
    case KeyConversion::None: return false;
    case KeyConversion::Conv1x1ToLinear: return stored.size() == 4 && stored[2] == 1 && stored[3] == 1;
    case KeyConversion::Transpose: return stored.size() == 2;
    default: return !stored.empty() && stored[0] % 3 == 0;
  }
}

std::vector<int64_t> converted_shape(const std::vector<int64_t>& stored, KeyConversion conversion) {
  if (!conversion_applies(stored, conversion)) return stored;
  switch (conversion) {
    case KeyConversion::Conv1x1ToLinear: return {stored[0], stored[1]};
    case KeyConversion::Transpose: return {stored[1], stored[0]};
    default: {
      auto out = stored;
      out[0] /= 3;
      return out;
    }
  }
}

RenamedWeights::RenamedWeights(std::shared_ptr<const SafetensorsFile> file, std::string component,
                               std::string owned_prefix, std::vector<KeyRule> rules, std::vector<std::string> ignored)
    : file_(std::move(file)), component_(std::move(component)), owned_prefix_(std::move(owned_prefix)) {
  for (auto& rule : rules) {
    by_theirs_[rule.theirs].push_back(rule);
    by_ours_[rule.ours] = std::move(rule);
  }
  for (const auto& entry : file_->entries()) {
    const std::string& key = entry.name;
    if (key.rfind(owned_prefix_, 0) != 0 || matches_name_pattern(key, ignored)) continue;
    const auto* matched = longest_prefix_match(by_theirs_, key);
    if (!matched) {
      unmapped_.push_back(printable_excerpt(key, 120));
      continue;
    }
    for (const auto& rule : *matched) {
      // A whole-name rule maps the key itself; a prefix rule carries the rest of the key.
      const std::string ours = rule.ours + key.substr(rule.theirs.size());
      present_[ours] = Source{key, rule.conversion};
    }
  }
}

std::string RenamedWeights::describe() const {
  return file_->path().string() + " (" + component_ + ", keys " + owned_prefix_ + "*)";
}

std::vector<std::string> RenamedWeights::names() const {
  std::vector<std::string> out;
  out.reserve(present_.size());
  for (const auto& entry : present_) out.push_back(entry.first);
  return out;
}

bool RenamedWeights::contains(const std::string& name) const { return present_.count(name) != 0; }

const RenamedWeights::Source& RenamedWeights::source(const std::string& name) const {
  auto it = present_.find(name);
  if (it == present_.end())
    throw Error("tensor " + quoted_name(file_key(name).empty() ? name : file_key(name)) + " not found in " + describe());
  return it->second;
}

std::vector<int64_t> RenamedWeights::shape(const std::string& name) const {
  const auto& s = source(name);
  return converted_shape(file_->entry(s.key).shape, s.conversion);
}

at::Tensor RenamedWeights::tensor(const std::string& name) const {
  const auto& s = source(name);
  const auto stored = file_->view(s.key);  // zero-copy; every conversion below is a view too
  if (!conversion_applies(stored.sizes().vec(), s.conversion)) return stored;
  switch (s.conversion) {
    case KeyConversion::Conv1x1ToLinear: return stored.view({stored.size(0), stored.size(1)});
    case KeyConversion::Transpose: return stored.t();
    default: {
      const int64_t rows = stored.size(0) / 3;
      return stored.narrow(0, third_of(s.conversion) * rows, rows);
    }
  }
}

void RenamedWeights::release(const std::string& name) const { file_->release(source(name).key); }

std::string RenamedWeights::file_key(const std::string& name) const {
  if (auto it = present_.find(name); it != present_.end()) return it->second.key;
  const KeyRule* rule = longest_prefix_match(by_ours_, name);
  return rule ? rule->theirs + name.substr(rule->ours.size()) : std::string();
}

std::string RenamedWeights::source_name(const std::string& name) const {
  const std::string key = file_key(name);
  if (key.empty()) return printable_excerpt(name, 120) + " (no key of the checkpoint layout)";
  const auto it = present_.find(name);
  const KeyConversion conversion =
      it != present_.end() ? it->second.conversion : longest_prefix_match(by_ours_, name)->conversion;
  const int third = third_of(conversion);
  return printable_excerpt(key, 120) + (third >= 0 ? std::string(" ") + conversion_text(conversion) : "");
}

std::string RenamedWeights::stored_shape_text(const std::string& name) const {
  const auto& s = source(name);
  const auto& stored = file_->entry(s.key).shape;
  if (!conversion_applies(stored, s.conversion)) return c10::str(c10::IntArrayRef(stored));
  return c10::str(c10::IntArrayRef(stored)) + " " + conversion_text(s.conversion) + " " +
         c10::str(c10::IntArrayRef(converted_shape(stored, s.conversion)));
}

}  // namespace partedit
