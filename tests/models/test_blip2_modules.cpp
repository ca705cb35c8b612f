// BLIP-2 (tiny-blip2-flan-t5) module by module against the reference: preprocessing, vision
// model, Q-Former, projection, T5 encoder input and output with and without a prompt; T5's
// relative position buckets against hand-computed values; the decoder cache; config defaults
// and the errors for a broken folder.
#include <QtTest>

#include <fstream>
#include <functional>

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include "io/json_config.h"
#include "io/safetensors.h"
#include "models/blip2/blip2_model.h"
#include "models/blip2/blip_image_processor.h"
#include "models/blip2/tiny_blip2.h"
#include "runtime/error.h"
#include "support/test_support.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_blip2_modules {

using namespace partedit;
namespace fs = std::filesystem;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Copies tiny-blip2 into `dest`, letting the callbacks change the weights and config.json.
void copy_model(const fs::path& dest, const std::function<void(NamedTensors&)>& edit_weights,
                const std::function<void(nlohmann::json&)>& edit_config = {}) {
  test::copy_model_folder(test::tiny_blip2_dir(), dest, edit_weights, edit_config);
}

}  // namespace

class TestBlip2Modules : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void configDefaultsAndValues() {
    const auto c = Blip2Config::from_json(JsonConfig::load(test::tiny_blip2_dir() / "config.json"));
    QCOMPARE(c.vision.patch_size, int64_t(14));  // omitted: transformers default
    QCOMPARE(c.vision.image_size, int64_t(56));
    QCOMPARE(c.vision.num_positions(), int64_t(17));
    QCOMPARE(c.qformer.cross_attention_frequency, int64_t(2));  // omitted: default
    QCOMPARE(c.qformer.encoder_hidden_size, int64_t(32));
    QCOMPARE(c.qformer.layer_norm_eps, 1e-12);
    QCOMPARE(c.num_query_tokens, int64_t(8));
    QCOMPARE(c.text.dense_act_fn, std::string("gelu_new"));
    QVERIFY(c.text.is_gated_act);
    QVERIFY(!c.text.tie_word_embeddings);
    QCOMPARE(c.text.num_decoder_layers, int64_t(2));
    QCOMPARE(c.text.decoder_start_token_id, int64_t(0));
    const auto p = BlipImageProcessorConfig::load(test::tiny_blip2_dir());
    QCOMPARE(p.height, int64_t(56));
    QCOMPARE(p.resample, 3);
  }

  void preprocessMatchesReference() {
    test::ReferenceCase ref("blip2_preprocess");
    const auto cfg = BlipImageProcessorConfig::load(test::tiny_blip2_dir());
    const auto image = ref.in("image_u8");  // [72, 96, 3] uint8
    const auto resized = pil_resize_u8(image, cfg.height, cfg.width, cfg.resample);
    const auto expected = ref.out("resized_u8");
    const double e_resize = test::max_abs_diff(resized.to(at::kInt), expected.to(at::kInt));
    const auto pixels = blip_preprocess_u8(image, cfg);
    const double e_pixels = test::max_abs_diff(pixels, ref.out("pixel_values"));
    // the same through the float [3, H, W] entry point (values k/255 as read_image gives them)
    const auto from_float = blip_preprocess(image.permute({2, 0, 1}).to(at::kFloat) / 255.0, cfg);
    const double e_float = test::max_abs_diff(from_float, ref.out("pixel_values"));
    qInfo("PIL bicubic resize: max abs diff %.3g (uint8 levels); pixel_values %.3g; from float input %.3g", e_resize,
          e_pixels, e_float);
    PE_VERIFY_LE(e_resize, 0.0);  // PIL's fixed-point integer arithmetic: exact on any CPU
    PE_VERIFY_LE(e_pixels, 1e-6);  // measured 0; one float32 rounding of |x| < 3 is 2.4e-7
    PE_VERIFY_LE(e_float, 1e-6);   // measured 0
  }

  // Upscaling and bilinear: the separable passes and the filter support on the other side.
  void pilResizeProperties() {
    const auto flat = at::full({7, 5, 3}, 77, at::kByte);
    for (int resample : {2, 3}) {
      const auto up = pil_resize_u8(flat, 13, 11, resample);
      QCOMPARE(up.sizes().vec(), (std::vector<int64_t>{13, 11, 3}));
      QVERIFY(up.eq(77).all().item<bool>());  // weights sum to one: constants stay constant
    }
    const auto same = pil_resize_u8(flat, 7, 5, 3);
    QVERIFY(same.equal(flat));
  }

  void modulesMatchReference() {
    c10::InferenceMode guard;
    test::ReferenceCase ref("blip2_modules");
    auto model = load_blip2(test::tiny_blip2_dir());
    const auto pixels = ref.in("pixel_values");
    const auto vision = model->image_features(pixels);
    const auto queries = model->query_outputs(vision);
    const auto projected = model->project(queries);
    const double e_vision = test::max_abs_diff(vision, ref.out("vision_last_hidden_state"));
    const double e_qformer = test::max_abs_diff(queries, ref.out("qformer_last_hidden_state"));
    const double e_proj = test::max_abs_diff(projected, ref.out("language_projection"));
    qInfo("vision %.3g, qformer %.3g, language_projection %.3g (max abs err)", e_vision, e_qformer, e_proj);
    // measured 9.8e-7, 1.4e-6, 1.1e-6 (OpenBLAS Haswell/SkylakeX/generic, 1-2 threads); bounds ~7-10x
    PE_VERIFY_LE(e_vision, 1e-5);
    PE_VERIFY_LE(e_qformer, 1e-5);
    PE_VERIFY_LE(e_proj, 1e-5);
    for (const char* which : {"prompt", "noprompt"}) {
      const auto inputs = model->language_inputs(pixels, ref.in(std::string("input_ids_") + which));
      const auto encoded = model->language_model->encode(inputs.inputs_embeds, inputs.attention_mask);
      const double e_embeds = test::max_abs_diff(inputs.inputs_embeds, ref.out(std::string("inputs_embeds_") + which));
      const double e_enc =
          test::max_abs_diff(encoded, ref.out(std::string("encoder_last_hidden_state_") + which));
      qInfo("%s: inputs_embeds %.3g, T5 encoder last_hidden_state %.3g", which, e_embeds, e_enc);
      PE_VERIFY_LE(e_embeds, 1e-5);  // measured 1.1e-6; bound ~10x
      PE_VERIFY_LE(e_enc, 2e-5);     // measured 2.3e-6
      if (std::string(which) == "prompt")
        QVERIFY(inputs.attention_mask.equal(ref.out("attention_mask_prompt")));
    }
  }

  // T5Attention._relative_position_bucket by hand: 32 buckets, max distance 128.
  // Bidirectional: 16 per direction, 8 exact; larger distances log-spaced:
  // 8 + floor(log(n/8) / log(128/8) * 8), capped at 15; positive offsets add 16.
  // Causal: only non-positive offsets, 32 buckets, 16 exact, 16 + floor(log(n/16)/log(8)*16).
  void relativePositionBuckets() {
    const std::vector<int64_t> rel = {0, 1, 7, 8, 12, 17, 31, 40, 70, 127, 128, 1000, -1, -7, -8, -12, -17, -40, -70, -1000};
    const auto t = at::tensor(rel, at::kLong);
    const auto bi = t5_relative_position_bucket(t, true, 32, 128);
    const std::vector<int64_t> expected_bi = {0, 17, 23, 24, 25, 26, 27, 28, 30, 31, 31, 31, 1, 7, 8, 9, 10, 12, 14, 15};
    const auto causal = t5_relative_position_bucket(t, false, 32, 128);
    // n = max(-rel, 0); n < 16 exact; 17 -> 16 + floor(0.466) = 16; 40 -> 16 + floor(7.05) = 23;
    // 70 -> 16 + floor(11.36) = 27; 1000 -> capped at 31. (Offsets avoid exact bucket boundaries,
    // where float32 rounding decides.) Bidirectional: 17 -> 8 + floor(2.18) + 16 = 26,
    // 31 -> 8 + floor(3.91) + 16 = 27, 40 -> 28, 70 -> 8 + floor(6.26) + 16 = 30, 127 -> 31.
    const std::vector<int64_t> expected_causal = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 7, 8, 12, 16, 23, 27, 31};
    for (size_t i = 0; i < rel.size(); ++i) {
      QCOMPARE(bi[int64_t(i)].item<int64_t>(), expected_bi[i]);
      QCOMPARE(causal[int64_t(i)].item<int64_t>(), expected_causal[i]);
    }
  }

  // The cached step-by-step decoder gives the logits of one causal pass over the sequence.
  void decoderCacheMatchesFullPass() {
    c10::InferenceMode guard;
    test::ReferenceCase ref("blip2_modules");
    auto model = load_blip2(test::tiny_blip2_dir());
    const auto inputs = model->language_inputs(ref.in("pixel_values"), ref.in("input_ids_prompt"));
    auto& t5 = *model->language_model;
    const auto encoded = t5.encode(inputs.inputs_embeds, inputs.attention_mask);
    const auto tokens = at::tensor(std::vector<int64_t>{0, 17, 99, 4, 250, 8}, at::kLong).view({1, 6});
    std::vector<T5LayerCache> full_cache, step_cache;
    const auto full = t5.decode(tokens, encoded, {}, full_cache);  // [1, 6, V]
    std::vector<at::Tensor> steps;
    for (int64_t i = 0; i < 6; ++i) steps.push_back(t5.decode(tokens.narrow(1, i, 1), encoded, {}, step_cache));
    const double err = test::max_abs_diff(at::cat(steps, 1), full);
    qInfo("decoder: cached steps vs one causal pass, max abs diff %.3g", err);
    PE_VERIFY_LE(err, 3e-5);  // measured 2.9e-6 (other matrix shapes: float32 rounding); bound ~10x
  }

  void missingConfigKeyIsReported() {
    test::TempDir dir;
    copy_model(dir / "m", {}, [](nlohmann::json& c) { c["text_config"].erase("d_model"); });
    const auto msg = test::error_of([&] { load_blip2(dir / "m"); });
    qInfo("%s", msg.c_str());
    QVERIFY(contains(msg, "d_model"));
    QVERIFY(contains(msg, (dir / "m" / "config.json").string()));
  }

  void missingTextConfigIsReported() {
    test::TempDir dir;
    copy_model(dir / "m", {}, [](nlohmann::json& c) { c.erase("text_config"); });
    const auto msg = test::error_of([&] { load_blip2(dir / "m"); });
    QVERIFY(contains(msg, "text_config"));
  }

  void unsupportedLanguageModelIsReported() {
    test::TempDir dir;
    copy_model(dir / "m", {}, [](nlohmann::json& c) { c["text_config"]["model_type"] = "llama"; });
    const auto msg = test::error_of([&] { load_blip2(dir / "m"); });
    qInfo("%s", msg.c_str());
    QVERIFY(contains(msg, "'llama'"));
    QVERIFY(contains(msg, "text_config.model_type"));
  }

  void missingTensorIsReported() {
    test::TempDir dir;
    const std::string name = "qformer.encoder.layer.0.crossattention.attention.key.weight";
    copy_model(dir / "m", [&](NamedTensors& t) {
      t.erase(std::remove_if(t.begin(), t.end(), [&](const auto& p) { return p.first == name; }), t.end());
    });
    const auto msg = test::error_of([&] { load_blip2(dir / "m"); });
    QVERIFY(contains(msg, name));
    QVERIFY(contains(msg, "missing"));
  }

  // cross_attention_frequency 1 would give layer 1 a cross-attention the checkpoint lacks.
  void crossAttentionFrequencyDecidesLayers() {
    test::TempDir dir;
    copy_model(dir / "m", {}, [](nlohmann::json& c) { c["qformer_config"]["cross_attention_frequency"] = 1; });
    const auto msg = test::error_of([&] { load_blip2(dir / "m"); });
    QVERIFY(contains(msg, "qformer.encoder.layer.1.crossattention"));
  }

  // LAVIS layout: q_bias / v_bias instead of the fused qkv.bias give the same outputs.
  void separateQvBiasLoads() {
    c10::InferenceMode guard;
    test::TempDir dir;
    copy_model(dir / "m", [](NamedTensors& t) {
      NamedTensors out;
      for (auto& [name, tensor] : t) {
        const auto pos = name.find("self_attn.qkv.bias");
        if (name.rfind("vision_model.", 0) == 0 && pos != std::string::npos) {
          const int64_t D = tensor.size(0) / 3;
          out.emplace_back(name.substr(0, pos) + "self_attn.q_bias", tensor.narrow(0, 0, D).clone());
          out.emplace_back(name.substr(0, pos) + "self_attn.v_bias", tensor.narrow(0, 2 * D, D).clone());
        } else {
          out.emplace_back(name, tensor);
        }
      }
      t = out;
    });
    test::ReferenceCase ref("blip2_modules");
    auto model = load_blip2(dir / "m");
    QVERIFY(model->config().vision.separate_qv_bias);
    const double err = test::max_abs_diff(model->image_features(ref.in("pixel_values")),
                                          ref.out("vision_last_hidden_state"));
    qInfo("q_bias/v_bias layout: vision max abs err %.3g", err);
    PE_VERIFY_LE(err, 1e-5);  // measured 9.8e-7, as modulesMatchReference
  }

  void wrongImageSizeIsRejected() {
    auto model = load_blip2(test::tiny_blip2_dir());
    const auto msg = test::error_of([&] { model->image_features(at::zeros({1, 3, 64, 64})); });
    QVERIFY(contains(msg, "56"));
  }

  // write_tiny_blip2: a folder load_blip2 reads strictly, deterministic for a seed.
  void tinyWriterRoundTrip() {
    c10::InferenceMode guard;
    test::TempDir dir;
    TinyBlip2Options o;
    o.seed = 3;
    const int64_t n = write_tiny_blip2(dir / "a", o);
    write_tiny_blip2(dir / "b", o);
    auto model = load_blip2(dir / "a");
    int64_t loaded = 0;
    for (const auto& p : model->parameters()) loaded += p.numel();
    QCOMPARE(loaded, n);
    const auto processor = BlipImageProcessorConfig::load(dir / "a");
    const auto pixels = blip_preprocess(at::rand({3, 40, 70}), processor);
    GenerationOptions g;
    g.max_new_tokens = 4;
    g.min_new_tokens = 4;
    const auto out = model->generate(pixels, at::ones({1, 1}, at::kLong), g);
    QCOMPARE(out.sequences.sizes().vec(), (std::vector<int64_t>{1, 5}));
    SafetensorsFile fa(dir / "a" / "model.safetensors"), fb(dir / "b" / "model.safetensors");
    QVERIFY(fa.tensor("query_tokens").equal(fb.tensor("query_tokens")));  // the same seed twice: the same draws
  }

  // Sharded checkpoints (model-0000x-of-00002.safetensors + index) in bf16 load to the same
  // model (bf16-rounded weights: compared loosely).
  void shardedBf16WeightsLoad() {
    c10::InferenceMode guard;
    test::TempDir dir;
    copy_model(dir / "m", {});
    fs::remove(dir / "m" / "model.safetensors");
    SafetensorsFile file(test::tiny_blip2_dir() / "model.safetensors");
    NamedTensors shards[2];
    nlohmann::json map = nlohmann::json::object();
    size_t i = 0;
    for (const auto& e : file.entries()) {
      const size_t s = (i++ % 2);
      shards[s].emplace_back(e.name, file.tensor(e.name).to(at::kBFloat16));
      map[e.name] = "model-0000" + std::to_string(s + 1) + "-of-00002.safetensors";
    }
    for (size_t s = 0; s < 2; ++s)
      write_safetensors(dir / "m" / ("model-0000" + std::to_string(s + 1) + "-of-00002.safetensors"), shards[s]);
    std::ofstream(dir / "m" / "model.safetensors.index.json") << nlohmann::json{{"weight_map", map}}.dump();
    test::ReferenceCase ref("blip2_modules");
    auto model = load_blip2(dir / "m");
    QCOMPARE(model->query_tokens.scalar_type(), c10::kFloat);
    const double err = test::max_relative_diff(model->image_features(ref.in("pixel_values")),
                                               ref.out("vision_last_hidden_state"));
    qInfo("sharded bf16 weights: vision max relative err %.3g", err);
    PE_VERIFY_LE(err, 0.05);  // measured 6.7e-3: bf16 weights have 8 significant bits
  }

  void runsInBfloat16() {
    c10::InferenceMode guard;
    test::ReferenceCase ref("blip2_modules");
    auto model = load_blip2(test::tiny_blip2_dir(), c10::kCPU, c10::kBFloat16);
    const auto inputs = model->language_inputs(ref.in("pixel_values"), ref.in("input_ids_prompt"));
    const auto encoded = model->language_model->encode(inputs.inputs_embeds, inputs.attention_mask);
    QCOMPARE(encoded.scalar_type(), c10::kBFloat16);
    const double err = test::max_relative_diff(encoded.to(at::kFloat), ref.out("encoder_last_hidden_state_prompt"));
    qInfo("bf16 T5 encoder output: max relative err %.3g", err);
    PE_VERIFY_LE(err, 0.1);  // measured 0.015: bf16 through the whole encoder
  }
};

PARTEDIT_TEST(TestBlip2Modules);
}  // namespace test_blip2_modules
#include "test_blip2_modules.moc"
