#include "editing/part_edit_controller.h"

#include <chrono>
#include <cmath>

#include <ATen/ATen.h>

#include "editing/mask_ops.h"
#include "nn/attention.h"
#include "pipeline/generation_common.h"
#include "runtime/error.h"

namespace partedit {
namespace {
// Batch rows of the UNet call.
}  // namespace

std::vector<int> sdxl_base_part_layers() {
  std::vector<int> layers;
  for (int i = 24; i < 60; ++i) layers.push_back(i);
  for (int i = 0; i < 4; ++i) layers.push_back(i);
  return layers;
}

PartEditController::PartEditController(PartEditControlSettings settings, at::Tensor token_sequence,
                                       std::vector<int64_t> part_positions)
    : settings_(std::move(settings)) {
  if (settings_.attention_layers <= 0)
    throw Error("PartEditControlSettings.attention_layers must be the UNet's attention layer count, got " +
                std::to_string(settings_.attention_layers));
  for (int layer : settings_.layers) {
    if (layer < 0) throw Error("negative cross-attention layer index " + std::to_string(layer));
    if (static_cast<size_t>(layer) >= selected_.size()) selected_.resize(layer + 1, false);
    selected_[layer] = true;
  }
  // Distinct rows of the token sequence and their multiplicities: with BG padding the 77
  // keys take only 1 + parts distinct values, so each query needs only those dot products.
  const auto rows = token_sequence.to(at::kFloat).to(at::kCPU).contiguous();  // [77, D]
  std::vector<at::Tensor> unique;
  std::vector<double> counts;
  std::vector<int64_t> row_to_unique(rows.size(0));
  for (int64_t r = 0; r < rows.size(0); ++r) {
    int64_t found = -1;
    for (size_t u = 0; u < unique.size() && found < 0; ++u)
      if (at::equal(unique[u], rows[r])) found = static_cast<int64_t>(u);
    if (found < 0) {
      found = static_cast<int64_t>(unique.size());
      unique.push_back(rows[r]);
      counts.push_back(0);
    }
    counts[found] += 1;
    row_to_unique[r] = found;
  }
  for (int64_t p : part_positions) {
    if (p < 0 || p >= rows.size(0)) throw Error("part position " + std::to_string(p) + " outside the token sequence");
    if (counts[row_to_unique[p]] != 1)
      throw Error("the part token row equals another row of the token sequence; the token file is degenerate");
    part_unique_index_.push_back(row_to_unique[p]);
  }
  unique_rows_ = at::stack(unique).to(token_sequence.device()).to(token_sequence.scalar_type());  // [U, D]
  unique_counts_ = at::tensor(counts, at::TensorOptions().dtype(at::kDouble)).to(at::kFloat);  // [U]
}

void PartEditController::begin_step(int64_t step) {
  step_ = step;
  map_sums_.clear();
  maps_this_step_ = 0;
  blend_masks_.clear();
  finished_.reset();
}

void PartEditController::set_uncond_source_row(bool present) {
  if (present) {
    uncond_source_ = 0, uncond_edit_ = 1, cond_source_ = 2, cond_edit_ = 3;
  } else {
    uncond_source_ = -1, uncond_edit_ = 0, cond_source_ = 1, cond_edit_ = 2;
  }
}

void PartEditController::set_known_step(std::optional<StepMask> known) { known_ = std::move(known); }

void PartEditController::resume_with_mask(const at::Tensor& previous_mask) {
  mask_ = previous_mask;
  blend_masks_.clear();
}

bool PartEditController::blending_at(int64_t step) const {
  return mask_.defined() && step >= 1 && step < settings_.edit_end_step;
}

const PartEditController::TokenKeys& PartEditController::token_keys(const AttentionCall& call) {
  auto it = keys_by_layer_.find(call.site.cross_index);
  if (it != keys_by_layer_.end()) return it->second;
  auto& layer = call.layer;
  // In fp32 even in a bf16/fp16 run (one small product per layer and edit): the token's rows
  // and their keys are not rounded, so the maps lose only what the queries carry (bf16 vs
  // fp32 mask IoU on the tiny model 0.952 -> see test_bf16_parity).
  const auto& to_k = *layer.to_k;
  const auto rows = unique_rows_.to(to_k.weight.device(), at::kFloat);
  const auto bias = to_k.bias.defined() ? to_k.bias.to(at::kFloat) : at::Tensor();
  auto keys = layer.split_heads(at::linear(rows, to_k.weight.to(at::kFloat), bias).unsqueeze(0))[0];  // [heads, U, d]
  TokenKeys entry{keys, unique_counts_.to(keys.device()).to(at::kFloat).log()};
  return keys_by_layer_.emplace(call.site.cross_index, std::move(entry)).first->second;
}

bool PartEditController::wants_probabilities(const AttentionCall& call) {
  return call.site.is_cross && settings_.p2p != PromptToPrompt::None;
}

void PartEditController::on_query(const AttentionCall& call, at::Tensor& query) {
  const int index = call.site.cross_index;
  if (known_) return;
  if (!call.site.is_cross || index < 0 || static_cast<size_t>(index) >= selected_.size() || !selected_[index]) return;
  if (call.height <= 0 || call.width <= 0) throw Error("attention layer " + call.site.name + " has no spatial size");
  // softmax over the 77 token keys, written over the distinct keys: logits + log(multiplicity).
  const auto& keys = token_keys(call);
  const auto q = query[cond_source_].to(at::kFloat);                                     // [heads, N, d]
  auto logits = at::matmul(q, keys.keys.to(at::kFloat).transpose(-1, -2)).mul_(call.layer.scale());  // [heads, N, U]
  logits.add_(keys.log_counts);
  const auto probabilities = logits.softmax(-1);                                        // [heads, N, U]
  std::vector<at::Tensor> parts;
  for (int64_t u : part_unique_index_) parts.push_back(probabilities.select(-1, u).sum(0));  // [N]
  at::Tensor map;
  if (parts.size() == 1) {
    map = parts[0];
  } else {
    // Several parts (Appendix M): per layer, each part min-max normalised with the shared
    // maximum, then summed (the release's EmptyControl.forward).
    const auto shared_max = at::stack(parts).max();
    map = at::zeros_like(parts[0]);
    for (const auto& p : parts) map = map + (p - p.min()) / (shared_max - p.min() + 1e-6);
  }
  map = map.view({call.height, call.width});
  auto& sum = map_sums_[{call.height, call.width}];
  sum = sum.defined() ? sum + map : map;
  ++maps_this_step_;
}

StepMask PartEditController::end_step() {
  if (!finished_)
    throw Error("step " + std::to_string(step_) + " ended before the UNet's last attention layer (layer " +
                std::to_string(settings_.attention_layers - 1) + ") ran");
  return *finished_;
}

StepMask PartEditController::finish_step() {
  if (maps_this_step_ != static_cast<int64_t>(settings_.layers.size()))
    throw Error("the UNet ran " + std::to_string(maps_this_step_) + " of the " +
                std::to_string(settings_.layers.size()) + " selected cross-attention layers");
  // 1. resize each resolution's sum to the mask size and average over layers
  at::Tensor mean;
  for (const auto& [size, sum] : map_sums_) {
    const auto resized = resize_bilinear(sum, settings_.mask_height, settings_.mask_width);  // [H, W]
    mean = mean.defined() ? mean + resized : resized;
  }
  mean = mean / static_cast<double>(maps_this_step_);
  // NaN maps (damaged weights, an fp16 overflow) would fail in the threshold's histogram.
  check_finite_step(mean, static_cast<int>(step_) + 1);
  // 2. min-max (the release divides the maps by the step count first, which scales eps)
  StepMask out;
  out.normalized = min_max_normalize(mean, 1e-6 * static_cast<double>(step_ + 1));
  // 3. Otsu, 4. adaptive threshold
  out.otsu = otsu_threshold(out.normalized);
  out.mask = adaptive_threshold(out.normalized, out.otsu, settings_.omega, settings_.lower);
  mask_ = out.mask;
  blend_masks_.clear();
  finished_ = out;
  return out;
}

const at::Tensor& PartEditController::blend_mask_for(int64_t height, int64_t width, const at::Tensor& like) {
  auto& cached = blend_masks_[{height, width}];
  if (!cached.defined())
    cached = resize_bilinear(mask_.to(like.device()).to(at::kFloat), height, width)
                 .reshape({height * width, 1})
                 .to(like.scalar_type());  // [N, 1]
  return cached;
}

void PartEditController::on_probabilities(const AttentionCall& call, at::Tensor& probabilities) {
  if (!call.site.is_cross || settings_.p2p == PromptToPrompt::None) return;
  // probabilities: [4, heads, N, 77]; only the cond edit row changes.
  const auto source = probabilities[cond_source_];  // [heads, N, 77]
  const auto edit = probabilities[cond_edit_];
  at::Tensor mapped;
  if (settings_.p2p == PromptToPrompt::Replace) {
    mapped = at::matmul(source, settings_.replace_mapper.to(source.device()).to(source.scalar_type()));
  } else {
    // -1 (inserted token) indexes the last position, as Python's negative indexing does in
    // the reference; its alpha is 0, so only finiteness matters.
    const auto index = settings_.refine.mapper.remainder(source.size(-1)).to(source.device());
    const auto alphas = settings_.refine.alphas.to(source.device()).to(source.scalar_type());
    mapped = source.index_select(-1, index) * alphas + edit * (1 - alphas);
  }
  const auto alpha = settings_.cross_replace_alpha[step_].to(source.device()).to(source.scalar_type());  // [77]
  probabilities[cond_edit_].copy_(mapped * alpha + edit * (1 - alpha));
}

void PartEditController::on_output(const AttentionCall& call, at::Tensor& output) {
  // The release's controller counts attention calls and runs between_steps (mask of this
  // step, step counter + 1) inside the last one, before that layer blends: so the last layer
  // of step i blends with step i's own mask when i + 1 < t_e, even at step 0.
  int64_t step = step_;
  if (call.site.index == settings_.attention_layers - 1 && known_) {
    mask_ = known_->mask;
    blend_masks_.clear();
    finished_ = known_;
    step = step_ + 1;
  } else if (call.site.index == settings_.attention_layers - 1) {
    const auto start = std::chrono::steady_clock::now();
    finish_step();
    mask_seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    step = step_ + 1;
  }
  if (!blending_at(step)) return;
  // output: [4, N, C]; edit rows become m * edit + (1 - m) * source.
  const int64_t n = output.size(1);
  int64_t height = call.height, width = call.width;
  if (height * width != n) throw Error("attention layer " + call.site.name + " has no spatial size for blending");
  const auto& m = blend_mask_for(height, width, output);  // [N, 1]
  if (uncond_source_ < 0) throw Error("step " + std::to_string(step_) + " blends but its batch has no uncond source row");
  for (auto [source, edit] : {std::pair<int64_t, int64_t>{uncond_source_, uncond_edit_}, {cond_source_, cond_edit_}}) {
    const auto s = output[source];
    output[edit].copy_((1 - m) * s + m * output[edit]);  // the release's form, for parity
  }
}

}  // namespace partedit
