// BLIP-2 generation on tiny-blip2-flan-t5: greedy ids and per-step logits against the
// reference (with and without the prompt), the decoded captions, beam search (1 beam is
// greedy; 3 beams against a naive re-implementation that re-runs the decoder on whole
// sequences, with length penalties 1, 0.5 and 2; the reported score is the length-normalised
// log-probability), batching, and the length / repetition options.
#include <QtTest>

#include <optional>

#include <algorithm>
#include <cmath>
#include <map>

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include "models/blip2/blip2_model.h"
#include "runtime/error.h"
#include "support/sanitizer_skip.h"
#include "support/test_support.h"
#include "text/t5_tokenizer.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_blip2_generate {

using namespace partedit;

namespace {

std::vector<int64_t> row(const at::Tensor& ids, int64_t r = 0) {
  const auto c = ids[r].contiguous();
  return std::vector<int64_t>(c.data_ptr<int64_t>(), c.data_ptr<int64_t>() + c.numel());
}

// Log-probabilities of the next token after each prefix `tokens` [N, t] (no cache: the whole
// sequence is decoded again).
at::Tensor next_log_probs(T5ForConditionalGenerationImpl& t5, const at::Tensor& encoded, const at::Tensor& tokens) {
  std::vector<T5LayerCache> cache;
  const auto logits = t5.decode(tokens, encoded.expand({tokens.size(0), -1, -1}), {}, cache);  // [N, t, V]
  return at::log_softmax(logits.select(1, tokens.size(1) - 1), -1);                           // [N, V]
}

struct NaiveBeam {
  std::vector<int64_t> tokens;
  float score;
};

// Beam search written from its definition (transformers' rules: the 2K best continuations
// over all beams, </s> among the top K finishes a hypothesis scored sum/len^lp, done when
// the worst kept hypothesis beats the best open score / current length^lp), no cache, one
// image.
std::pair<std::vector<int64_t>, double> naive_beam_search(T5ForConditionalGenerationImpl& t5, const at::Tensor& encoded,
                                                          int64_t K, int64_t max_new, double length_penalty = 1.0) {
  const auto normalised = [&](double sum, int64_t len) { return sum / std::pow(double(len), length_penalty); };
  const int64_t eos = 1;
  std::vector<NaiveBeam> beams = {{{0}, 0.0f}};
  std::vector<std::pair<double, std::vector<int64_t>>> finished;
  for (int64_t step = 0; step < max_new; ++step) {
    std::vector<std::tuple<float, int64_t, int64_t>> candidates;  // score, beam, token
    for (size_t b = 0; b < beams.size(); ++b) {
      const auto lp = next_log_probs(t5, encoded, at::tensor(beams[b].tokens, at::kLong).unsqueeze(0))[0];
      for (int64_t v = 0; v < lp.size(0); ++v) candidates.emplace_back(beams[b].score + lp[v].item<float>(), b, v);
    }
    std::stable_sort(candidates.begin(), candidates.end(),
                     [](const auto& a, const auto& b) { return std::get<0>(a) > std::get<0>(b); });
    std::vector<NaiveBeam> next;
    const int64_t len = int64_t(beams[0].tokens.size());  // generated_len of a hypothesis ending here
    for (int64_t rank = 0; rank < 2 * K && int64_t(next.size()) < K; ++rank) {
      const auto [score, b, token] = candidates[size_t(rank)];
      if (token == eos) {
        if (rank < K) finished.emplace_back(normalised(score, len), beams[size_t(b)].tokens);
      } else {
        auto tokens = beams[size_t(b)].tokens;
        tokens.push_back(token);
        next.push_back({tokens, score});
      }
    }
    std::sort(finished.begin(), finished.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    if (int64_t(finished.size()) > K) finished.resize(size_t(K));
    beams = next;
    if (int64_t(finished.size()) == K &&
        finished.back().first >= normalised(std::get<0>(candidates[0]), len))
      return {finished.front().second, finished.front().first};  // eos appended by the caller
  }
  for (const auto& b : beams) finished.emplace_back(normalised(b.score, int64_t(b.tokens.size()) - 1), b.tokens);
  std::sort(finished.begin(), finished.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  return {finished.front().second, finished.front().first};
}

}  // namespace

class TestBlip2Generate : public QObject {
  Q_OBJECT
  c10::InferenceMode guard_;
  std::optional<test::ReferenceCase> ref_;
  Blip2ForConditionalGeneration model_{nullptr};

  // A model whose </s> row of lm_head is 0.97 x the row of a frequent token: hypotheses end
  // with </s> early and often, which exercises the finished-hypothesis bookkeeping.
  Blip2ForConditionalGeneration eos_prone_model() {
    // its own copy: the shared model stays unaltered
    auto model = load_blip2(test::tiny_blip2_dir());
    const int64_t frequent = ref_->out("sequences_prompt")[0][6].item<int64_t>();
    auto& head = model->language_model->lm_head->weight;
    head[1].copy_(head[frequent] * 0.97);
    return model;
  }

  // Beam search with `beams` beams against the naive search; the chosen ids go to `chosen`.
  void check_beam_search(Blip2ForConditionalGeneration& model, const char* which, int64_t beams, int64_t max_new,
                         double length_penalty, std::vector<int64_t>& chosen) {
    const auto ids = ref_->in(std::string("input_ids_") + which);
    GenerationOptions o;
    o.max_new_tokens = max_new;
    o.num_beams = beams;
    o.length_penalty = length_penalty;
    const auto out = model->generate(ref_->in("pixel_values"), ids, o);
    const auto inputs = model->language_inputs(ref_->in("pixel_values"), ids);
    const auto encoded = model->language_model->encode(inputs.inputs_embeds, inputs.attention_mask);
    auto [naive, naive_score] = naive_beam_search(*model->language_model, encoded, beams, max_new, length_penalty);
    if (int64_t(naive.size()) < max_new + 1) naive.push_back(1);
    const auto got = row(out.sequences);
    chosen = got;
    // The score recomputed from the chosen sequence alone: the sum of the log-probabilities of
    // its L - 1 generated tokens (</s> included when the hypothesis finished; an open one at
    // max_new_tokens has none) over (L - 1)^lp.
    const int64_t L = out.sequences.size(1);
    std::vector<T5LayerCache> cache;
    const auto logits = model->language_model->decode(out.sequences.narrow(1, 0, L - 1), encoded, {}, cache);
    const auto lp = at::log_softmax(logits, -1)[0].gather(1, out.sequences[0].narrow(0, 1, L - 1).unsqueeze(1));
    const double recomputed = lp.sum().item<double>() / std::pow(double(L - 1), length_penalty);
    qInfo("%s, %lld beams, length penalty %g: %zu tokens, score %.6f (naive %+.2g, recomputed %+.2g)", which,
          (long long)beams, length_penalty, got.size(), out.beam_scores[0], naive_score - out.beam_scores[0],
          recomputed - out.beam_scores[0]);
    QVERIFY2(got == naive, "beam search and the naive search chose different sequences");
    // The three sum the same float32 log-probabilities (|score| < 10); the naive search and the
    // recomputation decode whole sequences without the cache. Measured |difference| <= 1.5e-6;
    // 1e-5 leaves a margin for other BLAS kernels. len * lp instead of len^lp moves these
    // scores by > 0.5.
    PE_VERIFY_LE(std::abs(out.beam_scores[0] - naive_score), 1e-5);
    PE_VERIFY_LE(std::abs(recomputed - out.beam_scores[0]), 1e-5);
  }

 private Q_SLOTS:
  void initTestCase() {
    PARTEDIT_SKIP_IN_ASAN_BUILD("needs the T5 tokenizer");
    ref_.emplace("blip2_generate_greedy");
    model_ = load_blip2(test::tiny_blip2_dir());
  }

  void greedyMatchesReference() {
    const auto tok = T5Tokenizer::load(test::tiny_blip2_dir());
    GenerationOptions options;
    options.max_new_tokens = ref_->params().at("max_new_tokens").get<int64_t>();
    options.keep_step_logits = true;
    for (const char* which : {"prompt", "noprompt"}) {
      const auto out = model_->generate(ref_->in("pixel_values"), ref_->in(std::string("input_ids_") + which), options);
      const auto expected = ref_->out(std::string("sequences_") + which);
      QCOMPARE(out.sequences.sizes().vec(), expected.sizes().vec());
      QVERIFY(out.sequences.equal(expected));
      const double e_logits = test::max_abs_diff(out.step_logits.select(1, 0), ref_->out(std::string("step_logits_") + which));
      const auto caption = tok.decode(row(out.sequences));
      qInfo("%s: ids exact, step logits max abs err %.3g, caption '%s'", which, e_logits, caption.c_str());
      PE_VERIFY_LE(e_logits, 5e-5);  // measured 6.2e-6 (OpenBLAS Haswell/SkylakeX/generic, 1-2 threads); bound ~8x
      QCOMPARE(caption, ref_->params().at(std::string("caption_") + which).get<std::string>());
    }
  }

  void oneBeamIsGreedy() {
    GenerationOptions options;
    options.max_new_tokens = 12;
    options.num_beams = 1;
    const auto out = model_->generate(ref_->in("pixel_values"), ref_->in("input_ids_prompt"), options);
    QVERIFY(out.sequences.equal(ref_->out("sequences_prompt")));  // token ids: integers
  }

  void beamSearchMatchesNaiveSearch() {
    std::vector<int64_t> ids;
    for (const char* which : {"prompt", "noprompt"}) check_beam_search(model_, which, 3, 12, 1.0, ids);
  }

  void beamSearchWithFinishedHypotheses() {
    auto model = eos_prone_model();
    int ended = 0;
    std::vector<int64_t> ids;
    for (const char* which : {"prompt", "noprompt"})
      for (int64_t beams : {2, 3, 4}) {
        check_beam_search(model, which, beams, 20, 1.0, ids);
        if (QTest::currentTestFailed()) return;
        ended += ids.back() == 1;
      }
    QVERIFY(ended > 0);
  }

  // Length penalties other than 1 (score = sum log p / len^lp; lp 2 favours longer
  // hypotheses, 0.5 shorter ones), on both models: the scores and the choices must follow
  // the definition.
  void beamSearchLengthPenalty() {
    auto eos_prone = eos_prone_model();
    std::map<double, std::vector<std::vector<int64_t>>> chosen;
    std::vector<int64_t> ids;
    for (double length_penalty : {0.5, 2.0})
      for (const char* which : {"prompt", "noprompt"}) {
        check_beam_search(model_, which, 3, 12, length_penalty, ids);
        chosen[length_penalty].push_back(ids);
        for (int64_t beams : {2, 4}) {
          check_beam_search(eos_prone, which, beams, 20, length_penalty, ids);
          chosen[length_penalty].push_back(ids);
        }
        if (QTest::currentTestFailed()) return;
      }
    QVERIFY2(chosen[0.5] != chosen[2.0], "the length penalty changed no choice: the test exercises nothing");
  }

  // Two images in one batch give, row by row, the ids of two single runs (greedy and beam).
  void batchedImagesMatchSingleRuns() {
    const auto a = ref_->in("pixel_values");
    const auto b = a.flip(3) * 0.7;
    const auto prompt = ref_->in("input_ids_prompt");
    for (int64_t beams : {1, 3}) {
      GenerationOptions o;
      o.max_new_tokens = 10;
      o.num_beams = beams;
      const auto both = model_->generate(at::cat({a, b}), prompt, o).sequences;
      const auto sa = model_->generate(a, prompt, o).sequences;
      const auto sb = model_->generate(b, prompt, o).sequences;
      auto trim = [](std::vector<int64_t> v) {  // batch rows are padded after </s>
        while (v.size() > 1 && v.back() == 0) v.pop_back();
        return v;
      };
      QVERIFY(trim(row(both, 0)) == trim(row(sa)));
      QVERIFY(trim(row(both, 1)) == trim(row(sb)));
    }
  }

  void lengthOptions() {
    GenerationOptions o;
    o.max_new_tokens = 5;
    const auto short_run = model_->generate(ref_->in("pixel_values"), ref_->in("input_ids_prompt"), o).sequences;
    QCOMPARE(short_run.size(1), int64_t(6));
    QVERIFY(short_run.equal(ref_->out("sequences_prompt").narrow(1, 0, 6)));
    // min_new_tokens forbids </s> before then: </s> logits become -inf, nothing else changes
    o.max_new_tokens = 12;
    o.min_new_tokens = 12;
    o.keep_step_logits = true;
    const auto out = model_->generate(ref_->in("pixel_values"), ref_->in("input_ids_prompt"), o);
    for (int64_t v : row(out.sequences)) QVERIFY(v != 1);
  }

  // no_repeat_ngram_size 2: the greedy reference repeats "suitcases steak"; with the guard
  // no 2-gram occurs twice.
  void noRepeatNgram() {
    GenerationOptions o;
    o.max_new_tokens = 12;
    o.no_repeat_ngram_size = 2;
    for (int64_t beams : {1, 3}) {
      o.num_beams = beams;
      const auto ids = row(model_->generate(ref_->in("pixel_values"), ref_->in("input_ids_prompt"), o).sequences);
      std::map<std::pair<int64_t, int64_t>, int> counts;
      for (size_t i = 0; i + 1 < ids.size(); ++i) QVERIFY((++counts[{ids[i], ids[i + 1]}]) == 1);
    }
    const auto plain = row(ref_->out("sequences_prompt"));
    std::map<std::pair<int64_t, int64_t>, int> counts;
    int repeats = 0;
    for (size_t i = 0; i + 1 < plain.size(); ++i) repeats += ++counts[{plain[i], plain[i + 1]}] > 1;
    QVERIFY(repeats > 0);  // the guard had something to do
  }

  void badOptionsAreRejected() {
    GenerationOptions o;
    o.num_beams = 0;
    QVERIFY(test::error_of([&] { model_->generate(ref_->in("pixel_values"), ref_->in("input_ids_prompt"), o); })
                .find("num_beams") != std::string::npos);
    o = {};
    o.max_new_tokens = 0;
    QVERIFY(test::error_of([&] { model_->generate(ref_->in("pixel_values"), ref_->in("input_ids_prompt"), o); })
                .find("max_new_tokens") != std::string::npos);
  }
};

PARTEDIT_TEST(TestBlip2Generate);
}  // namespace test_blip2_generate
#include "test_blip2_generate.moc"
