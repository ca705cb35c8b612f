// The OPT decoder module by module against naive float64 re-implementations written from
// transformers' definitions (modeling_opt.py): config defaults, learned positions with the
// offset of 2 under left padding, the causal + padding mask, attention with q scaled by
// head_dim^-0.5, the pre-LN and post-LN blocks with the ReLU MLP, the final layer norm, the
// tied (or untied) lm_head, project_in/out; left padding leaves the real positions' logits
// unchanged; the key/value cache gives the logits of the whole sequence.
#include <QtTest>

#include <cmath>

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include "io/json_config.h"
#include "models/opt/opt_model.h"
#include "runtime/error.h"
#include "support/test_support.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_opt_modules {

using namespace partedit;

namespace {

OPTConfig small_config() {
  OPTConfig c;
  c.vocab_size = 11;
  c.hidden_size = 8;
  c.num_attention_heads = 2;
  c.ffn_dim = 12;
  c.num_hidden_layers = 2;
  c.max_position_embeddings = 10;
  c.word_embed_proj_dim = 8;
  return c;
}

// Every parameter random (norm weights around 1), from a fixed seed.
OPTForCausalLM random_model(const OPTConfig& c, uint64_t seed = 1) {
  OPTForCausalLM m(c);
  at::manual_seed(seed);
  for (auto& p : m->named_parameters()) {
    p.value().normal_(0.0, 0.5);
    if (p.key().find("layer_norm.weight") != std::string::npos) p.value().add_(1.0);
  }
  return m;
}

at::Tensor d(const at::Tensor& t) { return t.to(at::kDouble); }

at::Tensor naive_layer_norm(const at::Tensor& x, const torch::nn::LayerNorm& ln) {  // [L, D] double
  const auto mean = x.mean(-1, true);
  const auto var = (x - mean).pow(2).mean(-1, true);  // biased, as nn.LayerNorm
  auto y = (x - mean) / at::sqrt(var + 1e-5);
  if (ln->weight.defined()) y = y * d(ln->weight) + d(ln->bias);
  return y;
}

at::Tensor naive_linear(const at::Tensor& x, const Linear& l) {
  auto y = at::matmul(x, d(l->weight).t());
  return l->bias.defined() ? y + d(l->bias) : y;
}

// One sequence x [L, D] (double) whose key j is visible to query i when j <= i and mask[j];
// queries with nothing visible (left padding) are left zero and never compared.
at::Tensor naive_attention(const at::Tensor& x, const std::vector<int64_t>& mask, OPTAttentionImpl& a, int64_t heads) {
  const int64_t L = x.size(0), D = x.size(1), hd = D / heads;
  const auto q = naive_linear(x, a.q_proj) / std::sqrt(double(hd));
  const auto k = naive_linear(x, a.k_proj);
  const auto v = naive_linear(x, a.v_proj);
  auto out = at::zeros({L, D}, at::kDouble);
  for (int64_t h = 0; h < heads; ++h)
    for (int64_t i = 0; i < L; ++i) {
      std::vector<double> scores;
      std::vector<int64_t> keys;
      for (int64_t j = 0; j <= i; ++j)
        if (mask[size_t(j)]) {
          keys.push_back(j);
          scores.push_back((q[i].narrow(0, h * hd, hd) * k[j].narrow(0, h * hd, hd)).sum().item<double>());
        }
      if (keys.empty()) continue;
      double top = scores[0], total = 0;
      for (double s : scores) top = std::max(top, s);
      for (double& s : scores) total += (s = std::exp(s - top));
      for (size_t n = 0; n < keys.size(); ++n)
        out[i].narrow(0, h * hd, hd).add_(scores[n] / total * v[keys[n]].narrow(0, h * hd, hd));
    }
  return naive_linear(out, a.out_proj);
}

at::Tensor naive_layer(const at::Tensor& x, const std::vector<int64_t>& mask, OPTDecoderLayerImpl& l,
                       const OPTConfig& c) {
  auto mlp = [&](const at::Tensor& h) { return naive_linear(naive_linear(h, l.fc1).clamp_min(0.0), l.fc2); };  // ReLU
  if (c.do_layer_norm_before) {
    const auto h = x + naive_attention(naive_layer_norm(x, l.self_attn_layer_norm), mask, *l.self_attn,
                                       c.num_attention_heads);
    return h + mlp(naive_layer_norm(h, l.final_layer_norm));
  }
  const auto h = naive_layer_norm(x + naive_attention(x, mask, *l.self_attn, c.num_attention_heads), l.self_attn_layer_norm);
  return naive_layer_norm(h + mlp(h), l.final_layer_norm);
}

// Logits [L, V] (double) of one sequence of input embeddings [L, Dw] with its 0/1 mask.
at::Tensor naive_logits(OPTForCausalLMImpl& m, const OPTConfig& c, const at::Tensor& embeds,
                        const std::vector<int64_t>& mask) {
  auto& dec = *m.model->decoder;
  const int64_t L = embeds.size(0);
  // positions: the count of real tokens so far minus one (-1 on padding), row position + 2
  auto h = d(embeds);
  if (dec.project_in) h = naive_linear(h, dec.project_in);
  int64_t seen = 0;
  for (int64_t j = 0; j < L; ++j) {
    seen += mask[size_t(j)];
    const int64_t position = mask[size_t(j)] ? seen - 1 : -1;
    h[j].add_(d(dec.embed_positions->weight[position + 2]));
  }
  for (const auto& layer : *dec.layers) h = naive_layer(h, mask, *layer->as<OPTDecoderLayerImpl>(), c);
  if (c.do_layer_norm_before && !c.remove_final_layer_norm) h = naive_layer_norm(h, dec.final_layer_norm);
  if (dec.project_out) h = naive_linear(h, dec.project_out);
  const auto head = c.tie_word_embeddings ? dec.embed_tokens->weight : m.lm_head->weight;
  return at::matmul(h, d(head).t());
}

// Compares the model's logits with the naive ones at the real (unmasked) positions.
double logits_error(OPTForCausalLM& m, const OPTConfig& c, const at::Tensor& embeds,
                    const std::vector<std::vector<int64_t>>& masks) {
  std::vector<at::Tensor> rows;
  for (const auto& r : masks) rows.push_back(at::tensor(r, at::kLong));
  const auto logits = m->logits(embeds, at::stack(rows), nullptr);  // [N, L, V]
  double worst = 0;
  for (size_t n = 0; n < masks.size(); ++n) {
    const auto naive = naive_logits(*m, c, embeds[int64_t(n)], masks[n]);
    for (int64_t j = 0; j < embeds.size(1); ++j)
      if (masks[n][size_t(j)]) worst = std::max(worst, test::max_abs_diff(d(logits[int64_t(n)][j]), naive[j]));
  }
  return worst;
}

}  // namespace

