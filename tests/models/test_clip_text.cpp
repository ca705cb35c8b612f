// CLIP text encoders and prompt encoding: the modules on the reference token ids, strict
// loading diagnostics, SDXL encode_prompt with and without a negative prompt, SD 1.x style.
#include <QtTest>

#include <fstream>
#include <functional>

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include "io/json_config.h"
#include "io/safetensors.h"
#include "models/clip/clip_text_model.h"
#include "pipeline/prompt_encoder.h"
#include "text/clip_tokenizer.h"
#include "runtime/error.h"
#include "support/test_support.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_clip_text {

using namespace partedit;
namespace fs = std::filesystem;

namespace {

fs::path te1_dir() { return test::tiny_sdxl_dir() / "text_encoder"; }
fs::path te2_dir() { return test::tiny_sdxl_dir() / "text_encoder_2"; }


// The message of the partedit::Error thrown by `f`, or "" when none is thrown.
std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return {};
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// tiny-sdxl's prompt encoder, force_zeros_for_empty_prompt read from model_index.json.
PromptEncoder sdxl_prompt_encoder(c10::ScalarType dtype = c10::kFloat) {
  const auto dir = test::tiny_sdxl_dir();
  const bool force_zeros = read_json_file(dir / "model_index.json").value("force_zeros_for_empty_prompt", true);
  return PromptEncoder({ClipTokenizer::load(dir / "tokenizer"), ClipTokenizer::load(dir / "tokenizer_2")},
                       {load_clip_text_model(dir / "text_encoder", c10::kCPU, dtype),
                        load_clip_text_model(dir / "text_encoder_2", c10::kCPU, dtype)},
                       /*sdxl_style=*/true, force_zeros);
}

// An SD 1.x-style encoder made of tiny-sdxl's first tokenizer and text encoder.
PromptEncoder sd1_prompt_encoder() {
  const auto dir = test::tiny_sdxl_dir();
  return PromptEncoder({ClipTokenizer::load(dir / "tokenizer")}, {load_clip_text_model(dir / "text_encoder")},
                       /*sdxl_style=*/false, /*force_zeros_for_empty_prompt=*/true);
}

std::vector<std::string> prompts_of(const test::ReferenceCase& ref) {
  return ref.params().at("prompts").get<std::vector<std::string>>();
}

// Compares encode_with_guidance's [uncond..., cond...] batch with a reference encode_prompt case.
void compare_with_reference(const TextConditioning& c, const test::ReferenceCase& ref, const char* label) {
  const int64_t B = ref.out("prompt_embeds").size(0);
  QCOMPARE(c.embeds.size(0), 2 * B);
  const double e_neg = test::max_abs_diff(c.embeds.narrow(0, 0, B), ref.out("negative_prompt_embeds"));
  const double e_pos = test::max_abs_diff(c.embeds.narrow(0, B, B), ref.out("prompt_embeds"));
  const double e_neg_pool = test::max_abs_diff(c.pooled.narrow(0, 0, B), ref.out("negative_pooled_prompt_embeds"));
  const double e_pos_pool = test::max_abs_diff(c.pooled.narrow(0, B, B), ref.out("pooled_prompt_embeds"));
  qInfo("%s: max abs err prompt_embeds %.3g, negative_prompt_embeds %.3g, pooled %.3g, negative pooled %.3g", label,
        e_pos, e_neg, e_pos_pool, e_neg_pool);
  // measured <= 2.2e-6, 1.9e-6, 9.5e-7, 1.2e-6 (|x| < 10; OpenBLAS Haswell/SkylakeX/generic,
  // 1-2 threads); bounds ~10x
  PE_VERIFY_LE(e_pos, 2e-5);
  PE_VERIFY_LE(e_neg, 2e-5);
  PE_VERIFY_LE(e_pos_pool, 1e-5);
  PE_VERIFY_LE(e_neg_pool, 1e-5);
}

// A prompt encoded inside a batch against the same prompt encoded alone: matrix products are
// not bit-reproducible across batch shapes (BLAS kernels block and accumulate differently by
// shape, kernel family and thread count), so the rows agree to float32 rounding only.
// Measured relative difference on an AMD EPYC: <= 3.7e-7 with OpenBLAS's Haswell kernels, 0
// with SkylakeX and generic ones (1 and 2 threads); 1e-5 leaves a margin for other CPUs, while
// another prompt or row differs by > 0.1.
void verify_same_encoding(const at::Tensor& in_batch, const at::Tensor& alone, const char* what) {
  PE_VERIFY_SHAPE(in_batch, alone);
  const double err = test::max_relative_diff(in_batch, alone);
  qInfo("%s: in a batch vs alone, max relative difference %.3g", what, err);
  PE_VERIFY_LE(err, 1e-5);
}

}  // namespace

