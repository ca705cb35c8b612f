// The fused two-path localisation (part maps from the source path's queries against the
// token keys, inside the source rows' cross-attention) against a naive three-path run as
// the authors do it: a third UNet path conditioned on the token sequence whose queries are
// overwritten by the source path's in every attention layer, its part-token probabilities
// recorded. Same maps, one UNet path less (algorithm.md §3, "Consequence").
#include <QtTest>

#include <ATen/ATen.h>

#include "editing/mask_ops.h"
#include "editing/part_edit_controller.h"
#include "pipeline/diffusion_model.h"
#include "pipeline/generation_common.h"
#include "runtime/compute.h"
#include "schedulers/scheduler.h"
#include "support/test_support.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_three_path_equivalence {

using namespace partedit;

namespace {

// Batch [u_src, u_edit, u_loc, c_src, c_edit, c_loc]: the localisation rows take the source
// rows' queries everywhere; the cond localisation row's part probabilities are summed.
class ThreePathRecorder : public AttentionController {
 public:
  ThreePathRecorder(std::vector<int> layers, std::vector<int64_t> part_positions, int64_t size)
      : layers_(std::move(layers)), parts_(std::move(part_positions)), size_(size) {}

  void on_query(const AttentionCall&, at::Tensor& q) override {
    q = q.clone();
    q[2].copy_(q[0]);
    q[5].copy_(q[3]);
  }
  bool wants_probabilities(const AttentionCall& call) override { return selected(call); }
  void on_probabilities(const AttentionCall& call, at::Tensor& p) override {
    if (!selected(call)) return;
    std::vector<at::Tensor> maps;
    for (int64_t pos : parts_) maps.push_back(p[5].select(-1, pos).sum(0));  // [N]
    at::Tensor map = maps[0];
    if (maps.size() > 1) {  // Appendix M: shared-max min-max per part, then summed
      const auto shared_max = at::stack(maps).max();
      map = at::zeros_like(maps[0]);
      for (const auto& m : maps) map = map + (m - m.min()) / (shared_max - m.min() + 1e-6);
    }
    const auto resized = resize_bilinear(map.view({call.height, call.width}), size_, size_);
    sum_ = sum_.defined() ? sum_ + resized : resized;
    ++count_;
  }
  at::Tensor mean() const { return sum_ / static_cast<double>(count_); }
  int count() const { return count_; }

 private:
  bool selected(const AttentionCall& call) const {
    return call.site.is_cross && std::find(layers_.begin(), layers_.end(), call.site.cross_index) != layers_.end();
  }
  std::vector<int> layers_;
  std::vector<int64_t> parts_;
  int64_t size_;
  at::Tensor sum_;
  int count_ = 0;
};

}  // namespace

class TestThreePathEquivalence : public QObject {
  Q_OBJECT
  std::optional<DiffusionModel> model_;

  void compare(int64_t parts, int64_t step_index, uint64_t seed, const std::vector<int>& layers) {
    auto& model = *model_;
    InferenceGuard guard(model.compute().device);
    const int64_t size = 64;
    const auto text = model.prompt_encoder().encode_with_guidance({"a photo of a cat in a park", "a photo of a dog in a park"}, "");
    auto generator = at::detail::createCPUGenerator(seed);
    const auto embedding = at::randn({2 * parts, text.embeds.size(2)}, generator);       // [2k, D]
    const auto tokens = at::cat({embedding, embedding.slice(0, 0, 1).expand({77 - 2 * parts, -1})});  // [77, D]
    std::vector<int64_t> positions;
    for (int64_t p = 1; p < 2 * parts; p += 2) positions.push_back(p);
    auto scheduler = model.make_scheduler("ddim");
    scheduler->set_timesteps(10);
    const auto t = scheduler->timesteps()[step_index];
    const auto x = at::randn({1, 4, 8, 8}, generator).repeat({2, 1, 1, 1});  // source = edit latents

    // Fused: batch [u_src, u_edit, c_src, c_edit].
    PartEditControlSettings s;
    s.layers = layers;
    s.mask_height = s.mask_width = size;
    s.edit_end_step = 1;  // no blending: the edit rows must match the naive run too
    s.p2p = PromptToPrompt::None;
    s.attention_layers = static_cast<int64_t>(model.unet()->attention_layers().size());
    PartEditController fused(s, tokens, positions);
    UNetAddedConditions added;
    added.text_embeds = text.pooled;
    added.time_ids = sdxl_time_ids(size, size, 4, text.embeds.options());
    model.unet()->set_attention_controller(&fused);
    fused.begin_step(step_index);
    const auto fused_out = model.unet()->forward(at::cat({x, x}), t, text.embeds, added);
    const StepMask fused_mask = fused.end_step();

    // Naive: batch [u_src, u_edit, u_loc, c_src, c_edit, c_loc].
    const auto e = text.embeds;  // [4, 77, D]
    const auto embeds6 = at::stack({e[0], e[1], e[0], e[2], e[3], tokens});
    const auto pooled6 = at::stack({text.pooled[0], text.pooled[1], text.pooled[0], text.pooled[2], text.pooled[3], text.pooled[2]});
    UNetAddedConditions added6{pooled6, sdxl_time_ids(size, size, 6, text.embeds.options())};
    ThreePathRecorder naive(layers, positions, size);
    model.unet()->set_attention_controller(&naive);
    const auto x3 = at::cat({x, x.slice(0, 0, 1)});
    const auto naive_out = model.unet()->forward(at::cat({x3, x3}), t, embeds6, added6);
    model.unet()->set_attention_controller(nullptr);

    QCOMPARE(naive.count(), static_cast<int>(layers.size()));
    const auto naive_normalized = min_max_normalize(naive.mean(), 1e-6 * static_cast<double>(step_index + 1));
    const double map_err = test::max_abs_diff(fused_mask.normalized, naive_normalized);
    const double otsu_err = std::abs(fused_mask.otsu - otsu_threshold(naive_normalized));
    // The source and edit rows do not notice the third path.
    const auto rows = at::tensor({0, 1, 3, 4}, at::kLong);
    const double out_err = test::max_abs_diff(fused_out, naive_out.index_select(0, rows));
    qInfo("parts %lld, step %lld, %zu layers: maps %.3g, otsu %.3g, source/edit outputs %.3g", (long long)parts,
          (long long)step_index, layers.size(), map_err, otsu_err, out_err);
    // Batches of 4 and 6 rows: equal up to float32 rounding. Measured (max over the three
    // cases): maps 9.1e-6 (normalised to [0, 1], 70 layers), Otsu 0, outputs 2.2e-6 (|x| < 3).
    PE_VERIFY_LE(map_err, 5e-5);
    PE_VERIFY_LE(otsu_err, 1e-5);  // one histogram bin is 1/256: a bin off would give 4e-3
    PE_VERIFY_LE(out_err, 2e-5);
  }

 private Q_SLOTS:
  void initTestCase() { model_.emplace(DiffusionModel::load(test::tiny_sdxl_dir(), ComputeOptions::parse("cpu", "fp32"))); }

  void onePartAuthorsLayers() { compare(1, 0, 11, sdxl_base_part_layers()); }
  void onePartLaterStep() { compare(1, 6, 12, sdxl_base_part_layers()); }
  void twoPartsAllLayers() {
    std::vector<int> all(70);
    for (int i = 0; i < 70; ++i) all[i] = i;
    compare(2, 3, 13, all);
  }
};

PARTEDIT_TEST(TestThreePathEquivalence);
}  // namespace test_three_path_equivalence
#include "test_three_path_equivalence.moc"
