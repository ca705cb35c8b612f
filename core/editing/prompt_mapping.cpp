#include "editing/prompt_mapping.h"

#include <ATen/ATen.h>

#include "runtime/error.h"
#include "runtime/text.h"

namespace partedit {
namespace {

size_t utf8_length(const std::string& text) {
  size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80;
  return n;
}

// len(tokenizer.decode([id]).strip("#")) for every token of the unwrapped encoding.
std::vector<size_t> decoded_token_lengths(const ClipTokenizer& tokenizer, const std::vector<int64_t>& ids) {
  std::vector<size_t> lengths;
  for (int64_t id : ids) {
    std::string piece = tokenizer.decode({id});
    const auto first = piece.find_first_not_of('#');
    const auto last = piece.find_last_not_of('#');
    piece = first == std::string::npos ? std::string() : piece.substr(first, last - first + 1);
    lengths.push_back(utf8_length(piece));
  }
  return lengths;
}

std::vector<int64_t> positions_of_words(const ClipTokenizer& tokenizer, const std::string& text,
                                        const std::vector<int64_t>& word_indices) {
  // P2P ptp_utils.get_word_inds: walk tokens, advancing the word pointer when the decoded
  // lengths cover the word.
  std::vector<int64_t> out;
  if (word_indices.empty()) return out;
  const auto words = split_on_spaces(text);
  const auto lengths = decoded_token_lengths(tokenizer, tokenizer.encode_unwrapped(text));
  size_t cur_len = 0, ptr = 0;
  for (size_t i = 0; i < lengths.size() && ptr < words.size(); ++i) {
    cur_len += lengths[i];
    if (std::find(word_indices.begin(), word_indices.end(), static_cast<int64_t>(ptr)) != word_indices.end())
      out.push_back(static_cast<int64_t>(i) + 1);
    if (cur_len >= utf8_length(words[ptr])) {
      ++ptr;
      cur_len = 0;
    }
  }
  return out;
}

}  // namespace

std::vector<int64_t> word_token_positions(const ClipTokenizer& tokenizer, const std::string& text, int64_t word_index) {
  return positions_of_words(tokenizer, text, {word_index});
}

std::vector<std::vector<int64_t>> all_word_token_positions(const ClipTokenizer& tokenizer, const std::string& text) {
  // The walk of positions_of_words, recording every word.
  const auto words = split_on_spaces(text);
  std::vector<std::vector<int64_t>> out(words.size());
  const auto lengths = decoded_token_lengths(tokenizer, tokenizer.encode_unwrapped(text));
  size_t cur_len = 0, ptr = 0;
  for (size_t i = 0; i < lengths.size() && ptr < words.size(); ++i) {
    cur_len += lengths[i];
    out[ptr].push_back(static_cast<int64_t>(i) + 1);
    if (cur_len >= utf8_length(words[ptr])) {
      ++ptr;
      cur_len = 0;
    }
  }
  return out;
}

std::vector<int64_t> word_token_positions(const ClipTokenizer& tokenizer, const std::string& text,
                                          const std::string& word) {
  const auto words = split_on_spaces(text);
  std::vector<int64_t> indices;
  for (size_t i = 0; i < words.size(); ++i)
    if (words[i] == word) indices.push_back(static_cast<int64_t>(i));
  return positions_of_words(tokenizer, text, indices);
}

std::vector<std::string> swapped_words(const std::string& source, const std::string& target) {
  const auto a = split_on_spaces(source), b = split_on_spaces(target);
  std::vector<std::string> out;
  for (size_t i = 0; i < std::min(a.size(), b.size()); ++i)
    if (a[i] != b[i]) out.push_back(b[i]);
  return out;
}

at::Tensor replace_mapper(const ClipTokenizer& tokenizer, const std::string& source, const std::string& target,
                          int64_t max_len) {
  // P2P seq_aligner.get_replacement_mapper_
  const auto words_x = split_on_spaces(source), words_y = split_on_spaces(target);
  if (words_x.size() != words_y.size())
    throw Error("a word-swap edit needs prompts with the same number of words: \"" + source + "\" has " +
                std::to_string(words_x.size()) + ", \"" + target + "\" has " + std::to_string(words_y.size()));
  std::vector<std::vector<int64_t>> inds_source, inds_target;
  for (size_t i = 0; i < words_y.size(); ++i) {
    if (words_x[i] == words_y[i]) continue;
    inds_source.push_back(word_token_positions(tokenizer, source, static_cast<int64_t>(i)));
    inds_target.push_back(word_token_positions(tokenizer, target, static_cast<int64_t>(i)));
    if (inds_source.back().empty() || inds_target.back().empty())
      throw Error("the word \"" + words_y[i] + "\" has no tokens in the prompt");
  }
  auto mapper = at::zeros({max_len, max_len}, at::kFloat);
  auto m = mapper.accessor<float, 2>();
  int64_t i = 0, j = 0;
  size_t current = 0;
  while (i < max_len && j < max_len) {
    if (current < inds_source.size() && inds_source[current][0] == i) {
      const auto& src = inds_source[current];
      const auto& dst = inds_target[current];
      const float ratio = src.size() == dst.size() ? 1.0f : 1.0f / static_cast<float>(dst.size());
      for (size_t k = 0; k < src.size(); ++k) {
        if (src.size() == dst.size()) {
          if (src[k] < max_len && dst[k] < max_len) m[src[k]][dst[k]] = 1.0f;
        } else {
          for (int64_t t : dst)
            if (src[k] < max_len && t < max_len) m[src[k]][t] = ratio;
        }
      }
      ++current;
      i += static_cast<int64_t>(src.size());
      j += static_cast<int64_t>(dst.size());
    } else if (current < inds_source.size()) {
      m[i][j] = 1.0f;
      ++i;
      ++j;
    } else {
      m[j][j] = 1.0f;  // the reference writes the diagonal here, not (i, j)
      ++i;
      ++j;
    }
  }
  return mapper.to(at::kHalf).to(at::kFloat);  // the reference keeps the mapper in float16
}

namespace {

// Needleman–Wunsch alignment of token ids (gap 0, match 1, mismatch -1), ties resolved
// left, then up, then diagonal, as P2P's seq_aligner.global_align. Returns, for each
// target position, the aligned source position or -1.
std::vector<int64_t> align_target_to_source(const std::vector<int64_t>& x, const std::vector<int64_t>& y) {
  const size_t nx = x.size(), ny = y.size();
  std::vector<std::vector<int>> score(nx + 1, std::vector<int>(ny + 1, 0));
  std::vector<std::vector<int>> trace(nx + 1, std::vector<int>(ny + 1, 0));
  for (size_t j = 1; j <= ny; ++j) trace[0][j] = 1;
  for (size_t i = 1; i <= nx; ++i) trace[i][0] = 2;
  trace[0][0] = 4;
  for (size_t i = 1; i <= nx; ++i) {
    for (size_t j = 1; j <= ny; ++j) {
      const int left = score[i][j - 1];
      const int up = score[i - 1][j];
      const int diag = score[i - 1][j - 1] + (x[i - 1] == y[j - 1] ? 1 : -1);
      score[i][j] = std::max({left, up, diag});
      trace[i][j] = score[i][j] == left ? 1 : score[i][j] == up ? 2 : 3;
    }
  }
  std::vector<int64_t> y_to_x(ny, -1);
  size_t i = nx, j = ny;
  while (i > 0 || j > 0) {
    const int t = trace[i][j];
    if (t == 3) {
      --i;
      --j;
      y_to_x[j] = static_cast<int64_t>(i);
    } else if (t == 1) {
      --j;
    } else if (t == 2) {
      --i;
    } else {
      break;
    }
  }
  return y_to_x;
}

}  // namespace

RefineMapping refine_mapper(const ClipTokenizer& tokenizer, const std::string& source, const std::string& target,
                            int64_t max_len) {
  // P2P seq_aligner.get_mapper
  // Truncated like the text encoder's input (the attention only sees max_len tokens).
  auto truncated = [&](std::vector<int64_t> ids) {
    if (static_cast<int64_t>(ids.size()) > max_len) {
      ids.resize(static_cast<size_t>(max_len - 1));
      ids.push_back(tokenizer.eos_id());
    }
    return ids;
  };
  const auto x = truncated(tokenizer.encode(source));
  const auto y = truncated(tokenizer.encode(target));
  const auto y_to_x = align_target_to_source(x, y);
  auto mapper = at::zeros({max_len}, at::kLong);
  auto alphas = at::ones({max_len}, at::kFloat);
  auto m = mapper.accessor<int64_t, 1>();
  auto a = alphas.accessor<float, 1>();
  for (size_t j = 0; j < y_to_x.size(); ++j) {
    m[j] = y_to_x[j];
    a[j] = y_to_x[j] != -1 ? 1.0f : 0.0f;
  }
  for (int64_t j = static_cast<int64_t>(y.size()); j < max_len; ++j) m[j] = j;  // padding maps to itself
  return {mapper, alphas};
}

std::vector<std::string> inserted_words(const ClipTokenizer& tokenizer, const std::string& source,
                                        const std::string& target) {
  const auto mapping = refine_mapper(tokenizer, source, target);
  const auto alphas = mapping.alphas.accessor<float, 1>();
  std::vector<std::string> out;
  const auto words = split_on_spaces(target);
  for (size_t w = 0; w < words.size(); ++w) {
    for (int64_t p : word_token_positions(tokenizer, target, static_cast<int64_t>(w))) {
      if (p < mapping.alphas.size(0) && alphas[p] == 0.0f) {
        out.push_back(words[w]);
        break;
      }
    }
  }
  return out;
}

at::Tensor cross_replace_schedule(const ClipTokenizer& tokenizer, const std::string& target, int64_t steps,
                                  double default_fraction, const std::map<std::string, double>& word_fractions,
                                  int64_t max_len) {
  // P2P get_time_words_attention_alpha / update_alpha_time_word with bounds (0, fraction)
  auto alpha = at::zeros({steps + 1, max_len}, at::kFloat);
  auto set_rows = [&](double fraction, const std::vector<int64_t>& positions) {
    const int64_t end = static_cast<int64_t>(fraction * static_cast<double>(steps + 1));
    for (int64_t t = 0; t <= steps; ++t) {
      const float value = t < end ? 1.0f : 0.0f;
      if (positions.empty())
        alpha[t].fill_(value);
      else
        for (int64_t p : positions)
          if (p < max_len) alpha[t][p] = value;
    }
  };
  set_rows(default_fraction, {});
  for (const auto& [word, fraction] : word_fractions) {
    const auto positions = word_token_positions(tokenizer, target, word);
    if (!positions.empty()) set_rows(fraction, positions);
  }
  return alpha;
}

}  // namespace partedit
