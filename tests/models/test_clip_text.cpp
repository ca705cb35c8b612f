// CLIP text encoders: the modules on the reference token ids, strict loading diagnostics.
#include <QtTest>

#include <fstream>
#include <functional>

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include "io/json_config.h"
#include "io/safetensors.h"
#include "models/clip/clip_text_model.h"
#include "runtime/error.h"
#include "support/test_support.h"

using namespace partedit;
namespace fs = std::filesystem;

namespace {

fs::path te1_dir() { return test::tiny_sdxl_dir() / "text_encoder"; }
fs::path te2_dir() { return test::tiny_sdxl_dir() / "text_encoder_2"; }

// Copies a text encoder folder into `dest`, letting `edit_weights` / `edit_config` change it.
void copy_encoder(const fs::path& source, const fs::path& dest, const std::function<void(NamedTensors&)>& edit_weights,
                  const std::function<void(nlohmann::json&)>& edit_config = {}) {
  fs::create_directories(dest);
  auto config = read_json_file(source / "config.json");
  if (edit_config) edit_config(config);
  std::ofstream(dest / "config.json") << config.dump(2);
  SafetensorsFile file(source / "model.safetensors");
  NamedTensors tensors;
  for (const auto& e : file.entries()) tensors.emplace_back(e.name, file.tensor(e.name));
  if (edit_weights) edit_weights(tensors);
  write_safetensors(dest / "model.safetensors", tensors);
}

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
    PE_VERIFY_LE(e_embeds, 1e-4);
    PE_VERIFY_LE(e_pooled, 1e-4);
  }

  // The non-legacy rule (first position of eos_token_id) selects the same position here:
  // the first <|endoftext|> is also the first largest id.
  void poolingByEosIdMatchesLegacyRule() {
    c10::InferenceMode guard;
    test::TempDir dir;
    test::ReferenceCase tok("tokenizer");
    const int64_t eos = tok.params().at("eos_id").get<int64_t>();
    copy_encoder(te2_dir(), dir / "te2", {}, [&](nlohmann::json& c) { c["eos_token_id"] = eos; });
    const auto ids = tok.out("input_ids_2");  // [10, 77]
    auto legacy = load_clip_text_model(te2_dir());
    auto by_eos = load_clip_text_model(dir / "te2");
    QCOMPARE(by_eos->config().eos_token_id, eos);
    const double err = test::max_abs_diff(legacy(ids).pooled, by_eos(ids).pooled);
    qInfo("pooling by eos id vs legacy argmax: max abs diff %.3g", err);
    PE_VERIFY_LE(err, 0.0);
    // Tokenizer 1 pads with <|endoftext|>: argmax and "first eos" both take the first one.
    const auto ids1 = tok.out("input_ids");
    auto te1 = load_clip_text_model(te1_dir());
    const auto out = te1(ids1);
    const auto first_eos = ids1.eq(eos).to(at::kInt).argmax(-1);  // [10]
    const auto expected = out.last_hidden_state.index_select(0, at::arange(10)).gather(
        1, first_eos.view({10, 1, 1}).expand({10, 1, 32}));
    QVERIFY(out.pooled.equal(expected.squeeze(1)));
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
    PE_VERIFY_LE(err, 1e-4);
  }

  void positionIdsInCheckpointAreIgnored() {
    test::TempDir dir;
    copy_encoder(te1_dir(), dir / "te", [](NamedTensors& t) {
      t.emplace_back("text_model.embeddings.position_ids", at::arange(77).view({1, 77}));
    });
    load_clip_text_model(dir / "te");
  }

  void missingTensorIsReported() {
    test::TempDir dir;
    const std::string name = "text_model.encoder.layers.2.mlp.fc1.bias";
    copy_encoder(te1_dir(), dir / "te", [&](NamedTensors& t) {
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
    copy_encoder(te2_dir(), dir / "te", [&](NamedTensors& t) { t.emplace_back(name, at::zeros({64})); });
    const auto msg = error_of([&] { load_clip_text_model(dir / "te"); });
    qInfo("%s", msg.c_str());
    QVERIFY(contains(msg, name));
    QVERIFY(contains(msg, "unexpected"));
    QVERIFY(contains(msg, (dir / "te" / "model.safetensors").string()));
  }

  void wrongShapeIsReported() {
    test::TempDir dir;
    const std::string name = "text_projection.weight";
    copy_encoder(te2_dir(), dir / "te", [&](NamedTensors& t) {
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
    copy_encoder(te2_dir(), dir / "te", {},
                 [](nlohmann::json& c) { c["architectures"] = nlohmann::json::array({"CLIPTextModel"}); });
    const auto msg = error_of([&] { load_clip_text_model(dir / "te"); });
    QVERIFY(contains(msg, "text_projection.weight"));
  }

  void missingConfigKeyIsReported() {
    test::TempDir dir;
    copy_encoder(te1_dir(), dir / "te", {}, [](nlohmann::json& c) { c.erase("hidden_size"); });
    const auto msg = error_of([&] { load_clip_text_model(dir / "te"); });
    qInfo("%s", msg.c_str());
    QVERIFY(contains(msg, "hidden_size"));
    QVERIFY(contains(msg, (dir / "te" / "config.json").string()));
  }

  void unsupportedActivationIsReported() {
    test::TempDir dir;
    copy_encoder(te1_dir(), dir / "te", {}, [](nlohmann::json& c) { c["hidden_act"] = "relu"; });
    const auto msg = error_of([&] { load_clip_text_model(dir / "te"); });
    QVERIFY(contains(msg, "hidden_act"));
    QVERIFY(contains(msg, "relu"));
  }

  void overlongInputIsRejected() {
    auto te = load_clip_text_model(te1_dir());
    const auto msg = error_of([&] { te(at::zeros({1, 78}, at::kLong)); });
    QVERIFY(contains(msg, "77"));
  }
};

QTEST_APPLESS_MAIN(TestClipText)
#include "test_clip_text.moc"
