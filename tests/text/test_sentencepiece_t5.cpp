// The T5 sentencepiece tokenizer of tiny-blip2-flan-t5: the reference prompt ids, the
// reference captions decoded from the generated ids, round trips, added/special tokens and
// whitespace, and the errors for a missing spiece.model. The test links LibTorch: it also
// proves that the dlopen'ed sentencepiece module coexists with LibTorch's protobuf.
#include <QtTest>

#include <fstream>

#include <ATen/ATen.h>

#include "runtime/error.h"
#include "support/sanitizer_skip.h"
#include "support/test_support.h"
#include "text/t5_tokenizer.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_sentencepiece_t5 {

using namespace partedit;
namespace fs = std::filesystem;

namespace {

std::vector<int64_t> row(const at::Tensor& ids) {  // [1, T] int64 -> vector
  const auto c = ids.contiguous();
  return std::vector<int64_t>(c.data_ptr<int64_t>(), c.data_ptr<int64_t>() + c.numel());
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

class TestSentencePieceT5 : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void initTestCase() { PARTEDIT_SKIP_IN_ASAN_BUILD("needs the T5 tokenizer"); }

  void moduleIsFound() {
    const auto path = sentencepiece_module_path();
    qInfo("sentencepiece module: %s", path.c_str());
    QVERIFY(fs::is_regular_file(path));
  }

  void specialIdsComeFromTheFiles() {
    const auto tok = T5Tokenizer::load(test::tiny_blip2_dir());
    QCOMPARE(tok.pad_id(), int64_t(0));
    QCOMPARE(tok.eos_id(), int64_t(1));
    QCOMPARE(tok.unk_id(), int64_t(2));
    QCOMPARE(tok.piece_count(), int64_t(500));
    QCOMPARE(tok.vocab_size(), int64_t(504));
    QCOMPARE(tok.model_max_length(), int64_t(512));
    QCOMPARE(tok.token(503), std::string("<extra_id_0>"));
    QCOMPARE(tok.token(500), std::string("<extra_id_3>"));
    QVERIFY(tok.is_special(0) && tok.is_special(1) && tok.is_special(2) && tok.is_special(501));
    QVERIFY(!tok.is_special(4));
  }

  void promptIdsMatchReference() {
    test::ReferenceCase ref("blip2_modules");
    const auto tok = T5Tokenizer::load(test::tiny_blip2_dir());
    const auto prompt = ref.params().at("prompt").get<std::string>();
    QVERIFY(tok.encode(prompt) == ref.params().at("prompt_ids").get<std::vector<int64_t>>());
    QVERIFY(tok.encode(prompt) == row(ref.in("input_ids_prompt")));
    QVERIFY(tok.encode("") == ref.params().at("empty_prompt_ids").get<std::vector<int64_t>>());
    QVERIFY(tok.encode("") == row(ref.in("input_ids_noprompt")));
    auto pieces = ref.params().at("prompt_pieces").get<std::vector<std::string>>();
    pieces.pop_back();  // "</s>"
    QVERIFY(tok.tokenize(prompt) == pieces);
  }

  // batch_decode(sequences, skip_special_tokens=True) of the greedy reference runs.
  void captionsDecodeAsReference() {
    test::ReferenceCase ref("blip2_generate_greedy");
    const auto tok = T5Tokenizer::load(test::tiny_blip2_dir());
    for (const char* which : {"prompt", "noprompt"}) {
      const auto ids = row(ref.out(std::string("sequences_") + which));
      const auto expected = ref.params().at(std::string("caption_") + which).get<std::string>();
      const auto text = tok.decode(ids);
      qInfo("%s: '%s'", which, text.c_str());
      QCOMPARE(text, expected);
      const auto pieces = ref.params().at(std::string("tokens_") + which).get<std::vector<std::string>>();
      for (size_t i = 0; i < ids.size(); ++i) QCOMPARE(tok.token(ids[i]), pieces[i]);
    }
  }

  void roundTrips() {
    const auto tok = T5Tokenizer::load(test::tiny_blip2_dir());
    for (const std::string text : {"a photo of", "a photo of a dog on the beach", "h farmer lea swan",
                                   "suitcases steak spoon mountain", "a"}) {
      const auto ids = tok.encode(text);
      QCOMPARE(ids.back(), tok.eos_id());
      QCOMPARE(tok.decode(ids), text);
      for (int64_t id : ids) QVERIFY(id != tok.unk_id());
    }
  }

  // sentencepiece's normaliser collapses and trims whitespace: both sides agree on the words.
  void whitespaceIsNormalised() {
    const auto tok = T5Tokenizer::load(test::tiny_blip2_dir());
    QVERIFY(tok.encode("  a   photo\tof  ") == tok.encode("a photo of"));
    QCOMPARE(tok.decode(tok.encode("a   photo of ")), std::string("a photo of"));
  }

  // <extra_id_N> are split out with the whitespace around them stripped (lstrip/rstrip) and
  // skipped on decode; an explicit </s> at the end is not doubled; out-of-vocabulary ids
  // (the model has 512 rows, the tokenizer 504) decode to nothing.
  void addedAndSpecialTokens() {
    const auto tok = T5Tokenizer::load(test::tiny_blip2_dir());
    const auto ids = tok.encode("a photo <extra_id_0> of");
    const auto plain_a = tok.encode_unwrapped("a photo");
    const auto plain_b = tok.encode_unwrapped("of");
    std::vector<int64_t> expected = plain_a;
    expected.push_back(503);
    expected.insert(expected.end(), plain_b.begin(), plain_b.end());
    expected.push_back(1);
    QVERIFY(ids == expected);
    QCOMPARE(tok.decode(ids), std::string("a photo of"));
    QVERIFY(tok.encode("a photo of</s>") == tok.encode("a photo of"));
    auto with_extra = tok.encode("a photo of");
    with_extra.insert(with_extra.begin(), {0, 510, 2});
    QCOMPARE(tok.decode(with_extra), std::string("a photo of"));
  }

  void cleanUpTokenizationSpaces() {
    const auto tok = T5Tokenizer::load(test::tiny_blip2_dir());
    // "a photo ." has a separate "▁." piece; clean_up_tokenization removes the space.
    const auto ids = tok.encode("a photo .");
    QCOMPARE(tok.decode(ids), std::string("a photo."));
  }

  void missingModelIsReported() {
    test::TempDir dir;
    fs::copy_file(test::tiny_blip2_dir() / "tokenizer_config.json", dir / "tokenizer_config.json");
    const auto msg = test::error_of([&] { T5Tokenizer::load(dir.path()); });
    qInfo("%s", msg.c_str());
    QVERIFY(contains(msg, (dir / "spiece.model").string()));
  }

  void corruptModelIsReported() {
    test::TempDir dir;
    std::ofstream(dir / "spiece.model") << "not a sentencepiece model";
    const auto msg = test::error_of([&] { T5Tokenizer::load(dir.path()); });
    qInfo("%s", msg.c_str());
    QVERIFY(contains(msg, (dir / "spiece.model").string()));
  }

  // Without tokenizer_config.json's added_tokens_decoder: special_tokens_map.json and
  // `extra_ids` sentinels as T5Tokenizer builds them (<extra_id_i> = pieces + n - 1 - i).
  void olderFolderLayout() {
    test::TempDir dir;
    fs::copy_file(test::tiny_blip2_dir() / "spiece.model", dir / "spiece.model");
    fs::copy_file(test::tiny_blip2_dir() / "special_tokens_map.json", dir / "special_tokens_map.json");
    std::ofstream(dir / "tokenizer_config.json") << R"({"extra_ids": 4, "model_max_length": 512})";
    const auto tok = T5Tokenizer::load(dir.path());
    const auto ref = T5Tokenizer::load(test::tiny_blip2_dir());
    QCOMPARE(tok.vocab_size(), ref.vocab_size());
    QCOMPARE(tok.token(503), std::string("<extra_id_0>"));
    QVERIFY(tok.encode("a <extra_id_1> photo of") == ref.encode("a <extra_id_1> photo of"));
  }

  void tensorsStillWork() {  // LibTorch in the same process after the module is loaded
    T5Tokenizer::load(test::tiny_blip2_dir());
    const auto t = at::ones({4, 4}).matmul(at::ones({4, 4}));
    QCOMPARE(t.sum().item<double>(), 64.0);
  }
};

PARTEDIT_TEST(TestSentencePieceT5);
}  // namespace test_sentencepiece_t5
#include "test_sentencepiece_t5.moc"
