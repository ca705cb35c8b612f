#include "text/byte_level_bpe.h"

#include <fstream>
#include <sstream>

#include "io/json_config.h"
#include "runtime/error.h"
#include "text/unicode.h"

namespace partedit::bpe {
namespace fs = std::filesystem;
using nlohmann::json;

ByteUnicode::ByteUnicode() {
  char32_t next = 256;
  for (int b = 0; b < 256; ++b) {
    const bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE);
    const char32_t c = printable ? char32_t(b) : next++;
    unicode::append_utf8(encoder_[size_t(b)], c);
    decoder_[c] = static_cast<unsigned char>(b);
  }
}

std::string ByteUnicode::map(std::string_view raw) const {
  std::string mapped;
  for (unsigned char b : raw) mapped += encoder_[b];
  return mapped;
}

std::string ByteUnicode::unmap(std::string_view mapped) const {
  std::string bytes;
  for (char32_t c : unicode::decode_utf8(mapped, "token text")) {
    auto b = decoder_.find(c);
    if (b != decoder_.end()) bytes.push_back(char(b->second));
    else unicode::append_utf8(bytes, c);
  }
  return bytes;
}

std::vector<std::string> utf8_symbols(const std::string& word) {
  std::vector<std::string> symbols;
  for (size_t i = 0; i < word.size();) {
    size_t n = 1;
    while (i + n < word.size() && (static_cast<unsigned char>(word[i + n]) & 0xC0) == 0x80) ++n;
    symbols.push_back(word.substr(i, n));
    i += n;
  }
  return symbols;
}

std::vector<std::string> merge_symbols(std::vector<std::string> symbols, const MergeRanks& ranks) {
  while (symbols.size() > 1) {
    int best = -1;
    for (size_t i = 0; i + 1 < symbols.size(); ++i) {
      auto r = ranks.find(symbols[i] + " " + symbols[i + 1]);
      if (r != ranks.end() && (best < 0 || r->second < best)) best = r->second;
    }
    if (best < 0) break;
    std::vector<std::string> merged;
    merged.reserve(symbols.size());
    for (size_t i = 0; i < symbols.size(); ++i) {
      if (i + 1 < symbols.size()) {
        auto r = ranks.find(symbols[i] + " " + symbols[i + 1]);
        if (r != ranks.end() && r->second == best) {
          merged.push_back(symbols[i] + symbols[i + 1]);
          ++i;
          continue;
        }
      }
      merged.push_back(symbols[i]);
    }
    symbols.swap(merged);
  }
  return symbols;
}

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t pos = 0;
  while (true) {
    const size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) {
      lines.push_back(text.substr(pos));
      return lines;
    }
    lines.push_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
}

MergeRanks merge_ranks(const std::vector<std::string_view>& lines, size_t first_line, size_t last_line,
                       const fs::path& path, const std::string& who) {
  auto ascii_space = [](char c) { return c == ' ' || (c >= '\t' && c <= '\r'); };
  MergeRanks ranks;
  for (size_t n = first_line; n < std::min(last_line, lines.size()); ++n) {
    const std::string_view line = lines[n];
    std::vector<std::string_view> parts;
    for (size_t i = 0; i < line.size();) {
      while (i < line.size() && ascii_space(line[i])) ++i;
      size_t j = i;
      while (j < line.size() && !ascii_space(line[j])) ++j;
      if (j > i) parts.push_back(line.substr(i, j - i));
      i = j;
    }
    if (parts.size() == 2) ranks[std::string(parts[0]) + " " + std::string(parts[1])] = int(n - first_line);
  }
  if (ranks.empty()) throw Error(who + ": no merges in " + path.string());
  return ranks;
}

fs::path require_file(const fs::path& folder, const std::string& name, const std::string& who) {
  const fs::path path = folder / name;
  if (!fs::is_regular_file(path)) throw Error(who + ": missing file " + path.string());
  return path;
}

