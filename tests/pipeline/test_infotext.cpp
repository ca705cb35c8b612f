// Infotext (the "parameters" text of AUTOMATIC1111's web UI, which other tools read too)
// against a reader written here from the format's description, not from infotext.cpp: what
// format_infotext writes reads back as written, and parse_infotext reads texts in A1111's
// own form (quoted values with commas and colons, multi-line prompts) as that reader does.
#include "pipeline/infotext.h"
#include "support/test_support.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_infotext {

using namespace partedit;

namespace {

// The format, as A1111 documents and reads it (modules/infotext_utils.py,
// parse_generation_parameters): the text is split into lines; the last line holds the
// settings when at least three "Key: value" pairs can be read from it, otherwise it belongs
// to the prompt. The lines before it are the prompt, up to a line starting with "Negative
// prompt:"; that line (without the mark) and every line after it are the negative prompt.
// Lines are joined with "\n" and trimmed. In the settings line a key starts with a letter,
// digit or '_' and goes on with those, spaces, '-' and '/', up to ':'; after ':' and spaces
// the value is either a double-quoted JSON string (commas, colons and escaped quotes
// inside) or everything up to the next ','; pairs are separated by ',' and spaces.
struct Infotext {
  std::string prompt, negative;
  std::vector<std::pair<std::string, std::string>> settings;
  std::string at(const std::string& key) const {
    for (const auto& [k, v] : settings)
      if (k == key) return v;
    return "<absent>";
  }
};

bool is_word(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }

std::string trimmed(const std::string& s) {
  size_t begin = 0, end = s.size();
  while (begin < end && (is_space(s[begin]) || s[begin] == '\n')) ++begin;
  while (end > begin && (is_space(s[end - 1]) || s[end - 1] == '\n')) --end;
  return s.substr(begin, end - begin);
}

// The pairs of a settings line; a stretch that is no pair is skipped up to the next ','.
std::vector<std::pair<std::string, std::string>> read_pairs(const std::string& line) {
  std::vector<std::pair<std::string, std::string>> pairs;
  size_t i = 0;
  const auto skip_to_comma = [&] {
    while (i < line.size() && line[i] != ',') ++i;
    if (i < line.size()) ++i;
  };
  while (i < line.size()) {
    while (i < line.size() && is_space(line[i])) ++i;
    if (i >= line.size()) break;
    const size_t key_begin = i;
    if (!is_word(line[i])) {
      skip_to_comma();
      continue;
    }
    while (i < line.size() && (is_word(line[i]) || line[i] == ' ' || line[i] == '-' || line[i] == '/')) ++i;
    if (i >= line.size() || line[i] != ':' || i - key_begin < 2) {
      skip_to_comma();
      continue;
    }
    const std::string key = line.substr(key_begin, i - key_begin);
    ++i;
    while (i < line.size() && is_space(line[i])) ++i;
    std::string value;
    if (i < line.size() && line[i] == '"') {
      const size_t open = i++;
      while (i < line.size() && line[i] != '"') i += line[i] == '\\' ? 2 : 1;
      if (i >= line.size()) {  // unterminated: not a quoted value
        i = open;
        skip_to_comma();
        continue;
      }
      value = nlohmann::json::parse(line.substr(open, i + 1 - open)).get<std::string>();  // JSON unquoting
      ++i;
      if (i < line.size() && line[i] != ',') {  // text after the closing quote: not a pair
        skip_to_comma();
        continue;
      }
    } else {
      const size_t begin = i;
      while (i < line.size() && line[i] != ',') ++i;
      value = line.substr(begin, i - begin);
    }
    if (i < line.size()) ++i;  // the ','
    pairs.emplace_back(key, value);
  }
  return pairs;
}

Infotext read_infotext(const std::string& text) {
  std::vector<std::string> lines;
  const std::string all = trimmed(text);
  for (size_t start = 0;;) {
    const size_t end = all.find('\n', start);
    lines.push_back(all.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  Infotext out;
  if (read_pairs(lines.back()).size() >= 3) {
    out.settings = read_pairs(lines.back());
    lines.pop_back();
  }
  bool negative = false;
  for (const std::string& raw : lines) {
    std::string line = trimmed(raw);
    const std::string mark = "Negative prompt:";
    if (line.compare(0, mark.size(), mark) == 0) {
      negative = true;
      line = trimmed(line.substr(mark.size()));
    }
    std::string& target = negative ? out.negative : out.prompt;
    target += (target.empty() ? "" : "\n") + line;
  }
  return out;
}

// parse_infotext and the reader above agree on `text`.
void verify_same_reading(const std::string& text) {
  const Infotext expected = read_infotext(text);
  const ParsedInfotext parsed = parse_infotext(text);
  QCOMPARE(parsed.prompt, expected.prompt);
  QCOMPARE(parsed.negative, expected.negative);
  QCOMPARE(parsed.settings.size(), expected.settings.size());
  for (size_t i = 0; i < expected.settings.size(); ++i) {
    QCOMPARE(parsed.settings[i].key, expected.settings[i].first);
    QCOMPARE(parsed.settings[i].value, expected.settings[i].second);
  }
}

}  // namespace

class TestInfotext : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  // The reader itself on a hand-written A1111 text (its own documentation's form), so that
  // the comparisons below rest on a reader known to follow the description.
  void referenceReaderReadsTheDescribedForm() {
    const Infotext t = read_infotext(
        "a photo of a cat, (masterpiece:1.2)\nsecond line\nNegative prompt: blurry, lowres\nugly\n"
        "Steps: 20, Sampler: DPM++ 2M Karras, CFG scale: 7, Seed: 42, Size: 512x768, "
        "Lora hashes: \"cat-lora: 1a2b, dog: 3c\", Hires upscale: 2, Note: \"say \\\"hi\\\"\"\n");
    QCOMPARE(t.prompt, std::string("a photo of a cat, (masterpiece:1.2)\nsecond line"));
    QCOMPARE(t.negative, std::string("blurry, lowres\nugly"));
    QCOMPARE(t.settings.size(), size_t(8));
    QCOMPARE(t.at("Sampler"), std::string("DPM++ 2M Karras"));
    QCOMPARE(t.at("CFG scale"), std::string("7"));
    QCOMPARE(t.at("Lora hashes"), std::string("cat-lora: 1a2b, dog: 3c"));
    QCOMPARE(t.at("Note"), std::string("say \"hi\""));
    // Fewer than three pairs: the last line is prompt text.
    const Infotext short_line = read_infotext("a dog\nSteps: 4, Seed: 1");
    QCOMPARE(short_line.prompt, std::string("a dog\nSteps: 4, Seed: 1"));
    QVERIFY(short_line.settings.empty());
  }

  // What we write reads back as written: quoted free text and lists, values quoted only when
  // the format needs it, a multi-line prompt, non-ASCII text.
  void whatWeWriteReadsBack() {
    const std::vector<InfotextSetting> settings = {
        {"Steps", "50"},
        {"Sampler", "DPM++ 2M SDE"},
        {"CFG scale", "7.5"},
        {"Seed", "42"},
        {"Size", "1024x768"},
        {"Edit prompt", infotext_text("a cat, with a \"robotic\" head: shiny")},
        {"Parts", infotext_list({"human-head", "car-wheel"})},
        {"Model", infotext_value("sdxl, fine-tuned: v2")},
        {"Quote", infotext_value("\"quoted")},
        {"Lines", infotext_value("one\ntwo")},
        {"Plain", infotext_value("no separators here")},
        {"Caption", infotext_text("caf\xc3\xa9 \xe2\x98\x95")},
        {"t_e", "35"}};
    const std::string text = format_infotext("a cat\non two lines", "blurry, low quality", settings);
    const Infotext read = read_infotext(text);
    QCOMPARE(read.prompt, std::string("a cat\non two lines"));
    QCOMPARE(read.negative, std::string("blurry, low quality"));
    QCOMPARE(read.settings.size(), settings.size());
    QCOMPARE(read.at("Steps"), std::string("50"));
    QCOMPARE(read.at("Sampler"), std::string("DPM++ 2M SDE"));
    QCOMPARE(read.at("CFG scale"), std::string("7.5"));
    QCOMPARE(read.at("Edit prompt"), std::string("a cat, with a \"robotic\" head: shiny"));
    QCOMPARE(read.at("Parts"), std::string("human-head, car-wheel"));
    QCOMPARE(read.at("Model"), std::string("sdxl, fine-tuned: v2"));
    QCOMPARE(read.at("Quote"), std::string("\"quoted"));
    QCOMPARE(read.at("Lines"), std::string("one\ntwo"));
    QCOMPARE(read.at("Plain"), std::string("no separators here"));
    QCOMPARE(read.at("Caption"), std::string("caf\xc3\xa9 \xe2\x98\x95"));
    QCOMPARE(read.at("t_e"), std::string("35"));
    verify_same_reading(text);
    QVERIFY(parse_infotext(text).find("Omega") == nullptr);
  }

  // Settings appended later (compositing) join the one settings line.
  void appendedSettingsAreRead() {
    const std::string text = append_infotext_settings(
        format_infotext("a dog", "", {{"Steps", "4"}, {"Sampler", "Euler"}, {"Seed", "1"}}), {{"Composited", "feather 4"}});
    const Infotext read = read_infotext(text);
    QCOMPARE(read.prompt, std::string("a dog"));
    QVERIFY(read.negative.empty());
    QCOMPARE(read.settings.size(), size_t(4));
    QCOMPARE(read.at("Composited"), std::string("feather 4"));
    verify_same_reading(text);
  }

  // Found by fuzzing (tests/data/crashers/infotext): a '"' inside an unquoted value opened a
  // "quote" that swallowed every later setting, and an escaped backslash before a quoted
  // value's closing quote was taken for an escaped quote. Both read back now.
  void quotesAndBackslashesInValuesReadBack_data() {
    QTest::addColumn<QString>("value");
    QTest::newRow("quote inside") << "a \"b\" c";
    QTest::newRow("quote at the end") << "12\"";
    QTest::newRow("backslash at the end") << "C:\\models\\sdxl\\";
    QTest::newRow("escaped quote then backslash") << "say \"hi\\\", then: go";
  }
  void quotesAndBackslashesInValuesReadBack() {
    QFETCH(QString, value);
    const std::string text =
        format_infotext("a prompt", "", {{"Steps", "20"}, {"Value", infotext_value(value.toStdString())}, {"Seed", "7"}});
    const ParsedInfotext parsed = parse_infotext(text);
    QVERIFY(parsed.find("Value") && parsed.find("Seed"));
    QCOMPARE(*parsed.find("Value"), value.toStdString());
    QCOMPARE(*parsed.find("Seed"), std::string("7"));
    verify_same_reading(text);
  }

  // Texts other tools write, read by parse_infotext as the reference reader reads them.
  void foreignTextsAreReadAsTheFormatSays_data() {
    QTest::addColumn<QString>("text");
    QTest::newRow("a1111") << "a castle on a hill, sunset\nNegative prompt: lowres, bad anatomy\n"
                              "Steps: 30, Sampler: Euler a, Schedule type: Karras, CFG scale: 6.5, Seed: 1234, "
                              "Size: 832x1216, Model hash: 31e35c80fc, Model: sd_xl_base_1.0, "
                              "Lora hashes: \"detail: ab12cd, style: ef34\", Version: v1.10.1";
    QTest::newRow("multi-line prompt and negative")
        << "first line\nsecond line\nNegative prompt: bad\nworse\nSteps: 2, Seed: 3, Size: 64x64";
    QTest::newRow("no negative") << "just a prompt\nSteps: 8, Sampler: DDIM, CFG scale: 5, Seed: 9";
    QTest::newRow("no settings") << "just a description\nover two lines\n";
    QTest::newRow("escaped quote") << "p\nSteps: 1, Seed: 2, Note: \"a \\\"b\\\", c: d\", Size: 8x8";
    QTest::newRow("quote in an unquoted value") << "p\nSteps: 1, Model: 1.5 \"pruned\", Seed: 2, Size: 8x8";
    QTest::newRow("escaped backslash at a value's end") << "p\nSteps: 1, Path: \"C:\\\\x\\\\\", Seed: 2";
  }
  void foreignTextsAreReadAsTheFormatSays() {
    QFETCH(QString, text);
    verify_same_reading(text.toStdString());
  }
};

PARTEDIT_TEST(TestInfotext);
}  // namespace test_infotext
#include "test_infotext.moc"
