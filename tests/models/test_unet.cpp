// UNet2DConditionModel: parity with diffusers on tiny-sdxl, attention-layer order and sites,
// the controller hook, SD 1.x / SD 2.x-shaped configs, and config errors.
#include <QtTest>

#include <cmath>
#include <fstream>
#include <map>
#include <set>

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include "io/json_config.h"
#include "io/safetensors.h"
#include "models/unet/unet_2d_condition.h"
#include "runtime/error.h"
#include "support/test_support.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_unet {

using namespace partedit;
using nlohmann::json;

namespace {

struct ForwardInputs {
  at::Tensor sample, context;
  UNetAddedConditions added;
  double timestep = 0;
};

ForwardInputs reference_inputs(const test::ReferenceCase& ref) {
  ForwardInputs in;
  in.sample = ref.in("sample");
  in.context = ref.in("encoder_hidden_states");
  in.added = {ref.in("text_embeds"), ref.in("time_ids")};
  in.timestep = ref.params().at("timestep").get<double>();
  return in;
}

UNet2DConditionModel tiny_sdxl_unet() { return load_unet(test::tiny_sdxl_dir() / "unet"); }

// Records every hook call; asks for probabilities on cross-attention layers of even cross index.
class RecordingController : public AttentionController {
 public:
  std::vector<int> query_order;
  std::map<int, int> queries, outputs, probabilities;
  std::map<int, std::vector<int64_t>> query_shapes, probability_shapes;
  std::map<int, std::pair<int64_t, int64_t>> grids;

  static bool asks(const AttentionSite& site) { return site.is_cross && site.cross_index % 2 == 0; }
  bool wants_probabilities(const AttentionCall& call) override { return asks(call.site); }
  void on_query(const AttentionCall& call, at::Tensor& query) override {
    query_order.push_back(call.site.index);
    ++queries[call.site.index];
    query_shapes[call.site.index] = query.sizes().vec();
    grids[call.site.index] = {call.height, call.width};
  }
  void on_probabilities(const AttentionCall& call, at::Tensor& p) override {
    ++probabilities[call.site.index];
    probability_shapes[call.site.index] = p.sizes().vec();
  }
  void on_output(const AttentionCall& call, at::Tensor&) override { ++outputs[call.site.index]; }
};

// Takes the explicit softmax path everywhere and changes nothing.
class IdentityController : public AttentionController {
 public:
  bool wants_probabilities(const AttentionCall&) override { return true; }
};

// SD 1.x shape: three cross-attention down blocks + DownBlock2D, 1x1-conv projections,
// attention_head_dim 8 read as 8 heads; keys omitted on purpose take diffusers' defaults.
json sd1_config() {
  return {{"_class_name", "UNet2DConditionModel"},
          {"attention_head_dim", 8},
          {"block_out_channels", {32, 64, 64, 64}},
          {"cross_attention_dim", 32},
          {"down_block_types", {"CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"}},
          {"up_block_types", {"UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"}},
          {"norm_num_groups", 8},
          {"layers_per_block", 2},
          {"sample_size", 16}};
}

// SD 2.x shape: linear projections, per-block attention_head_dim list (heads), upcast flag.
json sd2_config() {
  auto c = sd1_config();
  c["attention_head_dim"] = {2, 4, 8, 8};
  c["block_out_channels"] = {16, 32, 64, 64};
  c["use_linear_projection"] = true;
  c["upcast_attention"] = true;
  c["num_attention_heads"] = nullptr;
  c["addition_embed_type"] = nullptr;
  c["mid_block_type"] = "UNetMidBlock2DCrossAttn";
  return c;
}

// A UNet for `config` with seeded weights: Linear/Conv2d parameters are allocated
// uninitialised (nn/layers.h), so a model that is not loaded must be filled. Matrices
// N(0, 1/fan_in), norm weights 1, biases N(0, 0.02^2).
UNet2DConditionModel seeded_unet(const json& config, const char* origin) {
  UNet2DConditionModel model(UNet2DConditionConfig::from_json(JsonConfig(config, origin)));
  at::manual_seed(0);
  at::NoGradGuard no_grad;
  for (const auto& p : model->named_parameters()) {
    at::Tensor t = p.value();
    if (t.dim() > 1)
      t.normal_(0.0, 1.0 / std::sqrt(static_cast<double>(t.numel() / t.size(0))));
    else if (p.key().size() >= 6 && p.key().compare(p.key().size() - 6, 6, "weight") == 0)
      t.fill_(1.0);
    else
      t.normal_(0.0, 0.02);
  }
  return model;
}

// Writes config.json and the model's parameters as diffusers would.
void save_unet(const UNet2DConditionModel& model, const json& config, const std::filesystem::path& folder) {
  std::filesystem::create_directories(folder);
  std::ofstream(folder / "config.json") << config.dump(2);
  NamedTensors tensors;
  for (const auto& p : model->named_parameters()) tensors.emplace_back(p.key(), p.value());
  write_safetensors(folder / "diffusion_pytorch_model.safetensors", tensors);
}

QString error_of(const json& config) {
  try {
    UNet2DConditionConfig::from_json(JsonConfig(config, "bad-unet/config.json"));
  } catch (const Error& e) {
    return QString::fromStdString(e.what());
  }
  return {};
}

int64_t heads_of(const UNet2DConditionModel& model, const std::string& name) {
  for (const auto& layer : model->attention_layers())
    if (layer->site().name == name) return layer->heads();
  return -1;
}

}  // namespace

