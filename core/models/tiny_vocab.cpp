// The tokenizer files of the tiny models: CLIP and GPT-2 (OPT) byte-level BPE vocabularies
// learned from a built-in list of prompt words, written as vocab.json / merges.txt / tokenizer
// configs.
#include <cctype>
#include <fstream>
#include <map>
#include <set>

#include "models/tiny_model_parts.h"
#include "runtime/error.h"

namespace partedit::tiny {
namespace {

constexpr const char* kStartOfText = "<|startoftext|>";
constexpr const char* kEndOfText = "<|endoftext|>";
constexpr const char* kEndOfWord = "</w>";

// Prompts in the style of the editing benchmarks; every word counts once per occurrence,
// so frequent prompt words get merged first.
const char* const kCorpus[] = {
    "a photo of a cat in a park",
    "a photo of a dog on the beach",
    "a photo of a dragon in a park",
    "a portrait of a man with a hat",
    "a portrait of a woman with long blonde hair",
    "a photo of a horse standing in a field",
    "a painting of a monkey sitting on a tree",
    "a photo of a red car parked on the street",
    "a photo of a wooden chair in a room",
    "a close up photo of a person wearing a jacket",
    "a cat with a robotic head",
    "a dog with a golden head",
    "a man with a bald head and a beard",
    "a woman with curly red hair",
    "a girl with short black hair",
    "a boy with a green shirt",
    "a horse with a zebra head",
    "a car with a blue hood",
    "a car with a wooden body",
    "a chair with a leather seat",
    "a statue of a lion made of marble",
    "a knight wearing metal armor and a helmet",
    "an astronaut riding a horse on the moon",
    "a bear eating fish in a river",
    "a sheep in a green meadow under the clouds",
    "a cow in front of a house in the village",
    "a tiger sleeping in the jungle",
    "a rabbit in the snow at night",
    "a fox in the forest during autumn",
    "a wolf on a mountain at sunset",
    "an elephant and a giraffe in the desert",
    "a bird flying over the sea",
    "a child holding a red balloon",
    "a chef cooking in a kitchen",
    "a robot playing chess in a library",
    "a cup of coffee on a wooden table",
    "a bowl of fruit with bananas and apples",
    "a castle on a hill by the lake",
    "a bridge over a river in the city",
    "a boat on the water near the coast",
    "a train in the station",
    "a bicycle leaning against a wall",
    "a lighthouse by the sea with a cloudy sky",
    "a dragon with golden wings and a long tail",
    "a monkey with a silver head",
    "a man wearing a white shirt and black pants",
    "a woman wearing a purple dress and glasses",
    "a person with a pink torso and orange arms",
    "a cat with yellow eyes and a brown nose",
    "a dog with big ears and a small mouth",
    "a human face with a smile",
    "a chair seat made of glass",
    "a car body painted gray",
    "the torso of a statue made of stone",
    "high quality detailed realistic photo",
    "a digital painting in the style of anime",
    "a watercolor drawing of flowers in a garden",
    "a cartoon of a happy bear",
    "cinematic lighting highly detailed render",
    "an oil painting of a vintage car",
    "a sketch of a hand holding a pen",
    "a futuristic city at night with glowing lights",
    "a medieval knight with a shield",
    "a cute puppy and a kitten",
    "the legs and feet of a dancer",
    "a zebra with striped legs",
    "a parrot with colorful feathers",
    "a penguin on the ice",
    "a snake in the grass",
    "a duck swimming in a pond",
    "a goat on a rock",
    "a pig in the mud",
    "a chicken on a farm",
    "a squirrel on a branch",
    "a frog on a leaf",
    "a turtle on the sand",
    "a shark in the ocean",
    "a butterfly on a flower",
    "a tree with red leaves",
    "a sofa in a living room",
    "a lamp on a desk",
    "a bed with white sheets",
    "a truck on the road",
    "a bus in the rain",
    "a motorcycle with a black wheel",
    "a plane in the blue sky",
    "a laptop and a phone on the table",
    "a pizza with cheese and tomatoes",
    "a cake with strawberries",
    "a sandwich on a plate",
    "a man with a crown and a golden beard",
    "a woman with a scarf around her neck",
    "a baby with a pacifier",
    "an old man with white hair",
    "a young woman with freckles",
    "a soldier with a uniform",
    "a doctor in a hospital",
    "a teacher in a classroom",
    "a musician playing the guitar",
    "a painter with a brush",
    "a hand with five fingers",
    "the shoulder and the back of a person",
    "a chest covered with fur",
    "a skin texture with spots",
    "a mask on a face",
    "the head of a quadruped",
    "the head of a biped",
    "a portrait photo of a human head",
    "a photo of a car hood",
    "a photo of a chair seat",
    "a photo of human hair",
    "a photo of a human torso",
    "with a robotic head",
    "with a dragon head",
    "with a tiger head",
    "with a lion head",
    "with a wooden seat",
    "with a golden hood",
    "with blue hair",
    "with a metal torso",
};

// The byte -> unicode map of CLIP's tokenizer (bytes_to_unicode): printable bytes map to
// themselves, the others to 256 + n; returned as UTF-8 strings in vocabulary order.
std::vector<std::pair<int, std::string>> byte_symbols() {
  auto utf8 = [](int cp) {
    std::string s;
    if (cp < 0x80) {
      s += char(cp);
    } else {  // code points below 0x800 are all we need
      s += char(0xC0 | (cp >> 6));
      s += char(0x80 | (cp & 0x3F));
    }
    return s;
  };
  std::vector<int> bs;
  for (int b = '!'; b <= '~'; ++b) bs.push_back(b);
  for (int b = 0xA1; b <= 0xAC; ++b) bs.push_back(b);
  for (int b = 0xAE; b <= 0xFF; ++b) bs.push_back(b);
  std::vector<std::pair<int, std::string>> out;
  for (int b : bs) out.emplace_back(b, utf8(b));
  int n = 0;
  std::set<int> printable(bs.begin(), bs.end());
  for (int b = 0; b < 256; ++b)
    if (!printable.count(b)) out.emplace_back(b, utf8(256 + n++));
  return out;
}

// Word frequencies of the corpus: CLIP's pre-tokenizer keeps runs of letters as words.
std::map<std::string, int64_t> word_counts() {
  std::map<std::string, int64_t> counts;
  for (const char* line : kCorpus) {
    std::string word;
    for (const char* p = line;; ++p) {
      const char c = *p;
      if (c && std::isalpha(static_cast<unsigned char>(c))) {
        word += char(std::tolower(static_cast<unsigned char>(c)));
      } else {
        if (!word.empty()) ++counts[word];
        word.clear();
        if (!c) break;
      }
    }
  }
  return counts;
}

}  // namespace

namespace {

// Byte-pair encoding as in Sennrich et al. 2016 (Algorithm 1) on `words` (symbol lists with
// counts): up to max_merges times, the most frequent adjacent pair is merged; ties go to the
// lexicographically first pair. Appends the merges and their new products to `vocab`.
void learn_merges(std::vector<std::pair<std::vector<std::string>, int64_t>> words, size_t max_merges,
                  Vocabulary& vocab) {
  std::set<std::string> known(vocab.tokens.begin(), vocab.tokens.end());
  while (vocab.merges.size() < max_merges) {
    std::map<std::pair<std::string, std::string>, int64_t> pairs;
    for (const auto& [symbols, count] : words)
      for (size_t i = 0; i + 1 < symbols.size(); ++i) pairs[{symbols[i], symbols[i + 1]}] += count;
    if (pairs.empty()) break;
    auto best = pairs.begin();
    for (auto it = pairs.begin(); it != pairs.end(); ++it)
      if (it->second > best->second) best = it;
    const auto [left, right] = best->first;
    vocab.merges.emplace_back(left, right);
    if (known.insert(left + right).second) vocab.tokens.push_back(left + right);
    for (auto& [symbols, count] : words) {
      std::vector<std::string> merged;
      for (size_t i = 0; i < symbols.size(); ++i) {
        if (i + 1 < symbols.size() && symbols[i] == left && symbols[i + 1] == right) {
          merged.push_back(left + right);
          ++i;
        } else {
          merged.push_back(symbols[i]);
        }
      }
      symbols = std::move(merged);
    }
  }
}

}  // namespace

// CLIP's vocabulary: words whose last symbol carries "</w>".
Vocabulary learn_vocabulary(size_t max_merges) {
  Vocabulary vocab;
  for (const auto& [b, s] : byte_symbols()) vocab.tokens.push_back(s);
  for (size_t i = 0; i < 256; ++i) vocab.tokens.push_back(vocab.tokens[i] + kEndOfWord);
  // 1. every word as a list of symbols (ASCII letters map to themselves), 2. merges
  std::vector<std::pair<std::vector<std::string>, int64_t>> words;
  for (const auto& [word, count] : word_counts()) {
    std::vector<std::string> symbols;
    for (char c : word) symbols.emplace_back(1, c);
    symbols.back() += kEndOfWord;
    words.emplace_back(std::move(symbols), count);
  }
  learn_merges(std::move(words), max_merges, vocab);
  // 3. the special tokens take the last two ids
  vocab.tokens.push_back(kStartOfText);
  vocab.tokens.push_back(kEndOfText);
  return vocab;
}

// GPT-2 / OPT: the words as GPT-2's pre-tokenizer cuts the corpus lines (" photo": the space
// is the byte symbol "Ġ" and stays with the word that follows), no end-of-word mark.
Vocabulary learn_gpt2_vocabulary(size_t max_merges) {
  Vocabulary vocab;
  vocab.tokens = {"<s>", "<pad>", "</s>", "<unk>"};
  for (const auto& [b, s] : byte_symbols()) vocab.tokens.push_back(s);
  const std::string space = "\xC4\xA0";  // U+0120, the byte symbol of ' '
  std::map<std::string, int64_t> counts;
  for (const char* line : kCorpus) {
    std::string word;
    for (const char* p = line;; ++p) {
      if (*p == ' ' || *p == '\0') {
        if (!word.empty()) ++counts[word];
        word = *p ? space : "";
        if (!*p) break;
      } else {
        word += *p;
      }
    }
  }
  std::vector<std::pair<std::vector<std::string>, int64_t>> words;
  for (const auto& [word, count] : counts) {
    std::vector<std::string> symbols;
    for (size_t i = 0; i < word.size();) {
      const size_t n = static_cast<unsigned char>(word[i]) >= 0xC0 ? 2 : 1;  // "Ġ" is two bytes
      symbols.push_back(word.substr(i, n));
      i += n;
    }
    words.emplace_back(std::move(symbols), count);
  }
  learn_merges(std::move(words), max_merges, vocab);
  return vocab;
}

void write_tokenizer(const std::filesystem::path& dir, const Vocabulary& vocab, bool pad_with_bang) {
  std::filesystem::create_directories(dir);
  const int64_t n = static_cast<int64_t>(vocab.tokens.size());
  // 1. vocab.json (token -> id) and merges.txt
  nlohmann::json ids = nlohmann::json::object();
  for (int64_t i = 0; i < n; ++i) ids[vocab.tokens[i]] = i;
  write_json(dir / "vocab.json", ids);
  {
    std::ofstream out(dir / "merges.txt", std::ios::binary | std::ios::trunc);
    if (!out) throw Error("cannot write " + (dir / "merges.txt").string());
    out << "#version: 0.2\n";
    for (const auto& [a, b] : vocab.merges) out << a << " " << b << "\n";
    if (!out) throw Error("cannot write " + (dir / "merges.txt").string());
  }
  // 2. special tokens, as transformers' CLIPTokenizer.save_pretrained writes them
  auto added = [](const std::string& content, bool normalized) {
    return nlohmann::json{{"content", content}, {"lstrip", false}, {"normalized", normalized},
                          {"rstrip", false},    {"single_word", false}};
  };
  const std::string pad = pad_with_bang ? "!" : kEndOfText;
  write_json(dir / "special_tokens_map.json",
             {{"bos_token", added(kStartOfText, true)},
              {"eos_token", added(kEndOfText, true)},
              {"pad_token", added(pad, !pad_with_bang)},
              {"unk_token", added(kEndOfText, true)}});
  nlohmann::json decoder = nlohmann::json::object();
  auto special = [&](const std::string& content, bool normalized) {
    auto entry = added(content, normalized);
    entry["special"] = true;
    return entry;
  };
  if (pad_with_bang) decoder["0"] = special("!", false);
  decoder[std::to_string(n - 2)] = special(kStartOfText, true);
  decoder[std::to_string(n - 1)] = special(kEndOfText, true);
  write_json(dir / "tokenizer_config.json",
             {{"added_tokens_decoder", decoder},
              {"bos_token", kStartOfText},
              {"clean_up_tokenization_spaces", true},
              {"eos_token", kEndOfText},
              {"errors", "replace"},
              {"model_max_length", 77},
              {"pad_token", pad},
              {"tokenizer_class", "CLIPTokenizer"},
              {"unk_token", kEndOfText}});
}


void write_gpt2_tokenizer(const std::filesystem::path& dir, const Vocabulary& vocab) {
  std::filesystem::create_directories(dir);
  nlohmann::json ids = nlohmann::json::object();
  for (size_t i = 0; i < vocab.tokens.size(); ++i) ids[vocab.tokens[i]] = int64_t(i);
  write_json(dir / "vocab.json", ids);
  {
    std::ofstream out(dir / "merges.txt", std::ios::binary | std::ios::trunc);
    if (!out) throw Error("cannot write " + (dir / "merges.txt").string());
    out << "#version: 0.2\n";
    for (const auto& [a, b] : vocab.merges) out << a << " " << b << "\n";
    if (!out) throw Error("cannot write " + (dir / "merges.txt").string());
  }
  // as the OPT checkpoints (and blip2-opt-2.7b) write them: </s> is bos, eos and unk
  auto special = [](const std::string& content) {
    return nlohmann::json{{"content", content}, {"lstrip", false}, {"normalized", true},
                          {"rstrip", false},    {"single_word", false}, {"special", true}};
  };
  write_json(dir / "special_tokens_map.json",
             {{"bos_token", "</s>"}, {"eos_token", "</s>"}, {"pad_token", "<pad>"}, {"unk_token", "</s>"}});
  write_json(dir / "tokenizer_config.json",
             {{"add_bos_token", true},
              {"add_prefix_space", false},
              {"added_tokens_decoder", {{"1", special("<pad>")}, {"2", special("</s>")}}},
              {"bos_token", "</s>"},
              {"clean_up_tokenization_spaces", true},
              {"eos_token", "</s>"},
              {"errors", "replace"},
              {"model_max_length", 1e30},
              {"pad_token", "<pad>"},
              {"processor_class", "Blip2Processor"},
              {"tokenizer_class", "GPT2Tokenizer"},
              {"unk_token", "</s>"}});
}

}  // namespace partedit::tiny