class TestOptModules : public QObject {
  Q_OBJECT
  c10::InferenceMode guard_;

 private Q_SLOTS:
  void configDefaults() {
    const JsonConfig cfg(nlohmann::json{{"vocab_size", 50272}, {"hidden_size", 2560}, {"num_hidden_layers", 32},
                          {"ffn_dim", 10240}, {"num_attention_heads", 32}},
                         "config.json (text_config)");
    const auto c = OPTConfig::from_json(cfg);
    QCOMPARE(c.max_position_embeddings, int64_t(2048));
    QCOMPARE(c.word_embed_proj_dim, int64_t(2560));  // absent: hidden_size
    QVERIFY(c.do_layer_norm_before && c.enable_bias && c.layer_norm_elementwise_affine && c.tie_word_embeddings);
    QVERIFY(c.has_final_layer_norm());
    QCOMPARE(c.activation_function, std::string("relu"));
    QCOMPARE(c.pad_token_id, int64_t(1));
    QCOMPARE(c.bos_token_id, int64_t(2));
    QCOMPARE(c.eos_token_id, int64_t(2));
    QCOMPARE(c.head_dim(), int64_t(80));
    auto json = cfg.json();
    json["activation_function"] = "silu";
    const auto msg = test::error_of([&] { OPTConfig::from_json(JsonConfig(json, "c.json")); });
    QVERIFY2(msg.find("activation_function") != std::string::npos && msg.find("silu") != std::string::npos, msg.c_str());
    json = cfg.json();
    json.erase("ffn_dim");
    QVERIFY(test::error_of([&] { OPTConfig::from_json(JsonConfig(json, "c.json")); }).find("ffn_dim") !=
            std::string::npos);
  }

  // cumsum(mask) * mask - 1: padding -1, the first real token 0; `past` keeps the last columns.
  void positionsUnderLeftPadding() {
    const auto mask = at::tensor({1, 1, 1, 1, 0, 0, 1, 1}, at::kLong).view({2, 4});
    QVERIFY(opt_positions(mask, 0).equal(at::tensor({0, 1, 2, 3, -1, -1, 0, 1}, at::kLong).view({2, 4})));
    QVERIFY(opt_positions(mask, 3).equal(at::tensor({3, 1}, at::kLong).view({2, 1})));
  }

