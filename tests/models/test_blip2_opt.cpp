// BLIP-2 with an OPT language model, on a tiny random OPT-BLIP-2 folder written by
// write_tiny_blip2 (transformers' config semantics, GPT-2 tokenizer files): the folder's keys
// and config, the decoder input (projected queries, then the prompt's embeddings), greedy
// decoding against a naive loop that re-runs the whole sequence, one beam is greedy, beam
// search through the key/value cache against the same search on a cache-free session (length
// penalties, finished hypotheses, two images), and the caption path from the folder.
#include <QtTest>

#include <fstream>
#include <iterator>
#include <memory>

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include "io/json_config.h"
#include "io/safetensors.h"
#include "models/blip2/blip2_model.h"
#include "models/blip2/tiny_blip2.h"
#include "pipeline/captioner.h"
#include "runtime/error.h"
#include "support/test_support.h"
#include "text/gpt2_tokenizer.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_blip2_opt {

using namespace partedit;
namespace fs = std::filesystem;

namespace {

std::vector<int64_t> row(const at::Tensor& ids, int64_t r = 0) {
  const auto c = ids[r].contiguous();
  return std::vector<int64_t>(c.data_ptr<int64_t>(), c.data_ptr<int64_t>() + c.numel());
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// A DecodingSession without a cache: every step runs the decoder on the whole sequence (the
// prefix embeddings, then the embeddings of the tokens chosen so far).
class UncachedSession : public DecodingSession {
 public:
  UncachedSession(OPTForCausalLMImpl& model, const Blip2Inputs& inputs)
      : model_(model), prefix_embeds_(inputs.inputs_embeds), mask_(inputs.attention_mask), prefix_(inputs.input_ids) {
    generated_.assign(size_t(prefix_embeds_.size(0)), {});
  }
  at::Tensor prefix_ids() const override { return prefix_; }
  at::Tensor first_logits() override { return last_logits(); }
  at::Tensor next_logits(const at::Tensor& tokens) override {
    for (size_t r = 0; r < generated_.size(); ++r) generated_[r].push_back(tokens[int64_t(r)].item<int64_t>());
    return last_logits();
  }
  void select_rows(const at::Tensor& rows) override {
    prefix_embeds_ = prefix_embeds_.index_select(0, rows);
    mask_ = mask_.index_select(0, rows);
    prefix_ = prefix_.index_select(0, rows);
    std::vector<std::vector<int64_t>> kept;
    for (int64_t i = 0; i < rows.size(0); ++i) kept.push_back(generated_[size_t(rows[i].item<int64_t>())]);
    generated_ = std::move(kept);
  }

 private:
  at::Tensor last_logits() {
    auto embeds = prefix_embeds_;
    auto mask = mask_;
    if (!generated_[0].empty()) {
      std::vector<at::Tensor> ids;
      for (const auto& g : generated_) ids.push_back(at::tensor(g, at::kLong));
      const auto tokens = at::stack(ids);  // [N, steps]
      embeds = at::cat({embeds, model_.embed_tokens(tokens)}, 1);
      mask = at::cat({mask, at::ones_like(tokens)}, 1);
    }
    const auto logits = model_.logits(embeds, mask, nullptr);  // [N, L, V]
    return logits.select(1, logits.size(1) - 1);
  }
  OPTForCausalLMImpl& model_;
  at::Tensor prefix_embeds_, mask_, prefix_;
  std::vector<std::vector<int64_t>> generated_;
};

}  // namespace

class TestBlip2Opt : public QObject {
  Q_OBJECT
  c10::InferenceMode guard_;
  std::unique_ptr<test::TempDir> tmp_;
  fs::path dir_;
  Blip2ForConditionalGeneration model_{nullptr};
  std::unique_ptr<Gpt2Tokenizer> tok_;
  at::Tensor pixels_;  // [2, 3, 56, 56]

  at::Tensor prompt(const std::string& text) const { return at::tensor(tok_->encode(text), at::kLong).unsqueeze(0); }

  // A copy whose "\n" (eos) embedding row is `factor` x the row of the token greedy decoding
  // picks first: with the tied head, eos becomes (nearly) as likely as that token.
  Blip2ForConditionalGeneration eos_prone_model(double factor) {
    auto model = load_blip2(dir_);
    GenerationOptions o;
    o.max_new_tokens = 1;
    const auto ids = prompt("a photo of");
    const int64_t first = model->generate(pixels_.narrow(0, 0, 1), ids, o).sequences[0][ids.size(1)].item<int64_t>();
    auto& table = model->opt_language_model->model->decoder->embed_tokens->weight;
    table[model->config().opt.eos_token_id].copy_(table[first] * factor);
    return model;
  }

