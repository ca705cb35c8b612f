#include "training/token_checkpoint.h"

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include "io/safetensors.h"
#include "runtime/error.h"

namespace partedit {
namespace {

constexpr const char* kCheckpointFormat = "partedit-token-checkpoint";

at::Tensor doubles(const std::vector<double>& values) {
  return at::tensor(values, at::TensorOptions().dtype(at::kDouble)).view({static_cast<int64_t>(values.size())});
}

int64_t checkpoint_non_finite_count(const at::Tensor& t) { return at::logical_not(at::isfinite(t)).sum().item<int64_t>(); }

}  // namespace

void write_token_checkpoint(const std::filesystem::path& path, const TokenCheckpoint& c) {
  NamedTensors tensors{{"embedding", c.embedding.detach().to(at::kCPU).to(at::kFloat).contiguous()},
                       {"losses", doubles(c.losses)}};
  if (c.first_moment.defined()) {
    tensors.push_back({"first_moment", c.first_moment.detach().to(at::kCPU).contiguous()});
    tensors.push_back({"second_moment", c.second_moment.detach().to(at::kCPU).contiguous()});
  }
  std::vector<double> validation;
  for (const auto& v : c.validations) validation.insert(validation.end(), {double(v.step), v.loss, v.miou});
  tensors.push_back({"validations", doubles(validation).view({static_cast<int64_t>(c.validations.size()), 3})});
  write_safetensors(path, tensors, {{"format", kCheckpointFormat}, {"step", std::to_string(c.step)}, {"fingerprint", c.fingerprint}});
}

TokenCheckpoint read_token_checkpoint(const std::filesystem::path& path) {
  const SafetensorsFile file(path);
  const auto& meta = file.metadata();
  const auto format = meta.find("format");
  if (format == meta.end() || format->second != kCheckpointFormat)
    throw Error(path.string() + " is not a PartEdit token checkpoint (no '" + kCheckpointFormat + "' format mark)");
  const auto fail = [&](const std::string& what) { return Error(path.string() + " is damaged: " + what); };
  TokenCheckpoint c;
  try {
    c.step = std::stoll(meta.at("step"));
    c.fingerprint = meta.at("fingerprint");
  } catch (const std::exception&) {
    throw fail("its step or fingerprint is missing or unreadable");
  }
  for (const char* name : {"embedding", "losses", "validations"})
    if (!file.contains(name)) throw fail(std::string("it has no '") + name + "' tensor");
  c.embedding = file.tensor("embedding").to(at::kFloat);
  if (c.embedding.dim() != 2 || c.embedding.size(0) != 2) throw fail("'embedding' is not [2, D]");
  // Training never saves a diverged step (run_token_training), so a non-finite value means the
  // file was altered; resuming from it would fail inside the loss with an internal error.
  const auto check_finite = [&](const at::Tensor& t, const char* name) {
    if (const int64_t bad = checkpoint_non_finite_count(t))
      throw fail("its '" + std::string(name) + "' holds " + std::to_string(bad) +
                 " non-finite values (NaN or Inf), which training never saves; delete it to train from the start");
  };
  check_finite(c.embedding, "embedding");
  if (file.contains("first_moment") != file.contains("second_moment")) throw fail("only one of Adam's moments is stored");
  if (file.contains("first_moment")) {
    c.first_moment = file.tensor("first_moment").to(at::kFloat);
    c.second_moment = file.tensor("second_moment").to(at::kFloat);
    if (!c.first_moment.sizes().equals(c.embedding.sizes()) || !c.second_moment.sizes().equals(c.embedding.sizes()))
      throw fail("Adam's moments do not have the embedding's shape");
    check_finite(c.first_moment, "first_moment");
    check_finite(c.second_moment, "second_moment");
    if (c.second_moment.lt(0).any().item<bool>()) throw fail("Adam's 'second_moment' has negative values");
  }
  const auto losses = file.tensor("losses").to(at::kDouble).contiguous();
  check_finite(losses, "losses");
  c.losses.assign(losses.data_ptr<double>(), losses.data_ptr<double>() + losses.numel());
  if (static_cast<int64_t>(c.losses.size()) != c.step) throw fail("it records " + std::to_string(c.losses.size()) +
                                                                  " losses for " + std::to_string(c.step) + " steps");
  const auto v = file.tensor("validations").to(at::kDouble).contiguous();
  if (v.dim() != 2 || v.size(1) != 3) throw fail("'validations' is not [n, 3]");
  for (int64_t i = 0; i < v.size(0); ++i)
    c.validations.push_back({static_cast<int64_t>(v[i][0].item<double>()), v[i][1].item<double>(), v[i][2].item<double>()});
  return c;
}

void check_fingerprints_match(const std::string& saved, const std::string& current, const std::string& where) {
  const auto a = nlohmann::json::parse(saved, nullptr, false), b = nlohmann::json::parse(current, nullptr, false);
  if (a.is_discarded() || !a.is_object()) throw Error(where + " is damaged: its fingerprint is not JSON");
  std::string differences;
  for (const auto& [key, value] : b.items()) {
    const auto it = a.find(key);
    if (it == a.end() || *it != value)
      differences += (differences.empty() ? "" : "; ") + key + " was " + (it == a.end() ? "(absent)" : it->dump()) +
                     ", now " + value.dump();
  }
  if (!differences.empty())
    throw Error(where + " belongs to a different training run, so it cannot be resumed: " + differences);
}

}  // namespace partedit
