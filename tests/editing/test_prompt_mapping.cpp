// Prompt-to-prompt mappings against the authors' mapper and schedule, and hand-built cases.
#include <QtTest>

#include <ATen/ATen.h>

#include "editing/prompt_mapping.h"
#include "runtime/error.h"
#include "support/test_support.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_prompt_mapping {

using namespace partedit;

class TestPromptMapping : public QObject {
  Q_OBJECT
  ClipTokenizer tokenizer_ = ClipTokenizer::load(test::tiny_sdxl_dir() / "tokenizer");

 private Q_SLOTS:
  void replaceMapperAndScheduleMatchTheReference() {
    for (const char* name : {"partedit_ddim_te10", "partedit_euler_te5"}) {
      test::ReferenceCase ref(name);
      const auto& p = ref.params();
      const auto source = p.at("source_prompt").get<std::string>();
      const auto target = p.at("prompts").at(1).get<std::string>();
      const auto edit_word = p.at("edit").get<std::string>();
      const auto steps = p.at("num_inference_steps").get<int64_t>();
      const auto mapper = replace_mapper(tokenizer_, source, target);
      // exact: 0, 1 and 1/n rounded once to float32, no arithmetic that depends on the CPU
      QCOMPARE(test::max_abs_diff(mapper, ref.out("mapper")[0]), 0.0);
      const auto schedule = cross_replace_schedule(tokenizer_, target, steps, 1.0, {{edit_word, 0.4}});
      QCOMPARE(test::max_abs_diff(schedule, ref.out("cross_replace_alpha").select(1, 0)), 0.0);
      // the part path repeats the source prompt: identity mapping
      QCOMPARE(test::max_abs_diff(replace_mapper(tokenizer_, source, source), ref.out("mapper")[1]), 0.0);
    }
  }

  void wordPositionsFollowDecodedLengths() {
    // "a photo of a cat" -> bos, a, photo, of, a, cat: word 4 ("cat") is token 5.
    const auto pieces = tokenizer_.tokenize("a photo of a cat");
    QCOMPARE(word_token_positions(tokenizer_, "a photo of a cat", int64_t(4)),
             std::vector<int64_t>{static_cast<int64_t>(pieces.size())});
    // A word split into several tokens maps to all of them.
    const std::string text = "a xylophone here";
    const auto n = static_cast<int64_t>(tokenizer_.tokenize("xylophone").size());
    QVERIFY(n > 1);
    std::vector<int64_t> expected;
    for (int64_t k = 0; k < n; ++k) expected.push_back(2 + k);
    QCOMPARE(word_token_positions(tokenizer_, text, std::string("xylophone")), expected);
    QVERIFY(word_token_positions(tokenizer_, text, std::string("absent")).empty());
  }

  void replaceWithMultiTokenWordSpreadsEvenly() {
    const std::string source = "a photo of a cat";
    const std::string target = "a photo of a xylophone";
    const auto mapper = replace_mapper(tokenizer_, source, target);
    const auto n = static_cast<int64_t>(tokenizer_.tokenize("xylophone").size());
    const int64_t cat = 5;
    for (int64_t k = 0; k < n; ++k)
      QCOMPARE(mapper[cat][cat + k].item<float>(), at::tensor(1.0f / n).to(at::kHalf).item<float>());
    // after the swap the release continues on the diagonal (j, j) of the target positions
    QCOMPARE(mapper[cat + n][cat + n].item<float>(), 1.0f);
    QCOMPARE(mapper[cat + 1][cat + n].item<float>(), 0.0f);
    QCOMPARE(mapper[0][0].item<float>(), 1.0f);
  }

  void replaceRefusesDifferentWordCounts() {
    QVERIFY_THROWS_EXCEPTION(Error, replace_mapper(tokenizer_, "a cat", "a big cat"));
  }

  void refineMapsInsertionsToNothing() {
    const std::string source = "a photo of a cat";
    const std::string target = "a photo of a cat with a red hat";
    const auto mapping = refine_mapper(tokenizer_, source, target);
    const auto src_len = static_cast<int64_t>(tokenizer_.encode(source).size());  // bos ... eos
    // the shared prefix maps to itself
    for (int64_t j = 0; j < src_len - 1; ++j) {
      QCOMPARE(mapping.mapper[j].item<int64_t>(), j);
      QCOMPARE(mapping.alphas[j].item<float>(), 1.0f);
    }
    // inserted words have alpha 0; the final eos aligns with the source's eos
    const auto tgt_len = static_cast<int64_t>(tokenizer_.encode(target).size());
    QCOMPARE(mapping.alphas[src_len - 1].item<float>(), 0.0f);
    QCOMPARE(mapping.mapper[tgt_len - 1].item<int64_t>(), src_len - 1);
    QCOMPARE(mapping.mapper[tgt_len].item<int64_t>(), tgt_len);  // padding maps to itself
    const auto words = inserted_words(tokenizer_, source, target);
    QVERIFY(std::find(words.begin(), words.end(), "hat") != words.end());
    QVERIFY(std::find(words.begin(), words.end(), "cat") == words.end());
  }
};

PARTEDIT_TEST(TestPromptMapping);
}  // namespace test_prompt_mapping
#include "test_prompt_mapping.moc"
