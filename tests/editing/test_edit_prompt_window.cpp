// CLIP's 75-token window and the edit: an edit whose edit words fall outside it is refused
// before any step runs (in core, so every front end gets it), one whose words are inside runs,
// and a caption is cut at a word boundary so that the appended edit fits; a prompt far past the
// window is refused by its token count alone. Also what the edit records: the A1111 settings
// line, the source image's own parameters, the tokens' names.
#include <QtTest>

#include <algorithm>
#include <chrono>

#include <ATen/ATen.h>

#include "editing/edit_prompt_window.h"
#include "editing/part_edit_pipeline.h"
#include "editing/prompt_mapping.h"
#include "pipeline/diffusion_model.h"
#include "runtime/compute.h"
#include "runtime/text.h"
#include "support/test_support.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_edit_prompt_window {

using namespace partedit;

namespace {

// "a photo of a cat in a park" repeated: a source prompt of about `words` words.
std::string long_prompt(int repeats) {
  std::string p;
  for (int i = 0; i < repeats; ++i) p += (i ? " " : "") + std::string("a photo of a cat in a park");
  return p;
}

bool contains(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

}  // namespace

class TestEditPromptWindow : public QObject {
  Q_OBJECT
  std::optional<DiffusionModel> model_;

  const PromptEncoder& encoder() const { return model_->prompt_encoder(); }

  EditRequest request(const std::string& source, const std::string& edit_prompt) {
    EditRequest r;
    r.source.prompt = source;
    r.source.steps = 2;
    r.source.width = r.source.height = 64;
    r.source.seed = 3;
    r.source.scheduler = "ddim";
    r.edit_prompt = edit_prompt;
    auto generator = at::detail::createCPUGenerator(9);
    r.part_embedding = at::randn({2, 64}, generator);
    return r;
  }

 private Q_SLOTS:
  void initTestCase() { model_.emplace(DiffusionModel::load(test::tiny_sdxl_dir(), ComputeOptions::parse("cpu", "fp32"))); }

  void appendedWordsOutsideTheWindowAreRefusedBeforeAnyStep() {
    const std::string source = long_prompt(12);
    const std::string edit_prompt = source + " with a robotic head";
    const PromptLength length = prompt_length(encoder(), edit_prompt);
    qInfo("edit prompt: %lld tokens, window %lld", (long long)length.tokens, (long long)length.window);
    QCOMPARE(length.window, int64_t(75));
    QVERIFY(prompt_length(encoder(), source).tokens > 75);  // the appended words are all beyond it
    const std::string direct =
        test::error_of([&] { check_edit_words_fit(encoder(), source, edit_prompt, std::nullopt, {}); });
    const std::string expected_start =
        "the edit prompt uses " + std::to_string(length.tokens) + " tokens, CLIP reads 75: the edit words ";
    QVERIFY2(direct.rfind(expected_start, 0) == 0, direct.c_str());
    QVERIFY2(contains(direct, "'robotic'") && contains(direct, "'head'") && contains(direct, "shorten the prompt"),
             direct.c_str());
    // edit() refuses it in its validation: no step runs (this used to exit 0 with a warning).
    int steps_run = 0;
    const std::string message =
        test::error_of([&] { edit(*model_, request(source, edit_prompt), [&](const EditProgress&) { ++steps_run; }); });
    QCOMPARE(message, direct);
    QCOMPARE(steps_run, 0);
  }

  void wordsInsideTheWindowPass() {
    // A word swap at the start of a long prompt: the edit word is read; only the tail is cut.
    const std::string source = "a cat " + long_prompt(12), edited = "a dog " + long_prompt(12);
    QVERIFY(prompt_length(encoder(), edited).tokens > 75);
    QCOMPARE(test::error_of([&] { check_edit_words_fit(encoder(), source, edited, std::nullopt, {}); }), std::string());
    // The same swap at the end is refused, naming the word.
    const std::string late_source = long_prompt(12) + " a cat", late_edit = long_prompt(12) + " a dog";
    const std::string late =
        test::error_of([&] { check_edit_words_fit(encoder(), late_source, late_edit, std::nullopt, {}); });
    QVERIFY2(contains(late, "the edit word 'dog' falls outside"), late.c_str());
    // Explicit edit words are checked as given, whatever the mode.
    const std::string given = test::error_of(
        [&] { check_edit_words_fit(encoder(), late_source, late_edit, PromptToPrompt::None, {"dog"}); });
    QVERIFY2(contains(given, "'dog'"), given.c_str());
    // Short prompts never fail.
    QCOMPARE(test::error_of([&] {
               check_edit_words_fit(encoder(), "a cat", "a cat with a robotic head", std::nullopt, {});
             }),
             std::string());
  }