  void attentionBiasIsCausalAndPadded() {
    const auto mask = at::tensor({0, 1, 1, 1}, at::kLong).view({1, 4});
    const auto bias = opt_attention_bias(mask, 2, at::kFloat);  // the last 2 of 4 columns query
    QCOMPARE(bias.sizes().vec(), (std::vector<int64_t>{1, 1, 2, 4}));
    const float low = std::numeric_limits<float>::lowest();
    const std::vector<float> expected = {low, 0, 0, low,   // query at column 2: keys 1, 2
                                         low, 0, 0, 0};    // query at column 3: keys 1, 2, 3
    QVERIFY(bias.flatten().equal(at::tensor(expected)));
  }

  void attentionMatchesNaive() {
    const auto c = small_config();
    auto m = random_model(c);
    auto& layer = *m->model->decoder->layers[0]->as<OPTDecoderLayerImpl>();
    const auto x = at::randn({2, 5, 8});
    const std::vector<std::vector<int64_t>> masks = {{1, 1, 1, 1, 1}, {0, 0, 1, 1, 1}};
    const auto mask = at::tensor({1, 1, 1, 1, 1, 0, 0, 1, 1, 1}, at::kLong).view({2, 5});
    const auto out = layer.self_attn(x, opt_attention_bias(mask, 5, at::kFloat), nullptr);
    double err = 0;
    for (int64_t n = 0; n < 2; ++n) {
      const auto naive = naive_attention(d(x[n]), masks[size_t(n)], *layer.self_attn, 2);
      for (int64_t i = 0; i < 5; ++i)
        if (masks[size_t(n)][size_t(i)]) err = std::max(err, test::max_abs_diff(d(out[n][i]), naive[i]));
    }
    qInfo("attention max abs err %.3g", err);
    PE_VERIFY_LE(err, 1e-5);  // float32 against float64 on O(1) values
    // scaling by head_dim^-0.5 matters here: without it the result moves by far more
    const auto unscaled_q = layer.self_attn->q_proj->weight.clone();
    layer.self_attn->q_proj->weight.mul_(std::sqrt(2.0));
    layer.self_attn->q_proj->bias.mul_(std::sqrt(2.0));
    const auto moved = layer.self_attn(x, opt_attention_bias(mask, 5, at::kFloat), nullptr);
    QVERIFY(test::max_abs_diff(moved, out) > 1e-2);
    layer.self_attn->q_proj->weight.copy_(unscaled_q);
    layer.self_attn->q_proj->bias.div_(std::sqrt(2.0));
  }

  void blocksMatchNaive() {
    for (bool pre_norm : {true, false}) {
      auto c = small_config();
      c.do_layer_norm_before = pre_norm;
      auto m = random_model(c, 7);
      auto& layer = *m->model->decoder->layers[1]->as<OPTDecoderLayerImpl>();
      const auto x = at::randn({1, 4, 8});
      const std::vector<int64_t> mask = {1, 1, 1, 1};
      const auto out = layer.forward(x, opt_attention_bias(at::ones({1, 4}, at::kLong), 4, at::kFloat), nullptr);
      const double err = test::max_abs_diff(d(out[0]), naive_layer(d(x[0]), mask, layer, c));
      qInfo("%s block max abs err %.3g", pre_norm ? "pre-LN" : "post-LN", err);
      PE_VERIFY_LE(err, 1e-4);
      // ReLU: fc2(max(fc1 x, 0))
      const auto h = at::randn({3, 8});
      const auto manual = at::matmul((at::matmul(h, layer.fc1->weight.t()) + layer.fc1->bias).clamp_min(0),
                                     layer.fc2->weight.t()) + layer.fc2->bias;
      PE_VERIFY_LE(test::max_abs_diff(layer.mlp(h), manual), 1e-5);
    }
  }

