#include "text/t5_tokenizer.h"

#include <dlfcn.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <mutex>

#include "io/json_config.h"
#include "runtime/error.h"
#include "partedit_build_info.h"
#include "text/sentencepiece_abi.h"
#include "runtime/executable_dir.h"

namespace partedit {
namespace fs = std::filesystem;

namespace {

// ---- the module: found and loaded once per process, never unloaded ----

struct SentencePieceLibrary {
  const PeSpmApi* api = nullptr;
  fs::path path;
  std::string error;  // why loading failed (api == nullptr)
};

std::vector<fs::path> module_candidates() {
  std::vector<fs::path> candidates;
  if (const char* env = std::getenv("PARTEDIT_SENTENCEPIECE_MODULE"); env && *env) candidates.emplace_back(env);
  const std::string name = "partedit_sentencepiece.so";
  if (const auto dir = current_executable_dir(); !dir.empty()) {
    candidates.push_back(dir / name);
    candidates.push_back(dir / ".." / "lib" / "partedit" / name);
  }
#ifdef PARTEDIT_SPM_MODULE_PATH
  candidates.emplace_back(PARTEDIT_SPM_MODULE_PATH);  // the build tree's copy
#endif
  return candidates;
}

SentencePieceLibrary open_library() {
  SentencePieceLibrary lib;
#ifdef __SANITIZE_ADDRESS__
  // AddressSanitizer ends the process on a dlopen with RTLD_DEEPBIND, which the module needs
  // (below): a sanitizer build (-DPARTEDIT_SANITIZE=address) has no T5 tokenizer.
  lib.error = "the sentencepiece module cannot be loaded in a build with AddressSanitizer (it needs RTLD_DEEPBIND); "
              "T5 tokenizers work in a normal build";
  return lib;
#endif
  std::string searched;
  for (const auto& candidate : module_candidates()) {
    searched += "\n  " + candidate.string();
    std::error_code ec;
    if (!fs::is_regular_file(candidate, ec)) continue;
    // RTLD_DEEPBIND: the module and libsentencepiece resolve their own (protobuf) symbols
    // before the process's LibTorch ones; RTLD_LOCAL keeps theirs out of the global scope.
    void* handle = ::dlopen(candidate.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
    if (!handle) {
      const char* why = ::dlerror();
      lib.error = "cannot load the sentencepiece module " + candidate.string() + ": " + (why ? why : "unknown error");
      return lib;
    }
    auto entry = reinterpret_cast<PeSpmEntry>(::dlsym(handle, PARTEDIT_SPM_ENTRY));
    const PeSpmApi* api = entry ? entry() : nullptr;
    if (!api || api->abi_version != PARTEDIT_SPM_ABI_VERSION) {
      lib.error = "the sentencepiece module " + candidate.string() + " has no compatible " PARTEDIT_SPM_ENTRY;
      return lib;
    }
    lib.api = api;
    lib.path = candidate;
    return lib;
  }
  lib.error = "the sentencepiece module (partedit_sentencepiece.so) was not found; searched:" + searched +
              "\n(set PARTEDIT_SENTENCEPIECE_MODULE to its path)";
  return lib;
}

const SentencePieceLibrary& library() {
  static const SentencePieceLibrary lib = open_library();
  if (!lib.api) throw Error(lib.error);
  return lib;
}

void append_text(void* context, const char* data, size_t size) { static_cast<std::string*>(context)->append(data, size); }

// ---- added tokens and text helpers ----

struct T5AddedToken {
  std::string content;
  int64_t id = 0;
  bool lstrip = false, rstrip = false, special = true;
};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

std::string strip_left(const std::string& s) {
  size_t i = 0;
  while (i < s.size() && is_space(s[i])) ++i;
  return s.substr(i);
}

std::string strip_right(const std::string& s) {
  size_t n = s.size();
  while (n > 0 && is_space(s[n - 1])) --n;
  return s.substr(0, n);
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (size_t pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size()))
    s.replace(pos, from.size(), to);
  return s;
}

// transformers PreTrainedTokenizerBase.clean_up_tokenization.
std::string clean_up_tokenization(std::string s) {
  for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
           {" .", "."}, {" ?", "?"}, {" !", "!"}, {" ,", ","}, {" ' ", "'"}, {" n't", "n't"},
           {" 'm", "'m"}, {" 's", "'s"}, {" 've", "'ve"}, {" 're", "'re"}})
    s = replace_all(std::move(s), from, to);
  return s;
}

std::string token_content(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_object() && value.contains("content")) return value.at("content").get<std::string>();
  return {};
}

}  // namespace

struct T5Tokenizer::Data {
  std::shared_ptr<void> model;  // released through the module
  const PeSpmApi* api = nullptr;
  int64_t pieces = 0;
  std::vector<T5AddedToken> added;         // longest content first (for splitting)
  std::map<int64_t, size_t> added_by_id;  // id -> index in `added`
  int64_t eos = 1, pad = 0, unk = 2, vocab = 0, max_length = 512;
  std::string folder;
};