  // Beam search through the cache and on the cache-free session: the same best score per row.
  void check_beams(Blip2ForConditionalGeneration& model, const at::Tensor& pixels, const at::Tensor& ids,
                   const GenerationOptions& o, int& finished) {
    auto& lm = *model->opt_language_model;
    const auto inputs = model->language_inputs(pixels, ids);
    auto cached = lm.start(inputs.inputs_embeds, inputs.attention_mask, inputs.input_ids);
    UncachedSession uncached(lm, inputs);
    const int64_t B = pixels.size(0);
    const auto a = generate_tokens(*cached, B, lm.eos_token_id(), lm.pad_token_id(), o);
    const auto b = generate_tokens(uncached, B, lm.eos_token_id(), lm.pad_token_id(), o);
    // The two paths multiply matrices of other shapes, so their logits differ by rounding and a
    // row may pick another hypothesis where two score the same: what must agree is the score of
    // the best hypothesis of each row, not its tokens (those are only reported).
    QCOMPARE(a.beam_scores.size(), size_t(B));
    for (size_t i = 0; i < a.beam_scores.size(); ++i) PE_VERIFY_LE(std::abs(a.beam_scores[i] - b.beam_scores[i]), 1e-5);
    QCOMPARE(a.sequences.sizes()[0], b.sequences.sizes()[0]);
    for (int64_t r = 0; r < B; ++r)
      if (row(a.sequences, r) != row(b.sequences, r))
        qInfo("row %lld: a tie chosen differently (scores %.7f, %.7f)", static_cast<long long>(r),
              a.beam_scores[size_t(r)], b.beam_scores[size_t(r)]);
    for (int64_t r = 0; r < B; ++r) {
      QVERIFY(a.sequences[r].narrow(0, 0, ids.size(1)).equal(ids[0]));  // the prompt comes first
      for (int64_t v : row(a.sequences, r)) finished += v == lm.eos_token_id();
    }
  }

 private Q_SLOTS:
  void initTestCase() {
    tmp_ = std::make_unique<test::TempDir>();
    dir_ = tmp_->path() / "tiny-blip2-opt";
    TinyBlip2Options o;
    o.text_model = "opt";
    write_tiny_blip2(dir_, o);
    model_ = load_blip2(dir_);
    tok_ = std::make_unique<Gpt2Tokenizer>(Gpt2Tokenizer::load(dir_));
    at::manual_seed(11);
    pixels_ = at::randn({2, 3, 56, 56});
  }

  void folderHasTransformersLayout() {
    const auto& c = model_->config();
    QCOMPARE(c.text_model_type, std::string("opt"));
    QVERIFY(c.decoder_only());
    QCOMPARE(c.opt.eos_token_id, tok_->token_id("\xC4\x8A"));  // "\n", as blip2-opt-2.7b's 50118
    QCOMPARE(c.opt.bos_token_id, int64_t(2));
    QCOMPARE(tok_->token_id("</s>"), int64_t(2));
    QCOMPARE(tok_->token_id("<pad>"), int64_t(1));
    QVERIFY(tok_->vocab_size() <= c.opt.vocab_size);
    // the merges learned from the writer's word list make whole words of frequent ones
    QCOMPARE(tok_->tokenize("a photo of"), (std::vector<std::string>{"a", "\xC4\xA0photo", "\xC4\xA0of"}));
    const SafetensorsFile file(dir_ / "model.safetensors");
    QVERIFY(file.contains("language_model.model.decoder.embed_positions.weight"));
    QCOMPARE(file.entry("language_model.model.decoder.embed_positions.weight").shape,
             (std::vector<int64_t>{64 + 2, 32}));
    for (const char* key : {"language_model.model.decoder.layers.1.self_attn.q_proj.bias",
                            "language_model.model.decoder.layers.0.self_attn_layer_norm.weight",
                            "language_model.model.decoder.layers.0.fc1.weight",
                            "language_model.model.decoder.final_layer_norm.bias", "language_projection.weight"})
      QVERIFY2(file.contains(key), key);
    QVERIFY(!file.contains("language_model.lm_head.weight"));  // tied
    check_blip2_folder(dir_);  // the caption-model chooser accepts it
  }

  // Same options and seed, same files.
  void writerIsDeterministic() {
    test::TempDir tmp;
    TinyBlip2Options o;
    o.text_model = "opt";
    const int64_t n = write_tiny_blip2(tmp / "again", o);
    for (const char* file : {"config.json", "model.safetensors", "vocab.json", "merges.txt", "tokenizer_config.json"}) {
      std::ifstream a(dir_ / file, std::ios::binary), b(tmp / "again" / file, std::ios::binary);
      const std::string sa((std::istreambuf_iterator<char>(a)), {}), sb((std::istreambuf_iterator<char>(b)), {});
      QVERIFY2(!sa.empty() && sa == sb, file);
    }
    int64_t count = 0;
    for (const auto& p : model_->parameters()) count += p.numel();
    QCOMPARE(n, count);
    o.text_model = "gpt";
    QVERIFY(contains(test::error_of([&] { write_tiny_blip2(tmp / "bad", o); }), "text_model"));
  }