std::string read_text_file(const fs::path& path, const std::string& who) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(who + ": cannot open " + path.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::unordered_map<std::string, int64_t> read_vocab(const fs::path& path, const std::string& who) {
  const json vocab = read_json_file(path);
  if (!vocab.is_object() || vocab.empty())
    throw Error(who + ": expected a non-empty object {token: id} in " + path.string());
  std::unordered_map<std::string, int64_t> out;
  for (const auto& [text, id] : vocab.items()) {
    if (!id.is_number_integer() || id.get<int64_t>() < 0)
      throw Error(who + ": id of '" + text + "' in " + path.string() + " is not a non-negative integer");
    out[text] = id.get<int64_t>();
  }
  return out;
}

bool flag(const json& object, const char* key, bool fallback) {
  const auto it = object.find(key);
  return (it != object.end() && it->is_boolean()) ? it->get<bool>() : fallback;
}

namespace {

// A special-token entry: a plain string or an AddedToken dict ({"content": ..., "lstrip": ...}).
bool parse_token(const json& value, AddedToken& out) {
  if (value.is_string()) {
    out.content = value.get<std::string>();
    return true;
  }
  if (value.is_object() && value.contains("content") && value["content"].is_string()) {
    out.content = value["content"].get<std::string>();
    out.lstrip = flag(value, "lstrip", false);
    out.rstrip = flag(value, "rstrip", false);
    out.single_word = flag(value, "single_word", false);
    return true;
  }
  return false;
}

std::string strip_utf8(const std::string& text, bool left, bool right) {
  const std::u32string u = unicode::decode_utf8(text, "text");
  std::u32string_view v(u);
  while (left && !v.empty() && unicode::is_python_space(v.front())) v.remove_prefix(1);
  while (right && !v.empty() && unicode::is_python_space(v.back())) v.remove_suffix(1);
  return unicode::encode_utf8(v);
}

// added_tokens_decoder of tokenizer_config.json: {"id": {"content": ..., "special": ...}}.
std::unordered_map<std::string, AddedToken> read_added_tokens(const json& config, const fs::path& path,
                                                              const std::string& who) {
  std::unordered_map<std::string, AddedToken> by_content;
  for (const auto& [key, value] : config["added_tokens_decoder"].items()) {
    AddedToken t;
    const bool numeric = !key.empty() && key.find_first_not_of("0123456789") == std::string::npos;
    if (!numeric || !parse_token(value, t))
      throw Error(who + ": malformed added_tokens_decoder entry '" + key + "' in " + path.string());
    t.id = std::stoll(key);
    t.special = flag(value, "special", false);
    by_content[t.content] = t;
  }
  return by_content;
}

}  // namespace

std::vector<Chunk> split_added_tokens(const std::string& text, const std::vector<AddedToken>& added) {
  std::vector<Chunk> chunks;
  std::string pending;
  for (size_t i = 0; i < text.size();) {
    const AddedToken* best = nullptr;
    for (const AddedToken& t : added) {
      if (!t.content.empty() && t.content.size() > (best ? best->content.size() : 0) &&
          text.compare(i, t.content.size(), t.content) == 0)
        best = &t;
    }
    if (best == nullptr) {
      pending.push_back(text[i++]);
      continue;
    }
    if (!pending.empty()) chunks.push_back({std::move(pending), nullptr});
    pending.clear();
    chunks.push_back({best->content, best});
    i += best->content.size();
  }
  if (!pending.empty()) chunks.push_back({std::move(pending), nullptr});
  for (size_t i = 0; i < chunks.size(); ++i) {
    const AddedToken* t = chunks[i].token;
    if (t == nullptr) continue;
    Chunk* left = i > 0 ? &chunks[i - 1] : nullptr;
    Chunk* right = i + 1 < chunks.size() ? &chunks[i + 1] : nullptr;
    if (t->rstrip && right && !right->text.empty()) right->text = strip_utf8(right->text, true, false);
    if (t->lstrip && left && !left->text.empty()) left->text = strip_utf8(left->text, false, true);
    if (t->single_word && left && !left->text.empty() && left->text.back() != ' ') {
      left->text += chunks[i].text;
      chunks[i] = {"", nullptr};
    } else if (t->single_word && right && !right->text.empty() && right->text.front() != ' ') {
      chunks[i] = {chunks[i].text + right->text, nullptr};
      *right = {"", nullptr};
    }
  }
  return chunks;
}

SpecialTokens load_special_tokens(const fs::path& folder, const std::unordered_map<std::string, int64_t>& vocab,
                                  const std::array<const char*, 4>& defaults, const std::string& who) {
  const fs::path config_path = folder / "tokenizer_config.json";
  const fs::path map_path = folder / "special_tokens_map.json";
  const bool has_config = fs::is_regular_file(config_path);
  const bool has_map = fs::is_regular_file(map_path);
  if (!has_config && !has_map)
    throw Error(who + ": missing file " + map_path.string() + " (and " + config_path.string() + ")");
  SpecialTokens out;
  out.config_path = config_path;
  out.config = has_config ? read_json_file(config_path) : json::object();
  const json map = has_map ? read_json_file(map_path) : json::object();
  if (!out.config.is_object()) throw Error(who + ": expected an object in " + config_path.string());
  if (!map.is_object()) throw Error(who + ": expected an object in " + map_path.string());

  // 1. added tokens with fixed ids, 2. the special tokens (ids from there or from the vocab)
  const bool modern = out.config.contains("added_tokens_decoder");
  auto by_content = modern ? read_added_tokens(out.config, config_path, who)
                           : std::unordered_map<std::string, AddedToken>{};
  const json* first = modern ? &out.config : &map;
  const json* second = modern ? nullptr : &out.config;
  auto lookup = [&](const char* key, const char* fallback) {
    AddedToken t;
    if (!(first->contains(key) && parse_token((*first)[key], t)) &&
        !(second && second->contains(key) && parse_token((*second)[key], t)))
      t.content = fallback;
    return t;
  };
  out.specials = {lookup("bos_token", defaults[0]), lookup("eos_token", defaults[1]), lookup("unk_token", defaults[2]),
                  lookup("pad_token", defaults[3])};
  for (const json* src : {first, second}) {
    if (src && src->contains("additional_special_tokens") && (*src)["additional_special_tokens"].is_array()) {
      for (const auto& v : (*src)["additional_special_tokens"]) {
        AddedToken t;
        if (parse_token(v, t)) out.specials.push_back(t);
      }
      break;
    }
  }
  for (AddedToken& t : out.specials) {
    if (t.content.empty()) continue;  // a token the tokenizer does not have (GPT-2's pad)
    if (auto it = by_content.find(t.content); it != by_content.end()) {
      it->second.special = true;
      t.id = it->second.id;
      continue;
    }
    auto v = vocab.find(t.content);
    if (v == vocab.end())
      throw Error(who + ": special token '" + t.content + "' is in neither vocab.json nor added_tokens_decoder (" +
                  folder.string() + ")");
    t.id = v->second;
    t.special = true;
    by_content[t.content] = t;
  }
  for (auto& [content, t] : by_content)
    if (!content.empty()) out.added.push_back(t);
  return out;
}

int64_t model_max_length(const json& config, int64_t fallback, const fs::path& path, const std::string& who) {
  if (!config.contains("model_max_length") || !config["model_max_length"].is_number()) return fallback;
  const double v = config["model_max_length"].get<double>();
  if (v < 2) throw Error(who + ": model_max_length < 2 in " + path.string());
  return v <= 1e6 ? int64_t(v) : fallback;  // transformers writes int(1e30) when unset
}

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (size_t pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size()))
    s.replace(pos, from.size(), to);
}

std::string clean_up_tokenization(std::string text) {
  for (const char* from : {" .", " ?", " !", " ,", " ' ", " n't", " 'm", " 's", " 've", " 're"}) {
    std::string to(from + 1);
    if (to == "' ") to = "'";
    replace_all(text, from, to);
  }
  return text;
}

std::string join_decoded(const std::vector<DecodedToken>& tokens,
                         const std::function<std::string(const std::string&)>& to_text, bool clean_up) {
  std::vector<std::string> parts;
  std::string current;
  bool have_current = false;
  // Before an added token an empty text is dropped; at the end it is kept (as transformers does).
  auto flush = [&](bool last) {
    if (!have_current) return;
    std::string s = to_text(current);
    if (last || !s.empty()) parts.push_back(std::move(s));
    current.clear();
    have_current = false;
  };
  for (const auto& t : tokens) {
    if (t.added) {
      flush(false);
      parts.push_back(*t.text);
    } else {
      current += *t.text;
      have_current = true;
    }
  }
  flush(true);
  std::string text;
  for (size_t i = 0; i < parts.size(); ++i) text += (i ? " " : "") + parts[i];
  return clean_up ? clean_up_tokenization(std::move(text)) : text;
}

}  // namespace partedit::bpe