fs::path sentencepiece_module_path() { return library().path; }

namespace {

// Special and added tokens: tokenizer_config.json's added_tokens_decoder, or (older folders)
// special_tokens_map.json with `extra_ids` sentinels as T5Tokenizer creates them.
void read_added_tokens(T5Tokenizer::Data& d, const fs::path& folder) {
  nlohmann::json config = nlohmann::json::object(), special_map = nlohmann::json::object();
  if (fs::exists(folder / "tokenizer_config.json")) config = read_json_file(folder / "tokenizer_config.json");
  if (fs::exists(folder / "special_tokens_map.json")) special_map = read_json_file(folder / "special_tokens_map.json");
  if (config.contains("model_max_length") && config["model_max_length"].is_number())
    d.max_length = std::min<double>(config["model_max_length"].get<double>(), 1e9);
  auto piece_id = [&](const std::string& piece) {
    return int64_t(d.api->piece_to_id(d.model.get(), piece.data(), piece.size()));
  };
  auto named = [&](const char* key, const std::string& fallback) {
    std::string content = config.contains(key) ? token_content(config[key]) : "";
    if (content.empty() && special_map.contains(key)) content = token_content(special_map[key]);
    return content.empty() ? fallback : content;
  };
  if (config.contains("added_tokens_decoder") && config["added_tokens_decoder"].is_object()) {
    for (const auto& [id, t] : config["added_tokens_decoder"].items())
      d.added.push_back({t.at("content").get<std::string>(), std::stoll(id), t.value("lstrip", false),
                         t.value("rstrip", false), t.value("special", true)});
  } else {
    for (const auto& name : {named("pad_token", "<pad>"), named("eos_token", "</s>"), named("unk_token", "<unk>")})
      d.added.push_back({name, piece_id(name), false, false, true});
    const int64_t extra = config.value("extra_ids", int64_t(100));
    for (int64_t i = 0; i < extra; ++i)
      d.added.push_back({"<extra_id_" + std::to_string(i) + ">", d.pieces + extra - 1 - i, true, true, true});
  }
  d.eos = piece_id(named("eos_token", "</s>"));
  d.pad = piece_id(named("pad_token", "<pad>"));
  d.unk = piece_id(named("unk_token", "<unk>"));
  for (const auto& t : d.added) {
    if (t.content == named("eos_token", "</s>")) d.eos = t.id;
    if (t.content == named("pad_token", "<pad>")) d.pad = t.id;
    if (t.content == named("unk_token", "<unk>")) d.unk = t.id;
  }
  std::stable_sort(d.added.begin(), d.added.end(),
                   [](const T5AddedToken& a, const T5AddedToken& b) { return a.content.size() > b.content.size(); });
  d.vocab = d.pieces;
  for (size_t i = 0; i < d.added.size(); ++i) {
    d.added_by_id[d.added[i].id] = i;
    d.vocab = std::max(d.vocab, d.added[i].id + 1);
  }
}

}  // namespace

T5Tokenizer T5Tokenizer::load(const fs::path& folder) {
  const fs::path model_file = folder / "spiece.model";
  if (!fs::is_regular_file(model_file))
    throw Error("T5 tokenizer: " + model_file.string() + " does not exist (the sentencepiece model of the tokenizer)");
  const auto& lib = library();
  auto data = std::make_shared<Data>();
  data->api = lib.api;
  data->folder = folder.string();
  std::string error;
  void* model = lib.api->load(model_file.c_str(), append_text, &error);
  if (!model) throw Error("T5 tokenizer: cannot read " + model_file.string() + ": " + error);
  const PeSpmApi* api = lib.api;
  data->model = std::shared_ptr<void>(model, [api](void* m) { api->release(m); });
  data->pieces = api->piece_size(model);
  read_added_tokens(*data, folder);
  return T5Tokenizer(std::move(data));
}

std::vector<int64_t> T5Tokenizer::sentencepiece_encode(const std::string& text) const {
  struct Context {
    std::vector<int64_t> ids;
    std::string error;
  } context;
  const int rc = data_->api->encode(
      data_->model.get(), text.data(), text.size(),
      [](void* c, int id) { static_cast<Context*>(c)->ids.push_back(id); }, &context,
      [](void* c, const char* s, size_t n) { static_cast<Context*>(c)->error.append(s, n); });
  if (rc != 0) throw Error("T5 tokenizer (" + data_->folder + "): sentencepiece cannot encode the text: " + context.error);
  return context.ids;
}

std::vector<std::string> T5Tokenizer::tokenize(const std::string& text) const {
  std::vector<std::string> out;
  for (int64_t id : encode_unwrapped(text)) out.push_back(token(id));
  return out;
}