class TestUNet : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void matchesReference_data() {
    QTest::addColumn<QString>("name");
    QTest::newRow("unet_forward_a (int 601)") << "unet_forward_a";
    QTest::newRow("unet_forward_b (float 901.0)") << "unet_forward_b";
  }
  void matchesReference() {
    QFETCH(QString, name);
    test::ReferenceCase ref(name.toStdString());
    const auto in = reference_inputs(ref);
    auto unet = tiny_sdxl_unet();
    c10::InferenceMode guard;
    const auto out = unet->forward(in.sample, in.timestep, in.context, in.added);
    const auto expected = ref.out("noise_pred");
    PE_VERIFY_SHAPE(out, expected);
    const double err = test::max_abs_diff(out, expected);
    qInfo("%s: max abs error %.3g (max |ref| %.3g)", qPrintable(name), err,
          expected.abs().max().item<double>());
    // measured <= 2.7e-6 (|x| < 2.5; OpenBLAS Haswell/SkylakeX/generic, 1-2 threads); bound ~10x
    PE_VERIFY_LE(err, 3e-5);
  }

  void sameResultWithAutograd() {
    // Outside InferenceMode the out-of-place paths run and autograd works; same numbers.
    test::ReferenceCase ref("unet_forward_a");
    const auto in = reference_inputs(ref);
    auto unet = tiny_sdxl_unet();
    const auto context = in.context.clone().requires_grad_(true);
    const auto with_grad = unet->forward(in.sample, in.timestep, context, in.added);
    QVERIFY(with_grad.requires_grad());
    with_grad.square().sum().backward();  // token training back-propagates to the conditioning
    QVERIFY(context.grad().defined());
    QVERIFY(at::isfinite(context.grad()).all().item<bool>());
    QVERIFY(context.grad().abs().max().item<double>() > 0);
    at::Tensor inference;
    {
      c10::InferenceMode guard;
      inference = unet->forward(in.sample, in.timestep, in.context, in.added);
    }
    const double err = test::max_abs_diff(with_grad.detach(), inference);
    qInfo("autograd vs inference-mode forward: max abs difference %.3g", err);
    PE_VERIFY_LE(err, 1e-6);  // measured 0: the same kernels, out of place
  }

  void runsInBfloat16() {
    // The model runs in the dtype it was loaded in (bf16 is the reduced precision the CPU has).
    test::ReferenceCase ref("unet_forward_a");
    const auto in = reference_inputs(ref);
    auto unet = load_unet(test::tiny_sdxl_dir() / "unet", c10::kCPU, at::kBFloat16);
    c10::InferenceMode guard;
    const auto out = unet->forward(in.sample, in.timestep, in.context, in.added);  // fp32 inputs converted
    QCOMPARE(out.scalar_type(), at::kBFloat16);
    const double err = test::max_relative_diff(out.to(at::kFloat), ref.out("noise_pred"));
    qInfo("bf16 on CPU vs fp32 reference: max relative error %.3g", err);
    PE_VERIFY_LE(err, 0.05);  // measured 0.011: bf16 has 8 significant bits
  }

  void crossAttentionLayersInSdxlOrder() {
    auto unet = tiny_sdxl_unet();
    // SDXL-base: down 2x2 + 2x10 (0-23), mid 10 (24-33), up 3x10 + 3x2 (34-69)
    std::vector<std::string> expected;
    auto add = [&](const std::string& prefix, int attentions, int blocks) {
      for (int j = 0; j < attentions; ++j)
        for (int k = 0; k < blocks; ++k)
          expected.push_back(prefix + ".attentions." + std::to_string(j) + ".transformer_blocks." +
                             std::to_string(k) + ".attn2");
    };
    add("down_blocks.1", 2, 2);
    add("down_blocks.2", 2, 10);
    add("mid_block", 1, 10);
    add("up_blocks.0", 3, 10);
    add("up_blocks.1", 3, 2);
    const auto cross = unet->cross_attention_layers();
    QCOMPARE(cross.size(), size_t(70));
    QCOMPARE(expected.size(), size_t(70));
    std::set<std::string> parameter_names;
    for (const auto& p : unet->named_parameters()) parameter_names.insert(p.key());
    for (size_t i = 0; i < cross.size(); ++i) {
      const auto& site = cross[i]->site();
      QCOMPARE(site.name, expected[i]);
      QCOMPARE(site.cross_index, int(i));
      QVERIFY(site.is_cross);
      QVERIFY(parameter_names.count(site.name + ".to_k.weight"));  // the name is the module path
    }
    const auto all = unet->attention_layers();
    QCOMPARE(all.size(), size_t(140));
    for (size_t i = 0; i < all.size(); ++i) {
      QCOMPARE(all[i]->site().index, int(i));
      QCOMPARE(all[i]->site().is_cross, i % 2 == 1);  // attn1, attn2 alternate
      QVERIFY(parameter_names.count(all[i]->site().name + ".to_q.weight"));
    }
  }

  void controllerSeesEveryLayerInExecutionOrder() {
    test::ReferenceCase ref("unet_forward_a");
    const auto in = reference_inputs(ref);
    auto unet = tiny_sdxl_unet();
    RecordingController recorder;
    unet->set_attention_controller(&recorder);
    c10::InferenceMode guard;
    unet->forward(in.sample, in.timestep, in.context, in.added);
    const auto layers = unet->attention_layers();
    QCOMPARE(recorder.query_order.size(), layers.size());
    int asked = 0;
    for (size_t i = 0; i < layers.size(); ++i) {
      const auto& site = layers[i]->site();
      QCOMPARE(recorder.query_order[i], int(i));  // hooks run in execution order
      QCOMPARE(recorder.queries[site.index], 1);
      QCOMPARE(recorder.outputs[site.index], 1);
      const bool asks = RecordingController::asks(site);
      QCOMPARE(recorder.probabilities.count(site.index), size_t(asks ? 1 : 0));
      const auto [h, w] = recorder.grids[site.index];
      const auto& q = recorder.query_shapes[site.index];  // [B, heads, N, d]
      QCOMPARE(q.size(), size_t(4));
      QCOMPARE(q[0], int64_t(2));
      QCOMPARE(q[1], layers[i]->heads());
      QCOMPARE(q[2], h * w);
      if (asks) {
        ++asked;
        const auto& p = recorder.probability_shapes[site.index];  // [B, heads, N, 77]
        QCOMPARE(p, (std::vector<int64_t>{2, layers[i]->heads(), h * w, 77}));
      }
    }
    QCOMPARE(asked, 35);
    // Grids: 16x16 latents -> 8x8 in down_blocks.1, 4x4 in down_blocks.2 and mid.
    QCOMPARE(recorder.grids[layers.front()->site().index], std::make_pair(int64_t(8), int64_t(8)));
    unet->set_attention_controller(nullptr);
    for (const auto& layer : layers) QVERIFY(layer->controller() == nullptr);
  }

  void explicitPathEqualsFused() {
    test::ReferenceCase ref("unet_forward_b");
    const auto in = reference_inputs(ref);
    auto unet = tiny_sdxl_unet();
    c10::InferenceMode guard;
    const auto fused = unet->forward(in.sample, in.timestep, in.context, in.added);
    IdentityController identity;
    unet->set_attention_controller(&identity);
    const auto explicit_path = unet->forward(in.sample, in.timestep, in.context, in.added);
    const double err = test::max_abs_diff(explicit_path, fused);
    qInfo("identity controller (explicit softmax everywhere) vs fused: max abs difference %.3g", err);
    PE_VERIFY_LE(err, 1e-5);  // measured 0 with LibTorch 1.13; LibTorch 2's fused attention rounds differently
  }

  void sd1ShapedConfigRoundTrips() {
    const auto config = sd1_config();
    auto model = seeded_unet(config, "sd1/config.json");
    test::TempDir dir;
    save_unet(model, config, dir / "unet");
    auto loaded = load_unet(dir / "unet");
    // diffusers' quirk: attention_head_dim 8 means 8 heads (head width 32 / 8 = 4)
    QCOMPARE(heads_of(loaded, "down_blocks.0.attentions.0.transformer_blocks.0.attn1"), int64_t(8));
    QVERIFY(loaded->named_parameters().contains("down_blocks.0.attentions.0.proj_in.bias"));
    QCOMPARE(loaded->named_parameters()["down_blocks.0.attentions.0.proj_in.weight"].dim(), int64_t(4));  // 1x1 conv
    QCOMPARE(loaded->cross_attention_layers().size(), size_t(3 * 2 + 1 + 3 * 3));
    c10::InferenceMode guard;
    // 12 x 20 latents are not multiples of 8: the up blocks follow the skips' sizes.
    const auto sample = at::randn({2, 4, 12, 20});
    const auto context = at::randn({2, 77, 32});
    const auto out = loaded->forward(sample, 500.0, context);
    QCOMPARE(out.sizes().vec(), (std::vector<int64_t>{2, 4, 12, 20}));
    QVERIFY(at::isfinite(out).all().item<bool>());
    const double err = test::max_abs_diff(out, model->forward(sample, 500.0, context));
    qInfo("SD 1.x-shaped config: saved/loaded vs in-memory max abs difference %.3g", err);
    PE_VERIFY_LE(err, 1e-6);  // measured 0: the same weights and inputs
  }

  void sd2ShapedConfigRoundTrips() {
    const auto config = sd2_config();
    auto model = seeded_unet(config, "sd2/config.json");
    test::TempDir dir;
    save_unet(model, config, dir / "unet");
    auto loaded = load_unet(dir / "unet");
    QVERIFY(loaded->config().upcast_attention);
    QCOMPARE(heads_of(loaded, "down_blocks.0.attentions.0.transformer_blocks.0.attn1"), int64_t(2));
    QCOMPARE(heads_of(loaded, "down_blocks.2.attentions.1.transformer_blocks.0.attn2"), int64_t(8));
    QCOMPARE(heads_of(loaded, "up_blocks.1.attentions.0.transformer_blocks.0.attn2"), int64_t(8));  // reversed list
    QCOMPARE(heads_of(loaded, "up_blocks.3.attentions.2.transformer_blocks.0.attn2"), int64_t(2));
    QCOMPARE(heads_of(loaded, "mid_block.attentions.0.transformer_blocks.0.attn1"), int64_t(8));
    QCOMPARE(loaded->named_parameters()["down_blocks.0.attentions.0.proj_in.weight"].dim(), int64_t(2));  // Linear
    c10::InferenceMode guard;
    const auto sample = at::randn({1, 4, 16, 16});
    const auto context = at::randn({1, 77, 32});
    const auto out = loaded->forward(sample, 999.0, context);
    QCOMPARE(out.sizes().vec(), (std::vector<int64_t>{1, 4, 16, 16}));
    QVERIFY(at::isfinite(out).all().item<bool>());
    const double err = test::max_abs_diff(out, model->forward(sample, 999.0, context));
    qInfo("SD 2.x-shaped config: saved/loaded vs in-memory max abs difference %.3g", err);
    PE_VERIFY_LE(err, 1e-6);  // measured 0: the same weights and inputs
  }

  void sdxlNeedsAddedConditions() {
    test::ReferenceCase ref("unet_forward_a");
    const auto in = reference_inputs(ref);
    auto unet = tiny_sdxl_unet();
    c10::InferenceMode guard;
    QVERIFY_THROWS_EXCEPTION(Error, unet->forward(in.sample, in.timestep, in.context));
    UNetAddedConditions wrong{in.added.text_embeds.narrow(1, 0, 16), in.added.time_ids};
    QVERIFY_THROWS_EXCEPTION(Error, unet->forward(in.sample, in.timestep, in.context, wrong));
  }

  void badConfigsNameTheirFault() {
    auto unknown = sd1_config();
    unknown["down_block_types"][1] = "AttnDownBlock2D";
    auto message = error_of(unknown);
    QVERIFY2(message.contains("AttnDownBlock2D") && message.contains("bad-unet/config.json"), qPrintable(message));

    auto missing = sd1_config();
    missing.erase("block_out_channels");
    message = error_of(missing);
    QVERIFY2(message.contains("block_out_channels") && message.contains("bad-unet/config.json"), qPrintable(message));

    auto text_time = sd2_config();
    text_time["addition_embed_type"] = "text_time";
    message = error_of(text_time);
    QVERIFY2(message.contains("addition_time_embed_dim"), qPrintable(message));

    auto shift = sd1_config();
    shift["resnet_time_scale_shift"] = "scale_shift";
    message = error_of(shift);
    QVERIFY2(message.contains("resnet_time_scale_shift") && message.contains("scale_shift"), qPrintable(message));

    auto mid = sd1_config();
    mid["mid_block_type"] = "UNetMidBlock2DSimpleCrossAttn";
    message = error_of(mid);
    QVERIFY2(message.contains("UNetMidBlock2DSimpleCrossAttn"), qPrintable(message));

    auto heads = sd1_config();
    heads["attention_head_dim"] = 7;
    message = error_of(heads);
    QVERIFY2(message.contains("heads"), qPrintable(message));

    QVERIFY_THROWS_EXCEPTION(Error, load_unet(test::data_dir() / "no-such-unet"));
  }
};

PARTEDIT_TEST(TestUNet);
}  // namespace test_unet
#include "test_unet.moc"
