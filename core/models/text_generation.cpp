#include "models/text_generation.h"

#include <algorithm>
#include <limits>
#include <set>

#include <ATen/ATen.h>

#include "runtime/error.h"

namespace partedit {

namespace {
constexpr float kNegInf = -std::numeric_limits<float>::infinity();
}

void GenerationOptions::validate() const {
  if (max_new_tokens < 1) throw Error("max_new_tokens must be at least 1, got " + std::to_string(max_new_tokens));
  if (min_new_tokens < 0 || min_new_tokens > max_new_tokens)
    throw Error("min_new_tokens must be between 0 and max_new_tokens (" + std::to_string(max_new_tokens) + "), got " +
                std::to_string(min_new_tokens));
  if (num_beams < 1) throw Error("num_beams must be at least 1, got " + std::to_string(num_beams));
  if (no_repeat_ngram_size < 0) throw Error("no_repeat_ngram_size must be >= 0");
  if (!(repetition_penalty > 0)) throw Error("repetition_penalty must be positive");
}

void apply_logits_processors(at::Tensor& scores, const std::vector<std::vector<int64_t>>& sequences,
                             int64_t prefix_length, int64_t eos_token_id, const GenerationOptions& o) {
  const int64_t V = scores.size(1);
  auto rows = scores.accessor<float, 2>();
  // 1. RepetitionPenaltyLogitsProcessor: every token of the sequence (prefix included)
  if (o.repetition_penalty != 1.0) {
    const float p = float(o.repetition_penalty);
    for (size_t r = 0; r < sequences.size(); ++r)
      for (int64_t t : std::set<int64_t>(sequences[r].begin(), sequences[r].end()))
        if (t >= 0 && t < V) rows[r][t] = rows[r][t] < 0 ? rows[r][t] * p : rows[r][t] / p;
  }
  // 2. NoRepeatNGramLogitsProcessor: tokens completing an n-gram already in the sequence
  if (const int64_t n = o.no_repeat_ngram_size; n > 0) {
    for (size_t r = 0; r < sequences.size(); ++r) {
      const auto& s = sequences[r];
      const int64_t len = int64_t(s.size());
      if (len + 1 < n) continue;
      for (int64_t start = 0; start + n <= len; ++start)
        if (std::equal(s.begin() + start, s.begin() + start + n - 1, s.end() - (n - 1)))
          if (s[start + n - 1] < V) rows[r][s[start + n - 1]] = kNegInf;
    }
  }
  // 3. MinNewTokensLengthLogitsProcessor
  for (size_t r = 0; r < sequences.size(); ++r)
    if (int64_t(sequences[r].size()) - prefix_length < o.min_new_tokens && eos_token_id < V) rows[r][eos_token_id] = kNegInf;
}

namespace {

std::vector<std::vector<int64_t>> rows_of(const at::Tensor& ids) {  // [N, L] int64
  const auto c = ids.to(at::kLong).cpu().contiguous();
  std::vector<std::vector<int64_t>> out(size_t(c.size(0)));
  for (int64_t r = 0; r < c.size(0); ++r)
    out[size_t(r)].assign(c.data_ptr<int64_t>() + r * c.size(1), c.data_ptr<int64_t>() + (r + 1) * c.size(1));
  return out;
}

at::Tensor to_tensor(const std::vector<int64_t>& v) { return at::tensor(v, at::kLong); }

// Rows of equal or unequal length into [N, max_len], filled with pad.
at::Tensor pack(const std::vector<std::vector<int64_t>>& rows, int64_t width, int64_t pad) {
  auto out = at::full({int64_t(rows.size()), width}, pad, at::kLong);
  auto a = out.accessor<int64_t, 2>();
  for (size_t r = 0; r < rows.size(); ++r)
    for (size_t i = 0; i < rows[r].size() && int64_t(i) < width; ++i) a[r][i] = rows[r][i];
  return out;
}

// transformers generation/utils.py, _sample with do_sample=False.
GenerationOutput greedy(DecodingSession& session, int64_t eos, int64_t pad, const GenerationOptions& o,
                        const CancelToken* cancel) {
  auto seqs = rows_of(session.prefix_ids());
  const int64_t prefix = int64_t(seqs[0].size());
  std::vector<bool> finished(seqs.size(), false);
  std::vector<at::Tensor> kept;
  at::Tensor logits = session.first_logits();  // [B, V]
  for (int64_t step = 0; step < o.max_new_tokens; ++step) {
    if (cancel) cancel->throw_if_cancelled();
    auto scores = logits.to(at::kFloat).cpu().clone();  // [B, V]
    if (o.keep_step_logits) kept.push_back(scores.clone());
    apply_logits_processors(scores, seqs, prefix, eos, o);
    const auto next = scores.argmax(-1);  // [B]
    auto chosen = next.accessor<int64_t, 1>();
    std::vector<int64_t> tokens(seqs.size());
    for (size_t r = 0; r < seqs.size(); ++r) {
      tokens[r] = finished[r] ? pad : chosen[int64_t(r)];
      seqs[r].push_back(tokens[r]);
      if (tokens[r] == eos) finished[r] = true;
    }
    if (std::all_of(finished.begin(), finished.end(), [](bool f) { return f; }) || step + 1 == o.max_new_tokens) break;
    logits = session.next_logits(to_tensor(tokens));
  }
  GenerationOutput out;
  out.sequences = pack(seqs, int64_t(seqs[0].size()), pad);
  if (o.keep_step_logits) out.step_logits = at::stack(kept);  // [steps, B, V]
  return out;
}

// transformers BeamHypotheses: the num_beams best finished hypotheses of one batch row.
struct BeamHypotheses {
  int64_t num_beams;
  double length_penalty;
  bool early_stopping;
  std::vector<std::pair<double, std::vector<int64_t>>> beams;
  double worst_score = 1e9;

