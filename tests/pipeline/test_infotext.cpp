// Infotext read back (re-opening an exported image restores its settings): what
// format_infotext writes, parse_infotext returns, quoted values included.
#include "pipeline/infotext.h"
#include "support/test_support.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_infotext {

using namespace partedit;

class TestInfotext : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void roundTripsWhatWeWrite() {
    const std::vector<InfotextSetting> settings = {
        {"Steps", "50"},
        {"Sampler", "DPM++ 2M SDE"},
        {"Seed", "42"},
        {"Edit prompt", infotext_text("a cat, with a \"robotic\" head: shiny")},
        {"Parts", infotext_list({"human-head", "car-wheel"})},
        {"t_e", "35"}};
    const std::string text = format_infotext("a cat\non two lines", "blurry, low quality", settings);
    const ParsedInfotext parsed = parse_infotext(text);
    QCOMPARE(parsed.prompt, std::string("a cat\non two lines"));
    QCOMPARE(parsed.negative, std::string("blurry, low quality"));
    QCOMPARE(parsed.settings.size(), settings.size());
    QCOMPARE(*parsed.find("Edit prompt"), std::string("a cat, with a \"robotic\" head: shiny"));
    QCOMPARE(*parsed.find("Parts"), std::string("human-head, car-wheel"));
    QCOMPARE(*parsed.find("Sampler"), std::string("DPM++ 2M SDE"));
    QCOMPARE(*parsed.find("t_e"), std::string("35"));
    QVERIFY(parsed.find("Omega") == nullptr);
  }

  void appendedSettingsAreRead() {
    const std::string text =
        append_infotext_settings(format_infotext("a dog", "", {{"Steps", "4"}}), {{"Composited", "feather 4"}});
    const ParsedInfotext parsed = parse_infotext(text);
    QCOMPARE(parsed.prompt, std::string("a dog"));
    QVERIFY(parsed.negative.empty());
    QCOMPARE(*parsed.find("Composited"), std::string("feather 4"));
  }

  void textWithoutSettingsIsAllPrompt() {
    const ParsedInfotext parsed = parse_infotext("just a description\nover two lines\n");
    QCOMPARE(parsed.prompt, std::string("just a description\nover two lines"));
    QVERIFY(parsed.settings.empty());
  }
};

PARTEDIT_TEST(TestInfotext);
}  // namespace test_infotext
#include "test_infotext.moc"
