// partedit-cli batch on crafted manifests (issue 21): outputs that resolve outside --out (by
// "..", an absolute path, a symlinked folder or file) are line errors and nothing outside is
// touched; a line with an invalid UTF-8 byte, a value nlohmann would throw on or an output
// folder that cannot be made fails alone, its message printable; --resume runs a line again
// whose output was replaced or whose manifest line changed, and refuses records of edits the
// manifest does not have (as --merge does) and a last record cut short by a crash; a key given
// twice is refused; --out naming a file says so.
#include <QtTest>

#include <fstream>

#include <ATen/ATen.h>

#include "editing/part_token.h"
#include "support/test_support.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_cli_batch_safety {

using namespace partedit;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

void write_text(const fs::path& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

void append_text(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::app) << text;
}

bool mentions(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

// Every line of a JSON Lines file, parsed (a line that is not JSON fails the test's parse).
std::vector<json> read_records(const fs::path& path) {
  std::vector<json> records;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) records.push_back(json::parse(line));
  return records;
}

// A line that edits for real: 64 x 64, 2 steps (the defaults below).
std::string edit_line(const std::string& out, int seed = 1) {
  return json({{"prompt", "a photo of a cat"}, {"edit", "with a robotic <quadruped-head>"}, {"seed", seed}, {"out", out}})
             .dump() + "\n";
}

std::string line_writing(const json& outputs) {
  json line = {{"prompt", "a photo of a cat"}, {"edit", "with a robotic <quadruped-head>"}, {"seed", 1}};
  for (const auto& [key, value] : outputs.items()) line[key] = value;
  return line.dump() + "\n";
}

}  // namespace

class TestCliBatchSafety : public QObject {
  Q_OBJECT
  test::TempDir dir_;

  fs::path library() const { return dir_ / "tokens"; }

  void write_defaults(const fs::path& folder) const {
    write_text(folder / "defaults.json", json({{"model", test::tiny_sdxl_dir().string()}, {"library", library().string()},
                                               {"steps", 2}, {"scheduler", "ddim"}, {"width", 64}, {"height", 64}})
                                             .dump());
  }

  test::CliResult batch(const fs::path& folder, const fs::path& out, std::vector<std::string> more = {}) const {
    std::vector<std::string> args = {"batch", (folder / "edits.jsonl").string(), "--defaults",
                                     (folder / "defaults.json").string(), "--out", out.string()};
    args.insert(args.end(), more.begin(), more.end());
    return test::run_cli(args);
  }

 private Q_SLOTS:
  void initTestCase() {
    if (qEnvironmentVariableIsEmpty("PARTEDIT_THREADS")) qputenv("PARTEDIT_THREADS", "1");
    fs::create_directories(library());
    PartToken token;
    auto generator = at::detail::createCPUGenerator(1);
    token.embedding = at::randn({2, 64}, generator);
    token.part_name = "quadruped-head";
    write_part_token(library() / "quadruped-head.safetensors", token);
  }

