// CLIP BPE tokenizer: exact ids of the reference prompts (both SDXL tokenizers), truncation,
// padding, Unicode handling (NFC, lower-casing, CJK, control characters), decode, errors.
#include <QtTest>

#include <atomic>
#include <thread>

#include <ATen/ATen.h>

#include "runtime/error.h"
#include "support/test_support.h"
#include "text/clip_tokenizer.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_clip_tokenizer {

using namespace partedit;
using test::error_of;
using Ids = std::vector<int64_t>;

namespace {

ClipTokenizer tokenizer(const char* name) {
  return ClipTokenizer::load(test::tiny_sdxl_dir() / name);
}

Ids row(const at::Tensor& t, int64_t i) {
  const at::Tensor r = t[i].contiguous();
  return Ids(r.data_ptr<int64_t>(), r.data_ptr<int64_t>() + r.numel());
}

std::vector<std::string> prompts() {
  return test::ReferenceCase("tokenizer").params().at("prompts").get<std::vector<std::string>>();
}

}  // namespace

class TestClipTokenizer : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void specialTokensFromConfig() {
    const auto t1 = tokenizer("tokenizer");
    const auto t2 = tokenizer("tokenizer_2");
    const test::ReferenceCase ref("tokenizer");
    const auto& p = ref.params();
    QCOMPARE(t1.bos_id(), p.at("bos_id").get<int64_t>());
    QCOMPARE(t1.eos_id(), p.at("eos_id").get<int64_t>());
    QCOMPARE(t1.pad_id(), p.at("pad_id_tokenizer").get<int64_t>());
    QCOMPARE(t2.pad_id(), p.at("pad_id_tokenizer_2").get<int64_t>());
    QCOMPARE(t1.max_length(), int64_t(77));
    QCOMPARE(t1.token_id("a</w>"), int64_t(320));
    QCOMPARE(t1.token(320), std::string("a</w>"));
    QCOMPARE(t2.token(0), std::string("!"));
    QVERIFY(t1.is_special(999) && t2.is_special(0) && !t1.is_special(0));
    QVERIFY(error_of([&] { t1.token_id("no-such-piece</w>"); }).find("no-such-piece") !=
            std::string::npos);
    QVERIFY(!error_of([&] { t1.token(123456); }).empty());
  }

  void referenceIdsBothTokenizers() {
    test::ReferenceCase ref("tokenizer");
    const auto list = prompts();
    const at::Tensor ids1 = ref.out("input_ids"), ids2 = ref.out("input_ids_2");
    const auto t1 = tokenizer("tokenizer");
    const auto t2 = tokenizer("tokenizer_2");
    int mismatches = 0;
    for (size_t i = 0; i < list.size(); ++i) {
      const bool ok1 = t1.encode_padded(list[i]) == row(ids1, int64_t(i));
      const bool ok2 = t2.encode_padded(list[i]) == row(ids2, int64_t(i));
      if (!ok1 || !ok2) qWarning("prompt %zu differs (tokenizer %d, tokenizer_2 %d)", i, ok1, ok2);
      mismatches += !ok1 + !ok2;
    }
    qInfo("%zu prompts x 2 tokenizers: %d rows differ from transformers", list.size(), mismatches);
    QCOMPARE(mismatches, 0);
  }

  void referencePiecesAndUntruncatedCounts() {
    const test::ReferenceCase ref("tokenizer");
    const auto& p = ref.params();
    const auto list = prompts();
    const auto expected =
        p.at("tokens_tokenizer_untruncated").get<std::vector<std::vector<std::string>>>();
    const auto counts = p.at("untruncated_token_count").get<std::vector<int64_t>>();
    const auto t1 = tokenizer("tokenizer");
    const auto t2 = tokenizer("tokenizer_2");
    for (size_t i = 0; i < list.size(); ++i) {
      std::vector<std::string> pieces = t1.tokenize(list[i]);
      pieces.insert(pieces.begin(), "<|startoftext|>");
      pieces.push_back("<|endoftext|>");
      QCOMPARE(pieces, expected[i]);
      QCOMPARE(int64_t(t1.encode(list[i]).size()), counts[i]);
      QCOMPARE(int64_t(t2.encode(list[i]).size()), counts[i]);
    }
  }

  void addedTokenSplitsRawText() {
    // tokenizer_2 declares "!" an added (pad) token: it is split out before BPE, as in
    // transformers, so "8K!!!" ends in three id-0 tokens there and in "!", "!", "!</w>" in
    // tokenizer.
    const auto t1 = tokenizer("tokenizer");
    const auto t2 = tokenizer("tokenizer_2");
    QCOMPARE(t1.encode_unwrapped("wow!hi"), (Ids{86, 565, 256, 71, 328}));
    QCOMPARE(t2.encode_unwrapped("wow!hi"), (Ids{86, 565, 0, 71, 328}));
    QCOMPARE(t1.tokenize("<|ENDOFTEXT|>cat"),
             (std::vector<std::string>{"<|endoftext|>", "cat</w>"}));
  }

  void truncationKeepsBosFirst75Eos() {
    const auto list = prompts();
    const std::string& long_prompt = list.back();
    for (const char* name : {"tokenizer", "tokenizer_2"}) {
      const auto t = tokenizer(name);
      const Ids full = t.encode(long_prompt);
      QVERIFY(full.size() > 77);
      const Ids padded = t.encode_padded(long_prompt);
      QCOMPARE(padded.size(), size_t(77));
      Ids expected(full.begin(), full.begin() + 76);
      expected.push_back(t.eos_id());
      QCOMPARE(padded, expected);
    }
  }

  void emptyPrompt() {
    for (const char* name : {"tokenizer", "tokenizer_2"}) {
      const auto t = tokenizer(name);
      QVERIFY(t.tokenize("").empty());
      QVERIFY(t.tokenize(" \t\n ").empty());
      QCOMPARE(t.encode(""), (Ids{t.bos_id(), t.eos_id()}));
      Ids padded(77, t.pad_id());
      padded[0] = t.bos_id();
      padded[1] = t.eos_id();
      QCOMPARE(t.encode_padded(""), padded);
      QCOMPARE(t.decode(t.encode_padded("")), std::string());
    }
  }

  void nonAsciiAndDecodeRoundTrip() {
    const auto t = tokenizer("tokenizer");
    const std::string mixed = u8"caf\u00e9 \u732b\u72ac \U0001F600 na\u00efve \u03a9mega";
    const Ids ids = t.encode(mixed);
    QVERIFY(ids.size() > 10);
    for (int64_t id : ids) QVERIFY(id >= 0 && id < t.vocab_size());
    // Byte-level BPE is lossless up to cleaning/lower-casing.
    QCOMPARE(t.decode(ids),
             std::string(u8"caf\u00e9 \u732b \u72ac \U0001F600 na\u00efve \u03c9mega"));
    for (const char* ascii :
         {"a photo of a cat in a park", "a cat, a dog. the dog's ball is red!"}) {
      QCOMPARE(t.decode(t.encode_padded(ascii)), std::string(ascii));
    }
  }

  void unicodeNormalisationLikePython() {
    const auto t = tokenizer("tokenizer");
    // NFC: e + COMBINING ACUTE ACCENT == U+00E9.
    QCOMPARE(t.tokenize(u8"cafe\u0301"), t.tokenize(u8"caf\u00e9"));
    QCOMPARE(t.encode(u8"cafe\u0301 au lait"), t.encode(u8"caf\u00e9 au lait"));
    // Expected ids from transformers' algorithm (Python unicodedata + regex module).
    // Final sigma: "ΟΔΥΣΣΕΥΣ ΣΑ" -> "οδυσσευς σα".
    QCOMPARE(t.encode_unwrapped(u8"\u039f\u0394\u03a5\u03a3\u03a3\u0395\u03a5\u03a3 \u03a3\u0391"),
             (Ids{138, 123, 138, 112, 139, 227, 139, 225, 139, 225,
                  138, 113, 139, 227, 139, 480, 139, 225, 138, 365}));
    QCOMPARE(t.encode_unwrapped(u8"\u0130stanbul"), (Ids{328, 136, 485, 535, 710, 65, 84, 331}));
    // NBSP, ideographic space and LINE SEPARATOR split words.
    QCOMPARE(t.encode_unwrapped(u8"a\u00a0b\u3000c\u2028d"), (Ids{320, 321, 322, 323}));
    // ZERO WIDTH JOINER (category Cf) is removed.
    QCOMPARE(t.encode_unwrapped(u8"\U0001F468\u200d\U0001F469 ok"),
             (Ids{172, 253, 239, 101, 172, 253, 239, 358, 78, 330}));
    // CJK ideographs become separate words.
    QCOMPARE(t.encode_unwrapped(u8"\u72ac\u732bab"), (Ids{163, 232, 361, 163, 234, 360, 64, 321}));
    // U+0345 matches no alternative of the case-insensitive regex and disappears.
    QCOMPARE(t.encode_unwrapped(u8"x\u0345y"), (Ids{343, 344}));
    QCOMPARE(t.encode_unwrapped("IT'S"), (Ids{768, 6, 338}));
    QCOMPARE(t.encode_unwrapped(u8"\ufb01 \u216b \u00b2"),
             (Ids{171, 105, 479, 158, 227, 375, 126, 366}));
    QCOMPARE(t.encode_unwrapped(u8"e\u0301\u0323"), (Ids{157, 118, 373, 136, 479}));
  }

  void invalidUtf8IsAnError() {
    const auto t = tokenizer("tokenizer");
    for (const std::string bad :
         {std::string("a\xC3\x28"), std::string("\xED\xA0\x80"), std::string("\xC0\xAF"),
          std::string("cat\xE2\x82"), std::string("\xF4\x90\x80\x80"), std::string("\xFF")}) {
      const std::string message = error_of([&] { t.encode(bad); });
      QVERIFY2(message.find("UTF-8") != std::string::npos, message.c_str());
    }
  }

  void missingFilesNamed() {
    const auto src = test::tiny_sdxl_dir() / "tokenizer";
    for (const char* missing : {"vocab.json", "merges.txt"}) {
      test::TempDir dir;
      for (const char* f :
           {"vocab.json", "merges.txt", "special_tokens_map.json", "tokenizer_config.json"}) {
        if (std::string(f) != missing) std::filesystem::copy_file(src / f, dir / f);
      }
      const std::string message = error_of([&] { ClipTokenizer::load(dir.path()); });
      QVERIFY2(message.find(missing) != std::string::npos, message.c_str());
    }
    test::TempDir empty;
    QVERIFY(error_of([&] { ClipTokenizer::load(empty.path()); }).find("vocab.json") !=
            std::string::npos);
  }

  void concurrentEncodesAgree() {
    const auto t = tokenizer("tokenizer_2");
    const auto list = prompts();
    std::vector<Ids> expected;
    for (const auto& p : list) expected.push_back(t.encode_padded(p));
    const ClipTokenizer fresh = tokenizer("tokenizer_2");  // cold cache, shared by the threads
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int k = 0; k < 4; ++k) {
      threads.emplace_back([&] {
        for (int rep = 0; rep < 50; ++rep) {
          for (size_t i = 0; i < list.size(); ++i) {
            if (fresh.encode_padded(list[i]) != expected[i]) ++failures;
          }
        }
      });
    }
    for (auto& th : threads) th.join();
    QCOMPARE(failures.load(), 0);
  }
};

PARTEDIT_TEST(TestClipTokenizer);
}  // namespace test_clip_tokenizer
#include "test_clip_tokenizer.moc"