  // The whole model: pre-LN with the final norm and the tied head; post-LN (no final norm,
  // no such parameter); project_in/out with an untied head.
  void logitsMatchNaive() {
    const std::vector<std::vector<int64_t>> masks = {{1, 1, 1, 1, 1, 1}, {0, 0, 1, 1, 1, 1}};
    auto c = small_config();
    auto m = random_model(c, 3);
    QVERIFY(m->named_parameters().contains("model.decoder.final_layer_norm.weight"));
    QVERIFY(!m->named_parameters().contains("lm_head.weight"));  // tied: embed_tokens
    QCOMPARE(m->model->decoder->embed_positions->weight.size(0), int64_t(12));  // max_positions + 2
    const auto embeds = at::randn({2, 6, 8});
    double err = logits_error(m, c, embeds, masks);
    qInfo("pre-LN, tied: logits max abs err %.3g", err);
    PE_VERIFY_LE(err, 1e-4);

    c.do_layer_norm_before = false;
    auto post = random_model(c, 4);
    QVERIFY(!post->named_parameters().contains("model.decoder.final_layer_norm.weight"));
    err = logits_error(post, c, embeds, masks);
    qInfo("post-LN: logits max abs err %.3g", err);
    PE_VERIFY_LE(err, 1e-4);

    c = small_config();
    c.word_embed_proj_dim = 6;
    c.tie_word_embeddings = false;
    c.enable_bias = false;
    auto projected = random_model(c, 5);
    QVERIFY(projected->named_parameters().contains("model.decoder.project_in.weight"));
    QVERIFY(projected->named_parameters().contains("lm_head.weight"));
    QVERIFY(!projected->named_parameters().contains("model.decoder.layers.0.fc1.bias"));
    err = logits_error(projected, c, at::randn({2, 6, 6}), masks);
    qInfo("project_in/out, untied, no biases: logits max abs err %.3g", err);
    PE_VERIFY_LE(err, 1e-4);
  }

  // The position lookup really is row position + 2: shifting the table by one row changes the
  // logits, and rows 0 and 1 are only read for padding.
  void positionOffsetIsTwo() {
    const auto c = small_config();
    auto m = random_model(c, 9);
    const auto embeds = at::randn({1, 4, 8});
    const auto before = m->logits(embeds, {}, nullptr);
    m->model->decoder->embed_positions->weight.narrow(0, 0, 2).normal_();  // rows for padding only
    QVERIFY(m->logits(embeds, {}, nullptr).equal(before));
    m->model->decoder->embed_positions->weight[2].normal_();
    QVERIFY(test::max_abs_diff(m->logits(embeds, {}, nullptr), before) > 1e-3);
  }

  // Left padding gives the real tokens the positions and attention of the unpadded sequence.
  void leftPaddingLeavesRealTokensAlone() {
    const auto c = small_config();
    auto m = random_model(c, 2);
    const auto real = at::randn({1, 4, 8});
    const auto padded = at::cat({at::randn({1, 3, 8}), real}, 1);
    const auto mask = at::tensor({0, 0, 0, 1, 1, 1, 1}, at::kLong).view({1, 7});
    const auto a = m->logits(real, {}, nullptr);
    const auto b = m->logits(padded, mask, nullptr).narrow(1, 3, 4);
    PE_VERIFY_LE(test::max_abs_diff(a, b), 1e-5);
  }

  // Prefix, then one token at a time through the cache == the whole sequence at once (at the
  // real positions).
  void cacheMatchesFullSequence() {
    const auto c = small_config();
    auto m = random_model(c, 6);
    const auto embeds = at::randn({2, 7, 8});
    const auto mask = at::tensor({1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1}, at::kLong).view({2, 7});
    const auto full = m->logits(embeds, mask, nullptr);  // [2, 7, V]
    std::vector<OPTLayerCache> cache;
    std::vector<at::Tensor> steps = {m->logits(embeds.narrow(1, 0, 4), mask.narrow(1, 0, 4), &cache)};
    for (int64_t j = 4; j < 7; ++j) steps.push_back(m->logits(embeds.narrow(1, j, 1), mask.narrow(1, 0, j + 1), &cache));
    QCOMPARE(cache[0].k.size(2), int64_t(7));
    // row 1's padded query sees no key; its (unused) output depends on the keys present
    const auto real = mask.to(at::kBool).unsqueeze(-1);
    const double err = test::max_abs_diff(at::cat(steps, 1).masked_fill(~real, 0), full.masked_fill(~real, 0));
    qInfo("cached vs full logits max abs err %.3g", err);
    PE_VERIFY_LE(err, 1e-5);
  }

  void tooLongSequenceIsReported() {
    const auto c = small_config();
    auto m = random_model(c);
    const auto msg = test::error_of([&] { m->logits(at::randn({1, 11, 8}), {}, nullptr); });
    QVERIFY2(msg.find("max_position_embeddings") != std::string::npos, msg.c_str());
  }
};

PARTEDIT_TEST(TestOptModules);
}  // namespace test_opt_modules
#include "test_opt_modules.moc"