  void add(const std::vector<int64_t>& hyp, double sum_logprobs, int64_t generated_len) {
    const double score = sum_logprobs / std::pow(double(generated_len), length_penalty);
    if (int64_t(beams.size()) < num_beams || score > worst_score) {
      beams.emplace_back(score, hyp);
      if (int64_t(beams.size()) > num_beams) {
        // drop the worst; the new worst is the second worst
        std::vector<std::pair<double, size_t>> sorted;
        for (size_t i = 0; i < beams.size(); ++i) sorted.emplace_back(beams[i].first, i);
        std::sort(sorted.begin(), sorted.end());
        beams.erase(beams.begin() + long(sorted[0].second));
        worst_score = sorted[1].first;
      } else {
        worst_score = std::min(score, worst_score);
      }
    }
  }
  // early_stopping False: done when no open beam can beat the worst kept hypothesis.
  bool is_done(double best_sum_logprobs, int64_t generated_len) const {
    if (int64_t(beams.size()) < num_beams) return false;
    if (early_stopping) return true;
    return worst_score >= best_sum_logprobs / std::pow(double(generated_len), length_penalty);
  }
};

// BeamSearchScorer.finalize: open beams join the hypotheses; the best per batch row, then
// </s> appended if it fits within max_length.
GenerationOutput finalize_beams(std::vector<BeamHypotheses>& hyps, const std::vector<bool>& done,
                                const std::vector<std::vector<int64_t>>& seqs, const at::Tensor& beam_scores, int64_t K,
                                int64_t prefix, int64_t max_length, int64_t eos, int64_t pad) {
  const int64_t B = int64_t(hyps.size());
  auto bs = beam_scores.accessor<float, 1>();
  std::vector<std::vector<int64_t>> best;
  GenerationOutput out;
  for (int64_t b = 0; b < B; ++b) {
    if (!done[size_t(b)])
      for (int64_t k = 0; k < K; ++k)
        hyps[size_t(b)].add(seqs[size_t(b * K + k)], double(bs[b * K + k]), int64_t(seqs[size_t(b * K + k)].size()) - prefix);
    auto sorted = hyps[size_t(b)].beams;
    std::stable_sort(sorted.begin(), sorted.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
    best.push_back(sorted.back().second);
    out.beam_scores.push_back(sorted.back().first);
  }
  size_t longest = 0;
  for (const auto& h : best) longest = std::max(longest, h.size());
  const int64_t width = std::min<int64_t>(int64_t(longest) + 1, max_length);
  for (auto& h : best)
    if (int64_t(h.size()) < width) h.push_back(eos);
  out.sequences = pack(best, width, pad);
  return out;
}

// transformers generation/utils.py _beam_search + BeamSearchScorer.process / finalize.
GenerationOutput beam_search(DecodingSession& session, int64_t B, int64_t eos, int64_t pad, const GenerationOptions& o,
                             const CancelToken* cancel) {
  const int64_t K = o.num_beams;
  // 1. every batch row repeated num_beams times; only the first beam starts alive
  session.select_rows(at::arange(B, at::kLong).repeat_interleave(K));
  auto seqs = rows_of(session.prefix_ids());  // [B*K][L]
  const int64_t prefix = int64_t(seqs[0].size());
  const int64_t max_length = prefix + o.max_new_tokens;
  auto beam_scores = at::zeros({B, K}, at::kFloat);
  beam_scores.narrow(1, 1, K - 1).fill_(-1e9);
  beam_scores = beam_scores.view({-1});  // [B*K]
  std::vector<BeamHypotheses> hyps(size_t(B), BeamHypotheses{K, o.length_penalty, o.early_stopping, {}});
  std::vector<bool> done(size_t(B), false);
  at::Tensor logits = session.first_logits();  // [B*K, V]
  int64_t cur_len = prefix;
  while (true) {
    if (cancel) cancel->throw_if_cancelled();
    // 2. log-probabilities, processors, plus the running beam scores; top 2K over K x V
    auto scores = at::log_softmax(logits.to(at::kFloat).cpu(), -1);  // [B*K, V]
    apply_logits_processors(scores, seqs, prefix, eos, o);
    const int64_t V = scores.size(1);
    scores = (scores + beam_scores.unsqueeze(1)).view({B, K * V});
    const auto [top_scores, top_ids] = at::topk(scores, 2 * K, 1, true, true);  // [B, 2K]
    auto ts = top_scores.accessor<float, 2>();
    auto ti = top_ids.accessor<int64_t, 2>();
    // 3. BeamSearchScorer.process: eos candidates among the top K finish a hypothesis
    auto next_scores = at::zeros({B, K}, at::kFloat);
    auto ns = next_scores.accessor<float, 2>();
    std::vector<int64_t> next_tokens(size_t(B * K), pad), next_rows(size_t(B * K), 0);
    for (int64_t b = 0; b < B; ++b) {
      if (done[size_t(b)]) {
        for (int64_t k = 0; k < K; ++k) next_rows[size_t(b * K + k)] = b * K;
        continue;
      }
      int64_t beam = 0;
      for (int64_t rank = 0; rank < 2 * K && beam < K; ++rank) {
        const int64_t token = ti[b][rank] % V, row = b * K + ti[b][rank] / V;
        if (token == eos) {
          if (rank >= K) continue;
          hyps[size_t(b)].add(seqs[size_t(row)], double(ts[b][rank]), cur_len + 1 - prefix);
        } else {
          ns[b][beam] = ts[b][rank];
          next_tokens[size_t(b * K + beam)] = token;
          next_rows[size_t(b * K + beam)] = row;
          ++beam;
        }
      }
      if (beam < K) throw Error("beam search: fewer than num_beams continuations (num_beams larger than the vocabulary?)");
      done[size_t(b)] = done[size_t(b)] || hyps[size_t(b)].is_done(double(ts[b][0]), cur_len + 1 - prefix);
    }
    // 4. the surviving beams, their caches and tokens
    beam_scores = next_scores.view({-1});
    std::vector<std::vector<int64_t>> reordered;
    for (int64_t i = 0; i < B * K; ++i) {
      reordered.push_back(seqs[size_t(next_rows[size_t(i)])]);
      reordered.back().push_back(next_tokens[size_t(i)]);
    }
    seqs = std::move(reordered);
    session.select_rows(to_tensor(next_rows));
    ++cur_len;
    if (std::all_of(done.begin(), done.end(), [](bool d) { return d; }) || cur_len >= max_length) break;
    logits = session.next_logits(to_tensor(next_tokens));
  }
  return finalize_beams(hyps, done, seqs, beam_scores, K, prefix, max_length, eos, pad);
}

}  // namespace

GenerationOutput generate_tokens(DecodingSession& session, int64_t batch, int64_t eos_token_id, int64_t pad_token_id,
                                 const GenerationOptions& options, const CancelToken* cancel) {
  options.validate();
  if (options.num_beams == 1) return greedy(session, eos_token_id, pad_token_id, options, cancel);
  return beam_search(session, batch, eos_token_id, pad_token_id, options, cancel);
}

}  // namespace partedit