  // A checkpoint that does carry the tied lm_head loads too (the key is skipped).
  void tiedHeadKeyIsAccepted() {
    test::TempDir tmp;
    test::copy_model_folder(dir_, tmp / "m", [](NamedTensors& t) {
      for (const auto& [name, value] : t)
        if (name == "language_model.model.decoder.embed_tokens.weight") {
          t.emplace_back("language_model.lm_head.weight", value.clone());
          break;
        }
    });
    auto copy = load_blip2(tmp / "m");
    GenerationOptions o;
    o.max_new_tokens = 6;
    QVERIFY(copy->generate(pixels_, prompt("a photo of"), o).sequences.equal(
        model_->generate(pixels_, prompt("a photo of"), o).sequences));
  }

  // The decoder input: the projected queries, then the prompt's token embeddings, all attended.
  void queriesArePrepended() {
    const auto ids = prompt("a photo of");
    const auto inputs = model_->language_inputs(pixels_, ids);
    const int64_t Q = model_->config().num_query_tokens, T = ids.size(1);
    QCOMPARE(inputs.inputs_embeds.sizes().vec(), (std::vector<int64_t>{2, Q + T, 32}));
    const auto queries = model_->project(model_->query_outputs(model_->image_features(pixels_)));
    QVERIFY(inputs.inputs_embeds.narrow(1, 0, Q).equal(queries));
    QVERIFY(inputs.inputs_embeds.narrow(1, Q, T).equal(model_->language().embed_tokens(ids.expand({2, -1}))));
    QVERIFY(inputs.attention_mask.eq(1).all().item<bool>());
    QCOMPARE(ids[0][0].item<int64_t>(), int64_t(2));  // </s> starts the prompt
  }

  // Greedy decoding against a loop that runs the decoder on the whole sequence at every step.
  void greedyMatchesNaiveLoop() {
    for (const char* text : {"a photo of", ""}) {
      const auto ids = prompt(text);
      GenerationOptions o;
      o.max_new_tokens = 10;
      o.keep_step_logits = true;
      const auto out = model_->generate(pixels_, ids, o);
      auto& lm = *model_->opt_language_model;
      const auto inputs = model_->language_inputs(pixels_, ids);
      for (int64_t r = 0; r < 2; ++r) {
        auto embeds = inputs.inputs_embeds.narrow(0, r, 1);
        std::vector<int64_t> seq = row(ids);
        double err = 0;
        for (int64_t step = 0; step < o.max_new_tokens; ++step) {
          const auto logits = lm.logits(embeds, {}, nullptr).select(1, embeds.size(1) - 1)[0];  // [V]
          err = std::max(err, test::max_abs_diff(logits, out.step_logits[step][r]));
          const int64_t next = logits.argmax().item<int64_t>();
          seq.push_back(next);
          if (next == lm.eos_token_id()) break;
          embeds = at::cat({embeds, lm.embed_tokens(at::tensor({next}, at::kLong).view({1, 1}))}, 1);
        }
        qInfo("'%s' row %lld: %zu ids, step logits max abs err vs cache-free %.3g", text, (long long)r, seq.size(), err);
        QVERIFY(row(out.sequences, r) == seq);
        PE_VERIFY_LE(err, 1e-5);  // the same float32 ops, with and without the cache
      }
      QCOMPARE(out.sequences[0][0].item<int64_t>(), int64_t(2));
    }
  }

  void oneBeamIsGreedy() {
    GenerationOptions o;
    o.max_new_tokens = 10;
    const auto greedy = model_->generate(pixels_, prompt("a photo of"), o).sequences;
    o.num_beams = 1;
    QVERIFY(model_->generate(pixels_, prompt("a photo of"), o).sequences.equal(greedy));
  }

  void beamSearchCachedEqualsCacheFree() {
    int finished = 0;
    for (const char* text : {"a photo of", ""})
      for (int64_t beams : {2, 3, 4})
        for (double lp : {1.0, 0.5, 2.0}) {
          GenerationOptions o;
          o.max_new_tokens = 8;
          o.num_beams = beams;
          o.length_penalty = lp;
          check_beams(model_, pixels_, prompt(text), o, finished);
          if (QTest::currentTestFailed()) return;
        }
    // with hypotheses that end early and often, and the logits processors on
    auto eos_prone = eos_prone_model(0.97);
    int eos_prone_finished = 0;
    for (int64_t beams : {2, 4}) {
      GenerationOptions o;
      o.max_new_tokens = 12;
      o.num_beams = beams;
      o.no_repeat_ngram_size = 2;
      o.repetition_penalty = 1.3;
      check_beams(eos_prone, pixels_, prompt("a photo of"), o, eos_prone_finished);
      if (QTest::currentTestFailed()) return;
    }
    qInfo("sequences ending in eos: %d (plain model), %d (eos-prone)", finished, eos_prone_finished);
    QVERIFY(eos_prone_finished > 0);
  }