std::vector<int64_t> T5Tokenizer::encode(const std::string& text) const {
  // </s> appended unless already last (T5Tokenizer._add_eos_if_not_present)
  auto ids = encode_unwrapped(text);
  if (ids.empty() || ids.back() != data_->eos) ids.push_back(data_->eos);
  return ids;
}

std::vector<int64_t> T5Tokenizer::encode_unwrapped(const std::string& text) const {
  // 1. split out added tokens, leftmost and longest first (PreTrainedTokenizer.tokenize's trie)
  struct Segment {
    std::string text;
    const T5AddedToken* token = nullptr;
  };
  std::vector<Segment> segments(1);
  for (size_t i = 0; i < text.size();) {
    const T5AddedToken* match = nullptr;
    for (const auto& t : data_->added)
      if (!t.content.empty() && text.compare(i, t.content.size(), t.content) == 0) {
        match = &t;  // sorted longest first
        break;
      }
    if (!match) {
      segments.back().text += text[i++];
      continue;
    }
    segments.push_back({match->content, match});
    segments.emplace_back();
    i += match->content.size();
  }
  // 2. whitespace next to added tokens with lstrip / rstrip
  for (size_t i = 0; i < segments.size(); ++i) {
    const T5AddedToken* t = segments[i].token;
    if (!t) continue;
    if (t->rstrip && i + 1 < segments.size()) segments[i + 1].text = strip_left(segments[i + 1].text);
    if (t->lstrip && i > 0) segments[i - 1].text = strip_right(segments[i - 1].text);
  }
  // 3. sentencepiece on the rest
  std::vector<int64_t> ids;
  for (const auto& s : segments) {
    if (s.token) {
      ids.push_back(s.token->id);
    } else if (!s.text.empty()) {
      const auto piece_ids = sentencepiece_encode(s.text);
      ids.insert(ids.end(), piece_ids.begin(), piece_ids.end());
    }
  }
  return ids;
}

std::string T5Tokenizer::decode(const std::vector<int64_t>& ids) const {
  // PreTrainedTokenizer._decode: special ids dropped; runs of sentencepiece ids decoded
  // together (convert_tokens_to_string, stripped); non-special added tokens kept as text;
  // the parts joined by spaces, then clean_up_tokenization.
  std::vector<std::string> parts;
  std::vector<int> run;
  auto flush = [&] {
    if (run.empty()) return;
    struct Context {
      std::string text, error;
    } c;
    const int rc = data_->api->decode(
        data_->model.get(), run.data(), run.size(),
        [](void* p, const char* s, size_t n) { static_cast<Context*>(p)->text.append(s, n); }, &c,
        [](void* p, const char* s, size_t n) { static_cast<Context*>(p)->error.append(s, n); });
    if (rc != 0) throw Error("T5 tokenizer (" + data_->folder + "): sentencepiece cannot decode the ids: " + c.error);
    const std::string text = strip_right(strip_left(c.text));
    if (!text.empty()) parts.push_back(text);
    run.clear();
  };
  for (int64_t id : ids) {
    if (is_special(id)) continue;
    if (const auto it = data_->added_by_id.find(id); it != data_->added_by_id.end()) {
      flush();
      parts.push_back(data_->added[it->second].content);
    } else if (id >= 0 && id < data_->pieces) {
      run.push_back(int(id));
    }  // ids beyond the vocabulary decode to nothing, as in the fast tokenizer
  }
  flush();
  std::string text;
  for (size_t i = 0; i < parts.size(); ++i) text += (i ? " " : "") + parts[i];
  return clean_up_tokenization(text);
}

int64_t T5Tokenizer::eos_id() const { return data_->eos; }
int64_t T5Tokenizer::pad_id() const { return data_->pad; }
int64_t T5Tokenizer::unk_id() const { return data_->unk; }
int64_t T5Tokenizer::piece_count() const { return data_->pieces; }
int64_t T5Tokenizer::vocab_size() const { return data_->vocab; }
int64_t T5Tokenizer::model_max_length() const { return data_->max_length; }

bool T5Tokenizer::is_special(int64_t id) const {
  if (id == data_->eos || id == data_->pad || id == data_->unk) return true;
  const auto it = data_->added_by_id.find(id);
  return it != data_->added_by_id.end() && data_->added[it->second].special;
}

std::string T5Tokenizer::token(int64_t id) const {
  if (const auto it = data_->added_by_id.find(id); it != data_->added_by_id.end()) return data_->added[it->second].content;
  std::string piece;
  if (id < 0 || id >= data_->pieces || data_->api->id_to_piece(data_->model.get(), int(id), append_text, &piece) != 0)
    throw Error("T5 tokenizer (" + data_->folder + "): no token with id " + std::to_string(id));
  return piece;
}

}  // namespace partedit