  // A shared manifest must not write anywhere but --out: "..", an absolute path, a folder or
  // a file inside --out that links outside, and the batch's own results file are line errors;
  // the photo outside stays as it was and the valid line runs (a dangling link inside --out
  // it writes is replaced, not followed).
  void outputsResolveInsideOut() {
    const fs::path folder = dir_ / "confine", out = folder / "out", outside = folder / "outside";
    fs::create_directories(out);
    fs::create_directories(outside);
    write_defaults(folder);
    const fs::path photo = outside / "photo.png";
    write_text(photo, "a photo that must stay");
    fs::create_directory_symlink(outside, out / "linked-folder");
    fs::create_symlink(photo, out / "linked-photo.png");
    fs::create_symlink(outside / "ghost.png", out / "dangling.png");  // replaced by the edit, not followed
    write_text(folder / "edits.jsonl",
               line_writing({{"out", "../outside/photo.png"}}) +                      // 1
               line_writing({{"out", photo.string()}}) +                               // 2
               line_writing({{"out", "linked-folder/new.png"}}) +                      // 3
               line_writing({{"out", "linked-photo.png"}}) +                           // 4
               line_writing({{"out", "fine.png"}, {"mask-out", "a/../../outside/mask.png"}}) +  // 5
               line_writing({{"out", "results-0-of-1.jsonl"}}) +                       // 6
               line_writing({{"out", "sub/../good.png"}, {"mask-out", (out / "good-mask.png").string()},
                             {"source-out", "dangling.png"}}));  // 7
    const auto r = batch(folder, out);
    QCOMPARE(r.exit_code, 1);
    for (int line = 1; line <= 5; ++line)
      QVERIFY2(mentions(r.output, "edits.jsonl:" + std::to_string(line) + ": error: \"") &&
                   mentions(r.output, "is not inside --out"),
               r.output.c_str());
    QVERIFY2(mentions(r.output, "(that is " + (fs::canonical(outside) / "new.png").string() + ")"), r.output.c_str());
    QVERIFY2(mentions(r.output, "edits.jsonl:6: error: \"out\": ") && mentions(r.output, "is a results file of the batch"),
             r.output.c_str());
    QVERIFY2(mentions(r.output, "shard 0/1: 1 edited, 0 done already, 6 failed"), r.output.c_str());
    QCOMPARE(test::read_bytes(photo), std::string("a photo that must stay"));
    QVERIFY(fs::is_symlink(out / "linked-photo.png"));
    std::vector<std::string> outside_files;
    for (const auto& entry : fs::directory_iterator(outside)) outside_files.push_back(entry.path().filename().string());
    QCOMPARE(outside_files, std::vector<std::string>{"photo.png"});
    QVERIFY(fs::is_regular_file(out / "good.png") && fs::is_regular_file(out / "good-mask.png"));
    QVERIFY(!fs::is_symlink(out / "dangling.png") && fs::is_regular_file(out / "dangling.png"));
    QVERIFY(!fs::exists(out / "fine.png"));
    const auto records = read_records(out / "results-0-of-1.jsonl");
    QCOMPARE(records.size(), size_t(7));
  }

  // A raw 0xFF byte in a line (its parse error quotes it), a list where one path goes, and an
  // output folder that is a file each fail their own line only; messages are printable.
  void lineFailuresDoNotEndTheBatch() {
    const fs::path folder = dir_ / "utf8", out = folder / "out";
    fs::create_directories(out);
    write_defaults(folder);
    write_text(out / "blocker.png", "a file where a folder would go");
    write_text(folder / "edits.jsonl",
               std::string("{\"prompt\": \"a \xFF cat\", \"edit\": \"with a robotic <quadruped-head>\", \"out\": \"a.png\"}\n") +
               line_writing({{"out", "b.png"}, {"eval-mask", json::array({"m1.png", "m2.png"})}}) +
               line_writing({{"out", "blocker.png/c.png"}}) +
               edit_line("good.png"));
    const auto r = batch(folder, out);
    QCOMPARE(r.exit_code, 1);
    QVERIFY2(mentions(r.output, "shard 0/1: 1 edited, 0 done already, 3 failed"), r.output.c_str());
    QVERIFY2(mentions(r.output, "edits.jsonl:1: error: not JSON") && mentions(r.output, "\\xFF"), r.output.c_str());
    QVERIFY2(!mentions(r.output, "\xFF"), "a raw byte reached the terminal");
    QVERIFY2(mentions(r.output, "edits.jsonl:2: error: \"eval-mask\" takes one path"), r.output.c_str());
    QVERIFY2(mentions(r.output, "edits.jsonl:3: error: ") && mentions(r.output, "blocker.png"), r.output.c_str());
    QVERIFY(fs::is_regular_file(out / "good.png"));
    const auto records = read_records(out / "results-0-of-1.jsonl");  // valid JSON, every line
    QCOMPARE(records.size(), size_t(4));
    QVERIFY(mentions(records[0]["error"].get<std::string>(), "\\xFF"));
    const auto merged = test::run_cli({"batch", "--merge", out.string()});
    QVERIFY2(mentions(merged.output, "4 edits, 3 failed"), merged.output.c_str());
  }