  // The caption: the decoded sequence (prompt included, as transformers' generate returns it
  // for OPT), special tokens skipped, surrounding whitespace (OPT's "\n" eos) stripped.
  void captionFromFolder() {
    auto captioner = Blip2CaptionModel::load(dir_, ComputeOptions{});
    const auto image = at::rand({3, 40, 64});
    CaptionRequest request;
    request.prompt = "a photo of";
    request.generation.max_new_tokens = 8;
    const auto text = captioner.caption(image, request).at(0);
    const auto ids = captioner.model()->generate(captioner.preprocess(image), prompt("a photo of"), request.generation);
    const auto decoded = tok_->decode(row(ids.sequences));
    qInfo("caption '%s'", text.c_str());
    QCOMPARE(text, decoded.substr(decoded.find_first_not_of(" \n"), decoded.find_last_not_of(" \n") + 1 -
                                                                        decoded.find_first_not_of(" \n")));
    QVERIFY(text.rfind("a photo of", 0) == 0);
    // the lazy CaptionProvider gives the same text
    Blip2Captioner lazy(dir_, ComputeOptions{}, request);
    CancelToken cancel;
    QCOMPARE(lazy.caption(image, cancel), text);
  }

  // A model whose final hidden state is always 100 x the eos embedding (final layer norm
  // weight 0, bias that row): with the tied head eos wins the first step, so the sequence is
  // the prompt + "\n" and the caption is exactly the prompt's text.
  void eosEndsTheCaption() {
    test::TempDir tmp;
    const int64_t eos = model_->config().opt.eos_token_id;
    test::copy_model_folder(dir_, tmp / "m", [&](NamedTensors& t) {
      at::Tensor table;
      for (auto& [name, value] : t)
        if (name == "language_model.model.decoder.embed_tokens.weight") table = value;
      for (auto& [name, value] : t) {
        if (name == "language_model.model.decoder.final_layer_norm.weight") value = at::zeros_like(value);
        if (name == "language_model.model.decoder.final_layer_norm.bias") value = table[eos] * 100.0;
      }
    });
    auto captioner = Blip2CaptionModel::load(tmp / "m", ComputeOptions{});
    const auto& table = captioner.model()->opt_language_model->model->decoder->embed_tokens->weight;
    QCOMPARE(at::matmul(table, table[eos]).argmax().item<int64_t>(), eos);  // the premise
    CaptionRequest request;
    request.prompt = "a photo of";
    request.generation.max_new_tokens = 8;
    const auto image = at::rand({3, 56, 56});
    const auto ids = prompt("a photo of");
    const auto seq = row(captioner.model()->generate(captioner.preprocess(image), ids, request.generation).sequences);
    auto expected = row(ids);
    expected.push_back(eos);
    QVERIFY(seq == expected);
    QCOMPARE(tok_->decode(seq), std::string("a photo of\n"));
    QCOMPARE(captioner.caption(image, request).at(0), std::string("a photo of"));
    request.prompt = "";
    QCOMPARE(captioner.caption(image, request).at(0), std::string());
  }

  void missingTokenizerFileIsReported() {
    test::TempDir tmp;
    test::copy_model_folder(dir_, tmp / "m", {});
    fs::remove(tmp / "m" / "merges.txt");
    for (const auto& msg : {test::error_of([&] { Blip2CaptionModel::load(tmp / "m", ComputeOptions{}); }),
                            test::error_of([&] { check_blip2_folder(tmp / "m"); })}) {
      qInfo("%s", msg.c_str());
      QVERIFY2(contains(msg, "merges.txt") && contains(msg, "OPT"), msg.c_str());
    }
  }

  // Queries + prompt + new tokens must fit max_position_embeddings (64 here).
  void positionsLimitIsReported() {
    auto captioner = Blip2CaptionModel::load(dir_, ComputeOptions{});
    CaptionRequest request;
    request.generation.max_new_tokens = 60;
    const auto msg = test::error_of([&] { captioner.caption(at::rand({3, 56, 56}), request); });
    QVERIFY2(contains(msg, "max_position_embeddings") && contains(msg, "max_new_tokens"), msg.c_str());
    std::string long_prompt;
    for (int i = 0; i < 60; ++i) long_prompt += " cat";
    QVERIFY(contains(test::error_of([&] { captioner.prompt_ids(long_prompt); }), "max_position_embeddings"));
  }
};

PARTEDIT_TEST(TestBlip2Opt);
}  // namespace test_blip2_opt
#include "test_blip2_opt.moc"
