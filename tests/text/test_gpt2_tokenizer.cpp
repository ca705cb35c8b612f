// GPT-2 byte-level BPE (OPT's tokenizer) on a handmade vocabulary and merge list, with ids
// derived by hand from the algorithm: GPT-2's pre-tokenisation (contractions, " ?letters",
// " ?digits", " ?other", the whitespace rule), bytes_to_unicode for non-ASCII text, merge
// ranks, added tokens, bos, decoding (bytes back to UTF-8, special tokens skipped, the
// clean-up of spaces) and round trips.
#include <QtTest>

#include <fstream>

#include "runtime/error.h"
#include "support/test_support.h"
#include "text/gpt2_tokenizer.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_gpt2_tokenizer {

using namespace partedit;
namespace fs = std::filesystem;
using Ids = std::vector<int64_t>;

namespace {

// ids: 0 <s>, 1 <pad>, 2 </s>, 3 <unk>, then single byte symbols ("Ġ" is ' ', "Ċ" is '\n',
// "Ã" "©" are the bytes C3 A9 of 'é'), then the products of the merges in rank order.
const std::vector<std::string> kVocab = {
    "<s>", "<pad>", "</s>", "<unk>", "a", "c", "t", "\xC4\xA0", "'", "s", "1", "2", "!",
    "\xC3\x83", "\xC2\xA9", "\xC4\x8A", "e", "f",
    // merges' products
    "\xC4\xA0" "c", "at", "\xC4\xA0" "cat", "'s", "12", "\xC3\x83\xC2\xA9", "ca", "caf", "caf\xC3\x83\xC2\xA9"};
// rank 0..8; "c a" ranks after "a t", so "cat" becomes c + at, never ca + t.
const char* const kMerges[] = {"\xC4\xA0 c", "a t", "\xC4\xA0" "c at", "' s", "1 2", "\xC3\x83 \xC2\xA9",
                               "c a", "ca f", "caf \xC3\x83\xC2\xA9"};

void write_file(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

// OPT's configuration (add_bos_token, </s> as bos and eos), unk "<unk>" so that unknown
// pieces are visible; `edit` adjusts tokenizer_config.json.
fs::path write_tokenizer(const test::TempDir& dir, const std::function<void(nlohmann::json&)>& edit = {},
                         bool merges_trailing_newline = true) {
  nlohmann::json vocab = nlohmann::json::object();
  for (size_t i = 0; i < kVocab.size(); ++i) vocab[kVocab[i]] = int64_t(i);
  write_file(dir / "vocab.json", vocab.dump());
  std::string merges = "#version: 0.2\n";
  for (const char* m : kMerges) merges += std::string(m) + "\n";
  if (!merges_trailing_newline) merges.pop_back();
  write_file(dir / "merges.txt", merges);
  auto special = [](const char* content) {
    return nlohmann::json{{"content", content}, {"lstrip", false}, {"normalized", true},
                          {"rstrip", false},    {"single_word", false}, {"special", true}};
  };
  nlohmann::json config = {{"add_bos_token", true},
                           {"add_prefix_space", false},
                           {"added_tokens_decoder", {{"1", special("<pad>")}, {"2", special("</s>")}, {"3", special("<unk>")}}},
                           {"bos_token", "</s>"},
                           {"eos_token", "</s>"},
                           {"unk_token", "<unk>"},
                           {"pad_token", "<pad>"},
                           {"clean_up_tokenization_spaces", true},
                           {"model_max_length", 1e30},
                           {"tokenizer_class", "GPT2Tokenizer"}};
  if (edit) edit(config);
  write_file(dir / "tokenizer_config.json", config.dump());
  return dir.path();
}

}  // namespace

class TestGpt2Tokenizer : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void specialTokensAndConfig() {
    test::TempDir dir;
    const auto t = Gpt2Tokenizer::load(write_tokenizer(dir));
    QCOMPARE(t.bos_id(), int64_t(2));
    QCOMPARE(t.eos_id(), int64_t(2));
    QCOMPARE(t.pad_id(), int64_t(1));
    QCOMPARE(t.unk_id(), int64_t(3));
    QVERIFY(t.add_bos_token());
    QCOMPARE(t.model_max_length(), int64_t(0));  // int(1e30): unset
    QCOMPARE(t.vocab_size(), int64_t(kVocab.size()));
    QVERIFY(t.is_special(1) && t.is_special(2) && t.is_special(3) && !t.is_special(0));
    QCOMPARE(t.token(20), std::string("\xC4\xA0" "cat"));
    QCOMPARE(t.token_id("'s"), int64_t(21));
  }