  // --resume trusts a record only for the line and outputs it describes: an output replaced by
  // bytes of the same size runs again, a changed line runs again, a record of an edit the
  // manifest lacks and a last record cut short are refused (and compacted away), and
  // --merge refuses them while they are there.
  void resumeChecksRecordsAndOutputs() {
    const fs::path folder = dir_ / "resume", out = folder / "out";
    fs::create_directories(folder);
    write_defaults(folder);
    write_text(folder / "edits.jsonl", edit_line("a.png", 1) + edit_line("b.png", 2));
    const auto first = batch(folder, out);
    QVERIFY2(first.exit_code == 0, first.output.c_str());
    const fs::path results = out / "results-0-of-1.jsonl";
    auto records = read_records(results);
    QCOMPARE(records.size(), size_t(2));
    const std::string a_bytes = test::read_bytes(out / "a.png");
    QCOMPARE(records[0]["files"]["out"]["bytes"].get<size_t>(), a_bytes.size());
    QCOMPARE(records[0]["files"]["out"]["fnv1a64"].get<std::string>().size(), size_t(16));

    // a.png replaced by garbage of its size; line 2 changed; a record of edit 7 of 2; a torn tail.
    write_text(out / "a.png", std::string(a_bytes.size(), 'x'));
    write_text(folder / "edits.jsonl", edit_line("a.png", 1) + edit_line("b.png", 3));
    json foreign = records[1];
    foreign["index"] = 7;
    foreign["line"] = 8;
    append_text(results, foreign.dump() + "\n{\"line\": 1, \"index\": 0, \"sta");
    test::verify_cli_fails({"batch", "--merge", out.string()}, "ends in a record cut short");

    const auto resumed = batch(folder, out, {"--resume"});
    QVERIFY2(resumed.exit_code == 0, resumed.output.c_str());
    for (const char* message :
         {"refused the record of edit 7 (the manifest has 2 edits); left out of the results",
          "refused the record of edit 1 (line 2 of the manifest is not what it ran); it runs again",
          "edits.jsonl:1: runs again: a.png has changed since it was written", "2 of 2 edits, 2 to run"})
      QVERIFY2(mentions(resumed.output, message), qPrintable(QString::fromStdString(std::string("no '") + message + "' in:\n" + resumed.output)));
    QCOMPARE(test::read_bytes(out / "a.png"), a_bytes);  // the same edit again
    records = read_records(results);  // compacted: each edit once
    QCOMPARE(records.size(), size_t(2));
    QVERIFY(records[0]["index"] != records[1]["index"]);

    const auto again = batch(folder, out, {"--resume"});
    QVERIFY2(mentions(again.output, "2 done already, 0 to run"), again.output.c_str());
    const auto merged = test::run_cli({"batch", "--merge", out.string()});
    QVERIFY2(merged.exit_code == 0, merged.output.c_str());
    QCOMPARE(read_records(out / "results.jsonl").size(), size_t(2));

    append_text(results, foreign.dump() + "\n");
    test::verify_cli_fails({"batch", "--merge", out.string()}, "holds a record of edit 7, but its manifest has 2 edits");
    QCOMPARE(read_records(out / "results.jsonl").size(), size_t(2));  // not merged in
  }

  // A key given twice in a line is that line's error naming the key; in the defaults file it
  // stops the batch, naming the file. --out naming a file says so.
  void duplicateKeysAndOutAsFile() {
    const fs::path folder = dir_ / "keys", out = folder / "out";
    fs::create_directories(folder);
    write_defaults(folder);
    write_text(folder / "edits.jsonl",
               "{\"prompt\": \"a cat\", \"edit\": \"with a robotic <quadruped-head>\", \"seed\": 1, \"seed\": 2, \"out\": \"a.png\"}\n");
    const auto r = batch(folder, out);
    QCOMPARE(r.exit_code, 1);
    QVERIFY2(mentions(r.output, "edits.jsonl:1: error: the key \"seed\" is given twice"), r.output.c_str());
    QVERIFY2(mentions(r.output, "0 edited, 0 done already, 1 failed"), r.output.c_str());

    write_text(folder / "dup-defaults.json", "{\"steps\": 2, \"width\": 64, \"steps\": 3}");
    test::verify_cli_fails({"batch", (folder / "edits.jsonl").string(), "--defaults", (folder / "dup-defaults.json").string(),
                            "--out", (folder / "out2").string()},
                           "dup-defaults.json: the key \"steps\" is given twice");

    write_text(folder / "a-file", "not a folder");
    test::verify_cli_fails({"batch", (folder / "edits.jsonl").string(), "--out", (folder / "a-file").string()},
                           "--out " + (folder / "a-file").string() + " is a file, not a folder");
    QCOMPARE(test::read_bytes(folder / "a-file"), std::string("not a folder"));
  }
};

PARTEDIT_TEST(TestCliBatchSafety);
}  // namespace test_cli_batch_safety
#include "test_cli_batch_safety.moc"