  // Issue 21: a 6,000-word prompt was aligned and mapped word by word before being refused
  // (73 s, 464 MB). Far past the window the token count refuses it before any mapping.
  void aVeryLongPromptIsRefusedByItsTokenCount() {
    const std::string source = long_prompt(750);  // 6,000 words
    const std::string edit_prompt = source + " with a robotic head";
    const PromptLength length = prompt_length(encoder(), edit_prompt);
    QVERIFY(length.tokens > 6000);
    const std::string expected = "the edit prompt uses " + std::to_string(length.tokens) +
                                 " tokens, CLIP reads 75: far too long to edit (at most 300 tokens, with the edit "
                                 "words in the first 75); shorten the prompt";
    const auto start = std::chrono::steady_clock::now();
    QCOMPARE(test::error_of([&] { check_edit_words_fit(encoder(), source, edit_prompt, std::nullopt, {}); }), expected);
    qInfo("refused in %.3f s", std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    QCOMPARE(test::error_of([&] { edit(*model_, request(source, edit_prompt)); }), expected);
    // Even with its edit word inside the window: a prompt of more than four windows is refused.
    const std::string swap_source = "a cat " + long_prompt(40), swap_edit = "a dog " + long_prompt(40);
    QVERIFY(prompt_length(encoder(), swap_edit).tokens > 300);
    const std::string swapped =
        test::error_of([&] { check_edit_words_fit(encoder(), swap_source, swap_edit, std::nullopt, {}); });
    QVERIFY2(contains(swapped, "far too long to edit (at most 300 tokens"), swapped.c_str());
  }

  // The one-walk positions of every word are the per-word positions (double spaces included).
  void allWordPositionsMatchThePerWordOnes() {
    const ClipTokenizer& tokenizer = encoder().tokenizers().front();
    const std::string text = "a photo  of a tabby cat, in a sunlit park with a robotic head";
    const auto all = all_word_token_positions(tokenizer, text);
    QCOMPARE(all.size(), split_on_spaces(text).size());
    for (size_t w = 0; w < all.size(); ++w)
      QVERIFY2(all[w] == word_token_positions(tokenizer, text, static_cast<int64_t>(w)), std::to_string(w).c_str());
  }

  void captionsAreCutSoThatTheEditFits() {
    const std::string edit = " with a robotic head";
    auto compose = [&](const std::string& p) { return p + edit; };
    const std::string caption = long_prompt(12);
    size_t dropped = 0;
    const std::string fitted = fit_prompt_to_window(encoder(), caption, compose, &dropped);
    const PromptLength fitted_length = prompt_length(encoder(), compose(fitted));
    qInfo("caption cut by %zu words to %lld tokens with the edit", dropped, (long long)fitted_length.tokens);
    QVERIFY(dropped > 0);
    QVERIFY(caption.rfind(fitted, 0) == 0);             // a prefix ...
    QCOMPARE(caption[fitted.size()], ' ');              // ... ending at a word boundary
    QVERIFY(fitted_length.tokens <= 75);
    // The longest such prefix: one more word would not fit.
    const std::string one_more = caption.substr(0, caption.find(' ', fitted.size() + 1));
    QVERIFY(prompt_length(encoder(), compose(one_more)).tokens > 75);
    QCOMPARE(test::error_of([&] { check_edit_words_fit(encoder(), fitted, compose(fitted), std::nullopt, {}); }),
             std::string());
    // A caption that fits is kept as it is.
    QCOMPARE(fit_prompt_to_window(encoder(), "a photo of a cat", compose, &dropped), std::string("a photo of a cat"));
    QCOMPARE(dropped, size_t(0));
  }

  void parametersFollowA1111AndTheSourceHasItsOwn() {
    auto r = request("a photo of a cat, in a park", "a photo of a cat, in a park with a robotic head");
    r.source.negative = "blurry";
    r.part_names = {"quadruped-head"};
    r.edit_end_step = 1;
    const EditResult result = edit(*model_, r);
    const std::string& text = result.parameters;
    QCOMPARE(text.substr(0, text.find('\n')), std::string("a photo of a cat, in a park"));
    QVERIFY(contains(text, "\nNegative prompt: blurry\n"));
    const std::string settings = text.substr(text.rfind('\n') + 1);
    QVERIFY2(settings.rfind("Steps: 2, Sampler: DDIM, CFG scale: 7.5, Seed: 3, Size: 64x64, Model: ", 0) == 0,
             settings.c_str());
    for (const char* key : {", Edit prompt: \"a photo of a cat, in a park with a robotic head\"",
                            ", Parts: \"quadruped-head\"", ", t_e: 1", ", Omega: 1.5", ", P2P: refine",
                            ", Cross replace: 0.4", ", Mask size: 64"})
      QVERIFY2(contains(settings, key), (settings + "\nlacks " + key).c_str());
    // Three lines only: prompt, negative, settings.
    QCOMPARE(std::count(text.begin(), text.end(), '\n'), 2L);
    // The source image: its prompt and generation settings, nothing of the edit.
    const std::string& source = result.source_parameters;
    QCOMPARE(source, std::string("a photo of a cat, in a park\nNegative prompt: blurry\n") +
                         settings.substr(0, settings.find(", Edit prompt")));
  }

  void identicalTokensAreNamed() {
    PartToken a, b;
    a.part_name = "quadruped-head";
    b.part_name = "copy-of-head";
    auto generator = at::detail::createCPUGenerator(4);
    a.embedding = at::randn({2, 64}, generator);
    b.embedding = a.embedding.clone();
    a.embedding_dim = b.embedding_dim = 64;
    const std::string msg = test::error_of([&] { combine_part_embeddings(*model_, {a, b}); });
    QVERIFY2(contains(msg, "'quadruped-head' and 'copy-of-head' are identical"), msg.c_str());
    b.embedding = at::randn({2, 64}, generator);
    b.embedding[1].copy_(a.embedding[1]);  // only the PART rows agree
    const std::string shared = test::error_of([&] { combine_part_embeddings(*model_, {a, b}); });
    QVERIFY2(contains(shared, "'quadruped-head' and 'copy-of-head' share a row"), shared.c_str());
    b.embedding = at::randn({2, 64}, generator);
    QCOMPARE(combine_part_embeddings(*model_, {a, b}).size(0), int64_t(4));
  }
};

PARTEDIT_TEST(TestEditPromptWindow);
}  // namespace test_edit_prompt_window
#include "test_edit_prompt_window.moc"