  // Merge order: "cat" alone is c + at (rank 1 beats "c a" at rank 6); " cat" merges Ġc
  // first (rank 0), then at, then Ġc + at.
  void mergeRanks() {
    test::TempDir dir;
    const auto t = Gpt2Tokenizer::load(write_tokenizer(dir));
    QCOMPARE(t.encode_unwrapped("cat"), (Ids{5, 19}));
    QCOMPARE(t.tokenize(" cat"), (std::vector<std::string>{"\xC4\xA0" "cat"}));
    QCOMPARE(t.encode_unwrapped(" cat"), (Ids{20}));
    QCOMPARE(t.encode_unwrapped("ca"), (Ids{24}));
  }

  // Contractions (case-sensitive), " ?digits", " ?other", letters/digits apart.
  void preTokenisation() {
    test::TempDir dir;
    const auto t = Gpt2Tokenizer::load(write_tokenizer(dir));
    // "cat" "'s" " 12" "!": " 12" is Ġ + 12 (no Ġ1 merge)
    QCOMPARE(t.encode_unwrapped("cat's 12!"), (Ids{5, 19, 21, 7, 22, 12}));
    // "'S" is no contraction: "'" then "S" (unknown: <unk>)
    QCOMPARE(t.tokenize("cat'S"), (std::vector<std::string>{"c", "at", "'", "S"}));
    QCOMPARE(t.encode_unwrapped("cat'S"), (Ids{5, 19, 8, 3}));
    QCOMPARE(t.encode_unwrapped("a12"), (Ids{4, 22}));  // "a" "12"
    QCOMPARE(t.encode_unwrapped("!!"), (Ids{12, 12}));  // one word "!!", no merge
    QCOMPARE(t.encode_unwrapped("12's"), (Ids{22, 21}));
  }

  // "\s+(?!\S)": a whitespace run before text leaves its last space to the next word; at the
  // end of the text the run is one word.
  void whitespace() {
    test::TempDir dir;
    const auto t = Gpt2Tokenizer::load(write_tokenizer(dir));
    QCOMPARE(t.tokenize("a  cat"), (std::vector<std::string>{"a", "\xC4\xA0", "\xC4\xA0" "cat"}));
    QCOMPARE(t.encode_unwrapped("a  cat"), (Ids{4, 7, 20}));
    QCOMPARE(t.encode_unwrapped("cat \n"), (Ids{5, 19, 7, 15}));  // "cat", " \n"
    QCOMPARE(t.encode_unwrapped("a\n\ncat"), (Ids{4, 15, 15, 5, 19}));  // "\n" "\n" "cat"
    QCOMPARE(t.encode_unwrapped(" "), (Ids{7}));
    QVERIFY(t.encode_unwrapped("").empty());
  }

  // 'é' is the bytes C3 A9, mapped to "Ã©" (both bytes are printable Latin-1).
  void nonAscii() {
    test::TempDir dir;
    const auto t = Gpt2Tokenizer::load(write_tokenizer(dir));
    QCOMPARE(t.encode_unwrapped(u8"caf\u00e9"), (Ids{26}));
    // " café": Ġc (rank 0) takes the c, so "ca" never forms: Ġc a f Ã©
    QCOMPARE(t.encode_unwrapped(u8" caf\u00e9"), (Ids{18, 4, 17, 23}));
    QCOMPARE(t.decode({18, 4, 17, 23}), std::string(u8" caf\u00e9"));
    QCOMPARE(t.decode({13}), std::string(u8"\ufffd"));  // a lone C3 byte: errors="replace"
    QVERIFY(!test::error_of([&] { t.encode("\xFF"); }).empty());  // invalid UTF-8 input
  }