class TestClipText : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void configReadsBothArchitectures() {
    const auto c1 = CLIPTextConfig::from_json(JsonConfig::load(te1_dir() / "config.json"));
    const auto c2 = CLIPTextConfig::from_json(JsonConfig::load(te2_dir() / "config.json"));
    QVERIFY(!c1.with_projection);
    QVERIFY(c2.with_projection);
    QCOMPARE(c1.hidden_act, std::string("quick_gelu"));
    QCOMPARE(c2.hidden_act, std::string("gelu"));
    QCOMPARE(c1.num_hidden_layers, int64_t(4));
    QCOMPARE(c2.eos_token_id, int64_t(2));
  }

  // Both encoders on the tokenizer fixture's ids of "a photo of a cat in a park" against
  // encode_prompt_cfg's first prompt: penultimate states concatenated, pooled + projection.
  void textModelsMatchReferenceOnFixtureIds() {
    c10::InferenceMode guard;
    test::ReferenceCase tok("tokenizer"), ref("encode_prompt_cfg");
    QCOMPARE(tok.params().at("prompts")[0], ref.params().at("prompts")[0]);
    const auto ids1 = tok.out("input_ids").slice(0, 0, 1);    // [1, 77]
    const auto ids2 = tok.out("input_ids_2").slice(0, 0, 1);  // [1, 77]
    auto te1 = load_clip_text_model(te1_dir());
    auto te2 = load_clip_text_model(te2_dir());
    const auto o1 = te1(ids1), o2 = te2(ids2);
    QCOMPARE(o1.last_hidden_state.sizes().vec(), (std::vector<int64_t>{1, 77, 32}));
    QCOMPARE(o1.pooled.sizes().vec(), (std::vector<int64_t>{1, 32}));
    const auto embeds = at::cat({o1.penultimate_hidden_state, o2.penultimate_hidden_state}, -1);  // [1, 77, 64]
    const double e_embeds = test::max_abs_diff(embeds, ref.out("prompt_embeds").slice(0, 0, 1));
    const double e_pooled = test::max_abs_diff(o2.pooled, ref.out("pooled_prompt_embeds").slice(0, 0, 1));
    qInfo("text model on fixture ids: penultimate concat max abs err %.3g, pooled+projection %.3g", e_embeds,
          e_pooled);
    PE_VERIFY_LE(e_embeds, 2e-5);  // measured <= 1.9e-6 (as compare_with_reference); bound ~10x
    PE_VERIFY_LE(e_pooled, 1e-5);  // measured <= 7.5e-7
  }

  // The non-legacy rule (first position of eos_token_id) selects the same position here:
  // the first <|endoftext|> is also the first largest id.
  void poolingByEosIdMatchesLegacyRule() {
    c10::InferenceMode guard;
    test::TempDir dir;
    test::ReferenceCase tok("tokenizer");
    const int64_t eos = tok.params().at("eos_id").get<int64_t>();
    test::copy_model_folder(te2_dir(), dir / "te2", {}, [&](nlohmann::json& c) { c["eos_token_id"] = eos; });
    const auto ids = tok.out("input_ids_2");  // [10, 77]
    auto legacy = load_clip_text_model(te2_dir());
    auto by_eos = load_clip_text_model(dir / "te2");
    QCOMPARE(by_eos->config().eos_token_id, eos);
    const double err = test::max_abs_diff(legacy(ids).pooled, by_eos(ids).pooled);
    qInfo("pooling by eos id vs legacy argmax: max abs diff %.3g", err);
    PE_VERIFY_LE(err, 0.0);  // the same weights on the same batch: the very same computation
    // Tokenizer 1 pads with <|endoftext|>: argmax and "first eos" both take the first one.
    const auto ids1 = tok.out("input_ids");
    auto te1 = load_clip_text_model(te1_dir());
    const auto out = te1(ids1);
    const auto first_eos = ids1.eq(eos).to(at::kInt).argmax(-1);  // [10]
    const auto expected = out.last_hidden_state.index_select(0, at::arange(10)).gather(
        1, first_eos.view({10, 1, 1}).expand({10, 1, 32}));
    QVERIFY(out.pooled.equal(expected.squeeze(1)));  // rows picked from the same tensor: exact
  }

  void runsInDoublePrecision() {
    c10::InferenceMode guard;
    test::ReferenceCase tok("tokenizer");
    const auto ids = tok.out("input_ids_2").slice(0, 0, 3);
    auto f32 = load_clip_text_model(te2_dir());
    auto f64 = load_clip_text_model(te2_dir(), c10::kCPU, c10::kDouble);
    const auto a = f32(ids), b = f64(ids);
    QCOMPARE(b.last_hidden_state.scalar_type(), c10::kDouble);
    const double err = test::max_abs_diff(a.penultimate_hidden_state, b.penultimate_hidden_state);
    qInfo("float32 vs float64 penultimate: max abs diff %.3g", err);
    PE_VERIFY_LE(err, 2e-5);  // measured 2.1e-6: float32 rounding; bound ~10x
  }

  // transformers before 4.31 saved the position_ids buffer: such a file loads, and the
  // positions are computed, not read, so even a wrong buffer changes nothing.
  void positionIdsInCheckpointAreIgnored() {
    c10::InferenceMode guard;
    test::TempDir dir;
    const std::pair<const char*, at::Tensor> buffers[] = {{"saved", at::arange(77).view({1, 77})},
                                                          {"reversed", at::arange(76, -1, -1).view({1, 77})}};
    const auto ids = test::ReferenceCase("tokenizer").out("input_ids").slice(0, 0, 2);  // [2, 77]
    auto plain = load_clip_text_model(te1_dir());
    const auto expected = plain(ids);
    for (const auto& [name, position_ids] : buffers) {
      test::copy_model_folder(te1_dir(), dir / name, [&](NamedTensors& t) {
        t.emplace_back("text_model.embeddings.position_ids", position_ids);
      });
      CLIPTextModel model{nullptr};
      const auto message = error_of([&] { model = load_clip_text_model(dir / name); });
      QVERIFY2(message.empty(), message.c_str());
      const auto out = model(ids);
      // Read positions would move every row by far more than rounding; the bound leaves room for
      // kernels that round a second model's identical computation differently.
      const double hidden = test::max_abs_diff(out.last_hidden_state, expected.last_hidden_state);
      const double pooled = test::max_abs_diff(out.pooled, expected.pooled);
      qInfo("%s position_ids: max abs diff hidden %.3g, pooled %.3g", name, hidden, pooled);
      PE_VERIFY_LE(hidden, 1e-5);
      PE_VERIFY_LE(pooled, 1e-5);
    }
  }

  void missingTensorIsReported() {
    test::TempDir dir;
    const std::string name = "text_model.encoder.layers.2.mlp.fc1.bias";
    test::copy_model_folder(te1_dir(), dir / "te", [&](NamedTensors& t) {
      t.erase(std::remove_if(t.begin(), t.end(), [&](const auto& p) { return p.first == name; }), t.end());
    });
    const auto msg = error_of([&] { load_clip_text_model(dir / "te"); });
    qInfo("%s", msg.c_str());
    QVERIFY(contains(msg, name));
    QVERIFY(contains(msg, "missing"));
    QVERIFY(contains(msg, (dir / "te" / "model.safetensors").string()));
  }

  void unexpectedTensorIsReported() {
    test::TempDir dir;
    const std::string name = "text_model.encoder.layers.4.mlp.fc1.bias";
    test::copy_model_folder(te2_dir(), dir / "te", [&](NamedTensors& t) { t.emplace_back(name, at::zeros({64})); });
    const auto msg = error_of([&] { load_clip_text_model(dir / "te"); });
    qInfo("%s", msg.c_str());
    QVERIFY(contains(msg, name));
    QVERIFY(contains(msg, "unexpected"));
    QVERIFY(contains(msg, (dir / "te" / "model.safetensors").string()));
  }

  void wrongShapeIsReported() {
    test::TempDir dir;
    const std::string name = "text_projection.weight";
    test::copy_model_folder(te2_dir(), dir / "te", [&](NamedTensors& t) {
      for (auto& p : t)
        if (p.first == name) p.second = at::zeros({16, 32});
    });
    const auto msg = error_of([&] { load_clip_text_model(dir / "te"); });
    qInfo("%s", msg.c_str());
    QVERIFY(contains(msg, name));
    QVERIFY(contains(msg, "[16, 32]"));
    QVERIFY(contains(msg, "[32, 32]"));
    QVERIFY(contains(msg, (dir / "te" / "model.safetensors").string()));
  }

  // A projection-less architecture on text_encoder_2's weights: text_projection is unexpected.
  void architectureDecidesProjection() {
    test::TempDir dir;
    test::copy_model_folder(te2_dir(), dir / "te", {},
                 [](nlohmann::json& c) { c["architectures"] = nlohmann::json::array({"CLIPTextModel"}); });
    const auto msg = error_of([&] { load_clip_text_model(dir / "te"); });
    QVERIFY(contains(msg, "text_projection.weight"));
  }

  void missingConfigKeyIsReported() {
    test::TempDir dir;
    test::copy_model_folder(te1_dir(), dir / "te", {}, [](nlohmann::json& c) { c.erase("hidden_size"); });
    const auto msg = error_of([&] { load_clip_text_model(dir / "te"); });
    qInfo("%s", msg.c_str());
    QVERIFY(contains(msg, "hidden_size"));
    QVERIFY(contains(msg, (dir / "te" / "config.json").string()));
  }

  void unsupportedActivationIsReported() {
    test::TempDir dir;
    test::copy_model_folder(te1_dir(), dir / "te", {}, [](nlohmann::json& c) { c["hidden_act"] = "relu"; });
    const auto msg = error_of([&] { load_clip_text_model(dir / "te"); });
    QVERIFY(contains(msg, "hidden_act"));
    QVERIFY(contains(msg, "relu"));
  }

  // ---- prompt encoding ----

  void encodePromptCfgMatchesReference() {
    test::ReferenceCase ref("encode_prompt_cfg");
    QVERIFY(ref.params().at("negative_prompt").is_null());
    const auto encoder = sdxl_prompt_encoder();
    const auto c = encoder.encode_with_guidance(prompts_of(ref), "");
    QCOMPARE(c.embeds.sizes().vec(), (std::vector<int64_t>{4, 77, 64}));
    QCOMPARE(c.pooled.sizes().vec(), (std::vector<int64_t>{4, 32}));
    QVERIFY(c.embeds.narrow(0, 0, 2).eq(0).all().item<bool>());  // zeros exactly
    QVERIFY(c.pooled.narrow(0, 0, 2).eq(0).all().item<bool>());
    compare_with_reference(c, ref, "encode_prompt_cfg");
  }

  void encodePromptNegativeMatchesReference() {
    test::ReferenceCase ref("encode_prompt_negative");
    const auto encoder = sdxl_prompt_encoder();
    const auto c = encoder.encode_with_guidance(prompts_of(ref), ref.params().at("negative_prompt").get<std::string>());
    compare_with_reference(c, ref, "encode_prompt_negative");
  }

  void encodeWithoutGuidanceIsTheCondHalf() {
    test::ReferenceCase ref("encode_prompt_cfg");
    const auto encoder = sdxl_prompt_encoder();
    const auto c = encoder.encode(prompts_of(ref));
    const double err = test::max_abs_diff(c.embeds, ref.out("prompt_embeds"));
    qInfo("encode (no CFG): max abs err prompt_embeds %.3g", err);
    PE_VERIFY_LE(err, 2e-5);  // measured <= 1.9e-6, as compare_with_reference
    PE_VERIFY_LE(test::max_abs_diff(c.pooled, ref.out("pooled_prompt_embeds")), 1e-5);
    QCOMPARE(encoder.embed_dim(), int64_t(64));
    QCOMPARE(encoder.pooled_dim(), int64_t(32));
  }

  void tokenIdsMatchTokenizerFixture() {
    test::ReferenceCase tok("tokenizer");
    const auto encoder = sdxl_prompt_encoder();
    const auto prompts = tok.params().at("prompts");
    const auto ids1 = tok.out("input_ids"), ids2 = tok.out("input_ids_2");
    for (int64_t p = 0; p < ids1.size(0); ++p) {
      const auto ids = encoder.token_ids(prompts[size_t(p)].get<std::string>());
      QCOMPARE(ids.size(), size_t(2));
      const auto row1 = ids1[p], row2 = ids2[p];
      QVERIFY(std::vector<int64_t>(row1.data_ptr<int64_t>(), row1.data_ptr<int64_t>() + 77) == ids[0]);
      QVERIFY(std::vector<int64_t>(row2.data_ptr<int64_t>(), row2.data_ptr<int64_t>() + 77) == ids[1]);
    }
  }

  void emptyAndOverlongPromptsEncode() {
    const auto encoder = sdxl_prompt_encoder();
    std::string longer;
    for (int i = 0; i < 300; ++i) longer += (i ? " " : "") + std::string(i % 2 ? "cat" : "park");
    for (const auto& prompt : {std::string(), longer}) {
      const auto c = encoder.encode({prompt});
      QCOMPARE(c.embeds.sizes().vec(), (std::vector<int64_t>{1, 77, 64}));
      QCOMPARE(c.pooled.sizes().vec(), (std::vector<int64_t>{1, 32}));
      QVERIFY(c.embeds.isfinite().all().item<bool>());
      const auto g = encoder.encode_with_guidance({prompt}, prompt);
      QCOMPARE(g.embeds.sizes().vec(), (std::vector<int64_t>{2, 77, 64}));
    }
    // Truncation keeps the first 75 tokens: the 300-word prompt equals its first 75 words.
    std::string first75;
    for (int i = 0; i < 75; ++i) first75 += (i ? " " : "") + std::string(i % 2 ? "cat" : "park");
    // the same 77 ids in a batch of one: the very same computation, so bit-exact
    QVERIFY(encoder.encode({longer}).embeds.equal(encoder.encode({first75}).embeds));
  }

  // force_zeros_for_empty_prompt = false: the empty negative is the encoding of "".
  void emptyNegativeWithoutForceZerosEncodesEmptyString() {
    const auto dir = test::tiny_sdxl_dir();
    const PromptEncoder encoder({ClipTokenizer::load(dir / "tokenizer"), ClipTokenizer::load(dir / "tokenizer_2")},
                                {load_clip_text_model(dir / "text_encoder"), load_clip_text_model(dir / "text_encoder_2")},
                                /*sdxl_style=*/true, /*force_zeros_for_empty_prompt=*/false);
    const auto g = encoder.encode_with_guidance({"a photo of a cat in a park", "a dog"}, "");
    const auto empty = encoder.encode({""});
    verify_same_encoding(g.embeds[0], empty.embeds[0], "empty negative embeds");
    verify_same_encoding(g.pooled[1], empty.pooled[0], "empty negative pooled");
    // one encoding of the negative, repeated per prompt: copies, so bit-exact
    QVERIFY(g.embeds[1].equal(g.embeds[0]));
    QVERIFY(g.pooled[1].equal(g.pooled[0]));
    QVERIFY(!g.embeds[0].eq(0).all().item<bool>());
  }

  // SD 1.x/2.x: final-layer-normed last hidden state, no pooled, "" encoded (never zeroed).
  void sd1StyleUsesLastHiddenStateAndEncodesEmptyNegative() {
    c10::InferenceMode guard;
    test::ReferenceCase tok("tokenizer");
    const auto encoder = sd1_prompt_encoder();
    const auto prompt = tok.params().at("prompts")[0].get<std::string>();
    const auto c = encoder.encode({prompt});
    QVERIFY(!c.pooled.defined());
    QCOMPARE(encoder.pooled_dim(), int64_t(0));
    QCOMPARE(c.embeds.sizes().vec(), (std::vector<int64_t>{1, 77, 32}));
    auto te1 = load_clip_text_model(te1_dir());
    // the same ids through the same model in a batch of one: the very same computation
    QVERIFY(c.embeds.equal(te1(tok.out("input_ids").slice(0, 0, 1)).last_hidden_state));
    const auto g = encoder.encode_with_guidance({prompt, prompt}, "");
    QCOMPARE(g.embeds.sizes().vec(), (std::vector<int64_t>{4, 77, 32}));
    QVERIFY(!g.pooled.defined());
    const auto empty = te1(tok.out("input_ids").slice(0, 7, 8)).last_hidden_state;  // prompt 7 is ""
    verify_same_encoding(g.embeds[0], empty[0], "SD 1.x empty negative");
    verify_same_encoding(g.embeds[2], c.embeds[0], "SD 1.x prompt");
    QVERIFY(g.embeds[1].equal(g.embeds[0]));  // the negative's one encoding, repeated: a copy
  }

  void promptEncoderFollowsModelDtype() {
    test::ReferenceCase ref("encode_prompt_cfg");
    const auto c = sdxl_prompt_encoder(c10::kDouble).encode_with_guidance(prompts_of(ref), "");
    QCOMPARE(c.embeds.scalar_type(), c10::kDouble);
    QCOMPARE(c.pooled.scalar_type(), c10::kDouble);
    compare_with_reference(c, ref, "encode_prompt_cfg in float64");
  }

  void promptEncoderRejectsWrongEncoders() {
    const auto dir = test::tiny_sdxl_dir();
    auto tok = ClipTokenizer::load(dir / "tokenizer");
    auto te1 = load_clip_text_model(dir / "text_encoder");
    // SDXL style needs the projection on the last encoder.
    auto msg = error_of([&] { PromptEncoder({tok, tok}, {te1, te1}, true, true); });
    QVERIFY(contains(msg, "CLIPTextModelWithProjection"));
    msg = error_of([&] { PromptEncoder({tok}, {te1, te1}, false, true); });
    QVERIFY(contains(msg, "tokenizers"));
  }

  void overlongInputIsRejected() {
    auto te = load_clip_text_model(te1_dir());
    const auto msg = error_of([&] { te(at::zeros({1, 78}, at::kLong)); });
    QVERIFY(contains(msg, "77"));
  }
};

PARTEDIT_TEST(TestClipText);
}  // namespace test_clip_text
#include "test_clip_text.moc"
