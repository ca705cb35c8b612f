// CLIPModel (core/models/clip/clip_model.h) on a tiny random folder written by
// write_tiny_clip: the patch embedding against a loop over one patch, one encoder layer and
// the whole vision tower against a float64 re-implementation written here, the text
// features' shape and projection, CLIP's preprocessing on sizes where it is known by hand,
// and the loader's errors (missing tensor, wrong shape, bad config, missing folder).
#include <QtTest>

#include <cmath>
#include <fstream>
#include <map>

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include "io/json_config.h"
#include "io/safetensors.h"
#include "models/clip/clip_model.h"
#include "models/clip/tiny_clip.h"
#include "support/test_support.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_clip_vision {

using namespace partedit;
namespace fs = std::filesystem;

namespace {

using Params = std::map<std::string, at::Tensor>;

// Every parameter as float64, by its checkpoint name.
Params double_params(CLIPModel& model) {
  Params p;
  for (const auto& item : model->named_parameters(/*recurse=*/true)) p[item.key()] = item.value().to(at::kDouble);
  return p;
}

at::Tensor layer_norm(const at::Tensor& x, const at::Tensor& w, const at::Tensor& b, double eps) {
  const auto mean = x.mean(-1, true);
  const auto var = (x - mean).pow(2).mean(-1, true);  // biased, as LayerNorm
  return (x - mean) / at::sqrt(var + eps) * w + b;
}

at::Tensor linear(const Params& p, const std::string& name, const at::Tensor& x) {
  auto y = at::matmul(x, p.at(name + ".weight").t());
  if (p.count(name + ".bias")) y = y + p.at(name + ".bias");
  return y;
}

// transformers' CLIPEncoderLayer on [T, D] without a mask: pre-norm attention with `heads`
// heads (softmax written out), then the quick_gelu MLP.
at::Tensor naive_layer(const Params& p, const std::string& prefix, const at::Tensor& x, int64_t heads) {
  const int64_t T = x.size(0), D = x.size(1), d = D / heads;
  const auto h = layer_norm(x, p.at(prefix + "layer_norm1.weight"), p.at(prefix + "layer_norm1.bias"), 1e-5);
  const auto q = linear(p, prefix + "self_attn.q_proj", h), k = linear(p, prefix + "self_attn.k_proj", h),
             v = linear(p, prefix + "self_attn.v_proj", h);
  auto context = at::zeros({T, D}, at::kDouble);
  for (int64_t head = 0; head < heads; ++head) {
    const auto qh = q.narrow(1, head * d, d), kh = k.narrow(1, head * d, d), vh = v.narrow(1, head * d, d);
    const auto scores = at::matmul(qh, kh.t()) / std::sqrt(double(d));  // [T, T]
    const auto e = at::exp(scores - std::get<0>(scores.max(1, true)));
    context.narrow(1, head * d, d).copy_(at::matmul(e / e.sum(1, true), vh));
  }
  const auto after_attention = x + linear(p, prefix + "self_attn.out_proj", context);
  const auto m = linear(p, prefix + "mlp.fc1",
                        layer_norm(after_attention, p.at(prefix + "layer_norm2.weight"), p.at(prefix + "layer_norm2.bias"), 1e-5));
  return after_attention + linear(p, prefix + "mlp.fc2", m * at::sigmoid(1.702 * m));
}

// The vision embeddings of one image [3, S, S] by explicit patch sums: [1 + P, D].
at::Tensor naive_embeddings(const Params& p, const at::Tensor& image, int64_t patch) {
  const auto w = p.at("vision_model.embeddings.patch_embedding.weight");  // [D, 3, k, k]
  const int64_t grid = image.size(1) / patch, D = w.size(0);
  auto tokens = at::zeros({1 + grid * grid, D}, at::kDouble);
  tokens[0] = p.at("vision_model.embeddings.class_embedding");
  for (int64_t r = 0; r < grid; ++r)
    for (int64_t c = 0; c < grid; ++c) {
      const auto pixels = image.narrow(1, r * patch, patch).narrow(2, c * patch, patch).to(at::kDouble);  // [3, k, k]
      tokens[1 + r * grid + c] = (w * pixels.unsqueeze(0)).sum({1, 2, 3});
    }
  return tokens + p.at("vision_model.embeddings.position_embedding.weight");
}

// image features of one image [3, S, S], float64: embeddings, pre_layrnorm, the layers,
// post_layernorm of the class token, visual_projection.
at::Tensor naive_image_features(const Params& p, const CLIPVisionConfig& c, const at::Tensor& image) {
  auto h = naive_embeddings(p, image, c.patch_size);
  h = layer_norm(h, p.at("vision_model.pre_layrnorm.weight"), p.at("vision_model.pre_layrnorm.bias"), 1e-5);
  for (int64_t i = 0; i < c.num_hidden_layers; ++i)
    h = naive_layer(p, "vision_model.encoder.layers." + std::to_string(i) + ".", h, c.num_attention_heads);
  const auto cls = layer_norm(h[0], p.at("vision_model.post_layernorm.weight"), p.at("vision_model.post_layernorm.bias"), 1e-5);
  return at::matmul(p.at("visual_projection.weight"), cls);  // [P]
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

class TestClipVision : public QObject {
  Q_OBJECT

  test::TempDir dir_;
  fs::path model_dir_;

 private Q_SLOTS:
  void initTestCase() {
    model_dir_ = dir_ / "tiny-clip";
    const int64_t count = write_tiny_clip(model_dir_, TinyClipOptions{});
    QVERIFY(count > 0);
  }

  void writerIsDeterministic() {
    write_tiny_clip(dir_ / "again", TinyClipOptions{});
    std::ifstream a(model_dir_ / "model.safetensors", std::ios::binary), b(dir_ / "again" / "model.safetensors", std::ios::binary);
    const std::string bytes_a((std::istreambuf_iterator<char>(a)), {}), bytes_b((std::istreambuf_iterator<char>(b)), {});
    QVERIFY(!bytes_a.empty() && bytes_a == bytes_b);
    TinyClipOptions other;
    other.seed = 1;
    write_tiny_clip(dir_ / "seed1", other);
    std::ifstream c(dir_ / "seed1" / "model.safetensors", std::ios::binary);
    const std::string bytes_c((std::istreambuf_iterator<char>(c)), {});
    QVERIFY(bytes_c != bytes_a);
  }

  // One token of the patch embedding: the class token, and patch (1, 2) as a loop over its
  // 3 x 8 x 8 pixels.
  void patchEmbedding() {
    auto clip = CLIPModelFolder::load(model_dir_);
    c10::InferenceMode guard;
    at::manual_seed(1);
    const auto pixels = at::randn({1, 3, 32, 32});
    const auto tokens = clip.model->vision->vision_model->embeddings(pixels)[0];  // [17, 32]
    QCOMPARE(tokens.size(0), int64_t(17));
    auto& e = *clip.model->vision->vision_model->embeddings;
    const auto w = e.patch_embedding->weight.to(at::kDouble);
    const auto pos = e.position_embedding->weight.to(at::kDouble);
    const auto px = pixels[0].to(at::kDouble);
    const int64_t r = 1, c = 2, index = 1 + r * 4 + c;
    for (int64_t d = 0; d < 32; ++d) {
      double sum = 0;
      for (int64_t ch = 0; ch < 3; ++ch)
        for (int64_t u = 0; u < 8; ++u)
          for (int64_t v = 0; v < 8; ++v) sum += w[d][ch][u][v].item<double>() * px[ch][r * 8 + u][c * 8 + v].item<double>();
      QVERIFY(std::abs(tokens[index][d].item<double>() - (sum + pos[index][d].item<double>())) < 1e-4);
    }
    const auto class_token = e.class_embedding.to(at::kDouble) + pos[0];
    PE_VERIFY_LE(test::max_abs_diff(tokens[0].to(at::kDouble), class_token), 1e-6);
  }

  // The first vision encoder layer alone, then the whole tower with its projection.
  void visionTowerMatchesNaive() {
    auto clip = CLIPModelFolder::load(model_dir_);
    const auto params = double_params(clip.model);
    const auto& config = clip.model->config().vision;
    c10::InferenceMode guard;
    at::manual_seed(2);
    const auto hidden = at::randn({1, 17, 32});
    const auto layer = clip.model->vision->vision_model->encoder->layers->ptr<CLIPEncoderLayerImpl>(0);
    const auto got_layer = layer->forward(hidden, at::Tensor())[0];
    const auto want_layer = naive_layer(params, "vision_model.encoder.layers.0.", hidden[0].to(at::kDouble), 4);
    const double layer_error = test::max_relative_diff(got_layer.to(at::kDouble), want_layer);
    const auto images = at::randn({2, 3, 32, 32});
    const auto got = clip.model->image_features(images).to(at::kDouble);  // [2, 16]
    QCOMPARE(got.size(1), int64_t(16));
    double tower_error = 0;
    for (int64_t b = 0; b < 2; ++b)
      tower_error = std::max(tower_error, test::max_relative_diff(got[b], naive_image_features(params, config, images[b])));
    qInfo("vision: layer 0 relative error %.3g, tower + projection %.3g", layer_error, tower_error);
    PE_VERIFY_LE(layer_error, 1e-5);  // float32 against float64
    PE_VERIFY_LE(tower_error, 1e-4);
  }

  // Text features: the projection of the final-layer-normed state at the end-of-text token.
  void textFeatures() {
    auto clip = CLIPModelFolder::load(model_dir_);
    c10::InferenceMode guard;
    bool truncated = true;
    const auto ids = clip.tokenize("a red hat", &truncated);
    QVERIFY(!truncated);
    QCOMPARE(ids[0][0].item<int64_t>(), clip.tokenizer.bos_id());
    QCOMPARE(ids[0][-1].item<int64_t>(), clip.tokenizer.eos_id());
    const auto features = clip.model->text_features(ids);
    QCOMPARE(features.size(0), int64_t(1));
    QCOMPARE(features.size(1), int64_t(16));
    const auto out = clip.model->text->forward(ids);
    const auto last = out.last_hidden_state[0][ids.size(1) - 1];  // eos is the last id
    const auto projected = at::matmul(clip.model->text->text_projection->weight, last);
    PE_VERIFY_LE(test::max_abs_diff(features[0], projected), 1e-5);
    // a prompt longer than 77 tokens is cut to bos + 75 + eos
    std::string long_prompt;
    for (int i = 0; i < 100; ++i) long_prompt += "red ";
    const auto cut = clip.tokenize(long_prompt, &truncated);
    QVERIFY(truncated);
    QCOMPARE(cut.size(1), int64_t(77));
    QCOMPARE(cut[0][76].item<int64_t>(), clip.tokenizer.eos_id());
  }

  // A square image of the crop's size is only normalised: (round(255 x) / 255 - mean) / std.
  // A 40x56 image is resized to 32x44 (44 = int(32 x 56 / 40)) and cropped at column 6.
  void preprocessing() {
    auto clip = CLIPModelFolder::load(model_dir_);
    const auto& p = clip.processor;
    QCOMPARE(p.shortest_edge, int64_t(32));
    at::manual_seed(3);
    const auto image = at::rand({3, 32, 32});
    const auto pixels = clip_preprocess(image, p);
    QCOMPARE(pixels.sizes().vec(), (std::vector<int64_t>{1, 3, 32, 32}));
    const auto mean = at::tensor(p.image_mean, at::kDouble).view({3, 1, 1});
    const auto std = at::tensor(p.image_std, at::kDouble).view({3, 1, 1});
    const auto want = ((image.to(at::kDouble) * 255).round() / 255 - mean) / std;
    PE_VERIFY_LE(test::max_abs_diff(pixels[0].to(at::kDouble), want), 1e-6);
    // a constant image stays constant through resize and crop; the mean colour normalises to
    // its 8-bit rounding error only
    const auto grey = at::tensor(p.image_mean, at::kDouble).to(at::kFloat).view({3, 1, 1}).expand({3, 40, 56});
    const auto grey_pixels = clip_preprocess(grey, p);
    QCOMPARE(grey_pixels.sizes().vec(), (std::vector<int64_t>{1, 3, 32, 32}));
    PE_VERIFY_LE(grey_pixels.abs().max().item<double>(), 0.5 / 255 / 0.26);
    // a vertical edge at source column 28 of 56 lands at resized column 22, cropped column 16
    auto halves = at::zeros({3, 40, 56});
    halves.narrow(2, 28, 28).fill_(1.0);
    const auto row = clip_preprocess(halves, p)[0][0][10];  // [32]
    QVERIFY(row[12].item<double>() < row[20].item<double>());
    QVERIFY(std::abs(row[0].item<double>() - (0 - p.image_mean[0]) / p.image_std[0]) < 1e-5);
    QVERIFY(std::abs(row[31].item<double>() - (1 - p.image_mean[0]) / p.image_std[0]) < 1e-5);
  }

  void loaderErrors() {
    // a tensor missing, named
    test::copy_model_folder(model_dir_, dir_ / "missing", [](NamedTensors& t) {
      t.erase(std::remove_if(t.begin(), t.end(), [](const auto& e) { return e.first == "vision_model.pre_layrnorm.weight"; }),
              t.end());
    });
    auto error = test::error_of([&] { CLIPModelFolder::load(dir_ / "missing"); });
    QVERIFY2(contains(error, "vision_model.pre_layrnorm.weight"), error.c_str());
    // a wrong shape, named with both shapes
    test::copy_model_folder(model_dir_, dir_ / "shape", [](NamedTensors& t) {
      for (auto& e : t)
        if (e.first == "visual_projection.weight") e.second = e.second.t().contiguous();
    });
    error = test::error_of([&] { CLIPModelFolder::load(dir_ / "shape"); });
    QVERIFY2(contains(error, "visual_projection.weight") && contains(error, "[32, 16]"), error.c_str());
    // config errors name the section and the key
    test::copy_model_folder(model_dir_, dir_ / "heads", {}, [](nlohmann::json& c) { c["vision_config"]["num_attention_heads"] = 5; });
    error = test::error_of([&] { CLIPModelFolder::load(dir_ / "heads"); });
    QVERIFY2(contains(error, "vision_config") && contains(error, "num_attention_heads"), error.c_str());
    test::copy_model_folder(model_dir_, dir_ / "text", {}, [](nlohmann::json& c) { c["text_config"] = 3; });
    error = test::error_of([&] { CLIPModelFolder::load(dir_ / "text"); });
    QVERIFY2(contains(error, "'text_config'") && contains(error, "must be an object"), error.c_str());
    test::copy_model_folder(model_dir_, dir_ / "act", {}, [](nlohmann::json& c) { c["text_config"]["hidden_act"] = "swish"; });
    error = test::error_of([&] { CLIPModelFolder::load(dir_ / "act"); });
    QVERIFY2(contains(error, "hidden_act") && contains(error, "text_config"), error.c_str());
    // a crop that is not the tower's input size
    test::copy_model_folder(model_dir_, dir_ / "crop", {});
    auto processor = read_json_file(model_dir_ / "preprocessor_config.json");
    processor["crop_size"] = {{"height", 24}, {"width", 24}};
    std::ofstream(dir_ / "crop" / "preprocessor_config.json") << processor.dump();
    error = test::error_of([&] { CLIPModelFolder::load(dir_ / "crop"); });
    QVERIFY2(contains(error, "image_size 32") && contains(error, "24x24"), error.c_str());
    // no folder, no config
    error = test::error_of([&] { CLIPModelFolder::load(dir_ / "nowhere"); });
    QVERIFY2(contains(error, "does not exist"), error.c_str());
    fs::create_directories(dir_ / "empty");
    error = test::error_of([&] { CLIPModelFolder::load(dir_ / "empty"); });
    QVERIFY2(contains(error, "no config.json"), error.c_str());
  }
};

PARTEDIT_TEST(TestClipVision);
}  // namespace test_clip_vision
#include "test_clip_vision.moc"