  void addedTokensAndBos() {
    test::TempDir dir;
    const auto t = Gpt2Tokenizer::load(write_tokenizer(dir));
    QCOMPARE(t.encode_unwrapped("cat</s>cat"), (Ids{5, 19, 2, 5, 19}));
    QCOMPARE(t.encode("cat"), (Ids{2, 5, 19}));  // bos first, no eos
    QCOMPARE(t.encode(""), (Ids{2}));
    test::TempDir plain;
    const auto no_bos = Gpt2Tokenizer::load(write_tokenizer(plain, [](nlohmann::json& c) { c["add_bos_token"] = false; }));
    QCOMPARE(no_bos.encode("cat"), (Ids{5, 19}));
    test::TempDir prefixed;
    const auto spaced =
        Gpt2Tokenizer::load(write_tokenizer(prefixed, [](nlohmann::json& c) { c["add_prefix_space"] = true; }));
    QCOMPARE(spaced.encode("cat"), (Ids{2, 20}));  // " cat"
  }

  void decodeSkipsSpecialsAndCleansUp() {
    test::TempDir dir;
    const auto t = Gpt2Tokenizer::load(write_tokenizer(dir));
    QCOMPARE(t.decode({2, 5, 19, 21, 7, 22, 12, 2, 1, 1}), std::string("cat's 12!"));
    QCOMPARE(t.decode({4, 7, 12}), std::string("a!"));  // "a !" cleaned up
    QCOMPARE(t.decode({20, 15}), std::string(" cat\n"));  // no stripping
    QCOMPARE(t.decode({5, 19, 999, -1}), std::string("cat"));  // ids the tokenizer lacks
    test::TempDir raw;
    const auto keep = Gpt2Tokenizer::load(
        write_tokenizer(raw, [](nlohmann::json& c) { c["clean_up_tokenization_spaces"] = false; }));
    QCOMPARE(keep.decode({4, 7, 12}), std::string("a !"));
  }

  void roundTrip() {
    test::TempDir dir;
    const auto t = Gpt2Tokenizer::load(write_tokenizer(dir));
    for (const char* text : {"cat's 12", u8" caf\u00e9  cat\n", "a\n\ncat", "12cat ca caf", u8"\u00e9\u00e9 a"})
      QCOMPARE(t.decode(t.encode(text)), std::string(text));
  }

  // merges.txt is read as read().split("\n")[1:-1]: without a final newline the last line is
  // dropped, as in transformers.
  void mergesFileLastLine() {
    test::TempDir dir;
    const auto t = Gpt2Tokenizer::load(write_tokenizer(dir, {}, /*merges_trailing_newline=*/false));
    QCOMPARE(t.encode_unwrapped(u8"caf\u00e9"), (Ids{25, 23}));  // "caf Ã©" (rank 8) is gone
  }

  void errorsNameTheFile() {
    test::TempDir dir;
    write_tokenizer(dir);
    fs::remove(dir / "merges.txt");
    const auto msg = test::error_of([&] { Gpt2Tokenizer::load(dir.path()); });
    QVERIFY2(msg.find("merges.txt") != std::string::npos, msg.c_str());
    test::TempDir bad;
    write_tokenizer(bad, [](nlohmann::json& c) { c["pad_token"] = "<nothing>"; });
    const auto msg2 = test::error_of([&] { Gpt2Tokenizer::load(bad.path()); });
    QVERIFY2(msg2.find("<nothing>") != std::string::npos, msg2.c_str());
  }
};

PARTEDIT_TEST(TestGpt2Tokenizer);
}  // namespace test_gpt2_tokenizer
#include "test_gpt2_tokenizer.moc"
