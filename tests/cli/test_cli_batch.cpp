// partedit-cli batch on tiny-sdxl: a manifest split into shards and merged gives the same
// images and tables as one process; --resume after a shard is killed mid-line repeats only
// that line; malformed lines are reported by line number while the others run; paths,
// defaults, grouping by model and the merge's checks.
#include <QtTest>

#include <fstream>
#include <set>

#include <ATen/ATen.h>

#include "editing/part_token.h"
#include "io/image_io.h"
#include "support/test_support.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_cli_batch {

using namespace partedit;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

std::vector<json> read_records(const fs::path& path) {
  std::vector<json> records;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) records.push_back(json::parse(line));
  return records;
}

size_t count_of(const std::string& text, const std::string& word) {
  size_t n = 0;
  for (size_t at = text.find(word); at != std::string::npos; at = text.find(word, at + 1)) ++n;
  return n;
}

// The files under `dir` (relative names) and their bytes.
std::map<std::string, std::string> files_under(const fs::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir))
    if (entry.is_regular_file()) files[fs::relative(entry.path(), dir).string()] = test::read_bytes(entry.path());
  return files;
}

}  // namespace

class TestCliBatch : public QObject {
  Q_OBJECT
  test::TempDir dir_;

  fs::path library() const { return dir_ / "tokens"; }

  // Keys every line of these manifests shares (a defaults file).
  fs::path write_defaults(const fs::path& folder, int steps = 2) const {
    const json defaults = {{"model", test::tiny_sdxl_dir().string()}, {"library", library().string()},
                           {"steps", steps}, {"scheduler", "ddim"}, {"width", 64}, {"height", 64}};
    write_text(folder / "defaults.json", defaults.dump());
    return folder / "defaults.json";
  }

  // Six edits: two parts, three edits, one of them without a seed (the line number is used).
  fs::path write_six_edits(const fs::path& folder) const {
    fs::create_directories(folder);
    const std::vector<json> lines = {
        {{"prompt", "a photo of a cat"}, {"edit", "with a robotic <quadruped-head>"}, {"seed", 1}, {"out", "cat-robot.png"}, {"mask-out", "cat-robot-mask.png"}},
        {{"prompt", "a photo of a dog"}, {"edit", "with a robotic <quadruped-head>"}, {"seed", 2}, {"out", "dog-robot.png"}},
        {{"prompt", "a photo of a man"}, {"edit", "with blonde <human-hair>"}, {"seed", 3}, {"out", "man-blonde.png"}},
        {{"prompt", "a photo of a woman"}, {"edit", "with blonde <human-hair>"}, {"out", "woman-blonde.png"}},
        {{"prompt", "a photo of a cat"}, {"edit", "with a golden <quadruped-head>"}, {"seed", 5}, {"t-e", 1}, {"out", "sub/cat-gold.png"}},
        {{"prompt", "a photo of a man"}, {"edit", "with red <human-hair>"}, {"seed", 6}, {"omega", 1.2}, {"out", "man-red.png"}},
    };
    std::string text;
    for (const auto& line : lines) text += line.dump() + "\n";
    write_text(folder / "edits.jsonl", text);
    write_defaults(folder);
    return folder / "edits.jsonl";
  }

  test::CliResult batch(const fs::path& manifest, const fs::path& out, std::vector<std::string> more = {}) const {
    std::vector<std::string> args = {"batch", manifest.string(), "--defaults", (manifest.parent_path() / "defaults.json").string(),
                                     "--out", out.string()};
    args.insert(args.end(), more.begin(), more.end());
    return test::run_cli(args);
  }

 private Q_SLOTS:
  void initTestCase() {
    if (qEnvironmentVariableIsEmpty("PARTEDIT_THREADS")) qputenv("PARTEDIT_THREADS", "1");
    fs::create_directories(library());
    uint64_t seed = 1;
    for (const char* part : {"quadruped-head", "human-hair"}) {
      PartToken token;
      auto generator = at::detail::createCPUGenerator(seed++);
      token.embedding = at::randn({2, 64}, generator);
      token.part_name = part;
      write_part_token(library() / (std::string(part) + ".safetensors"), token);
    }
  }

  // The check: 6 edits in one shard vs three shards (separate processes) + merge give
  // byte-identical images and tables, with PSNR/SSIM scores.
  void threeShardsMergedEqualOneShard() {
    const fs::path manifest = write_six_edits(dir_ / "six");
    const fs::path one = dir_ / "six-one", three = dir_ / "six-three";
    const auto whole = batch(manifest, one, {"--eval"});
    QVERIFY2(whole.exit_code == 0, whole.output.c_str());
    QVERIFY2(whole.output.find("shard 0/1: 6 edited, 0 done already, 0 failed") != std::string::npos, whole.output.c_str());
    QCOMPARE(count_of(whole.output, "loading "), size_t(1));  // the model is loaded once and kept
    for (int shard = 0; shard < 3; ++shard) {
      const auto r = batch(manifest, three, {"--eval", "--shard", std::to_string(shard) + "/3"});
      QVERIFY2(r.exit_code == 0, r.output.c_str());
      QVERIFY2(r.output.find("shard " + std::to_string(shard) + "/3: 2 edited") != std::string::npos, r.output.c_str());
    }
    for (const fs::path& out : {one, three}) {
      const auto merged = test::run_cli({"batch", "--merge", out.string()});
      QVERIFY2(merged.exit_code == 0, merged.output.c_str());
      QVERIFY2(merged.output.find("6 edits, 0 failed, 6 scored") != std::string::npos, merged.output.c_str());
    }
    auto a = files_under(one), b = files_under(three);
    for (auto* files : {&a, &b})
      for (auto it = files->begin(); it != files->end();)
        it = it->first.rfind("results-", 0) == 0 ? files->erase(it) : std::next(it);  // the shards' own files
    std::set<std::string> names_a, names_b;
    for (const auto& [name, bytes] : a) names_a.insert(name);
    for (const auto& [name, bytes] : b) names_b.insert(name);
    QVERIFY(names_a == names_b);
    QCOMPARE(a.size(), size_t(6 + 1 + 4));  // 6 edits, 1 mask, results and means as JSON Lines and CSV
    for (const auto& [name, bytes] : a) QVERIFY2(bytes == b.at(name), name.c_str());

    // The table: manifest order, the seed of the line without one is its line number, the
    // parts and edits as written, scores for each edit.
    const auto rows = read_records(one / "results.jsonl");
    QCOMPARE(rows.size(), size_t(6));
    for (size_t i = 0; i < rows.size(); ++i) {
      QCOMPARE(rows[i]["index"].get<size_t>(), i);
      QCOMPARE(rows[i]["status"].get<std::string>(), std::string("ok"));
      QVERIFY(!rows[i].contains("seconds") && !rows[i].contains("shard"));
      QVERIFY(rows[i]["scores"]["ssim"].get<double>() > -1 && rows[i]["scores"]["ssim"].get<double>() <= 1);
    }
    QCOMPARE(rows[3]["seed"].get<int>(), 4);
    QCOMPARE(rows[0]["part"].get<std::string>(), std::string("quadruped-head"));
    QCOMPARE(rows[0]["edit"].get<std::string>(), std::string("a robotic"));
    QCOMPARE(rows[4]["outputs"]["out"].get<std::string>(), std::string("sub/cat-gold.png"));
    const auto csv = test::read_bytes(one / "results.csv");
    QCOMPARE(count_of(csv, "\n"), size_t(7));
    QVERIFY(csv.rfind("line,status,part,edit,prompt,edit_prompt,seed,model,out,clip_fg,clip_bg,psnr,", 0) == 0);

    // Means per part and per edit, recomputed here from the rows.
    std::map<std::string, std::vector<double>> ssim_by;
    for (const auto& row : rows) {
      const double ssim = row["scores"]["ssim"].get<double>();
      ssim_by["all/"].push_back(ssim);
      ssim_by["part/" + row["part"].get<std::string>()].push_back(ssim);
      ssim_by["edit/" + row["edit"].get<std::string>()].push_back(ssim);
    }
    const auto means = read_records(one / "means.jsonl");
    QCOMPARE(means.size(), size_t(1 + 2 + 4));
    for (const auto& m : means) {
      const auto& values = ssim_by.at(m["group"].get<std::string>() + "/" + m["name"].get<std::string>());
      double sum = 0;
      for (double v : values) sum += v;
      QCOMPARE(m["edits"].get<size_t>(), values.size());
      QVERIFY(std::abs(m["ssim"].get<double>() - sum / double(values.size())) <= 1e-12);
    }
  }

  // A shard killed while it edits line 2 leaves line 1's outputs and result and nothing half
  // written; --resume runs lines 2 and 3 only, and the outputs equal an uninterrupted run's.
  void resumeAfterKillRepeatsOnlyTheUnfinishedLine() {
    const fs::path folder = dir_ / "kill";
    fs::create_directories(folder);
    write_defaults(folder);
    const std::vector<json> lines = {
        {{"prompt", "a photo of a cat"}, {"edit", "with a robotic <quadruped-head>"}, {"seed", 1}, {"out", "first.png"}},
        // Long enough to be killed in the middle: 192 x 192 and 12 steps.
        {{"prompt", "a photo of a dog"}, {"edit", "with a robotic <quadruped-head>"}, {"seed", 2}, {"steps", 12},
         {"width", 192}, {"height", 192}, {"out", "second.png"}, {"save-masks", "second-masks.safetensors"}},
        {{"prompt", "a photo of a man"}, {"edit", "with blonde <human-hair>"}, {"seed", 3}, {"out", "third.png"}},
    };
    std::string text;
    for (const auto& line : lines) text += line.dump() + "\n";
    write_text(folder / "edits.jsonl", text);
    const fs::path out = folder / "out", reference = folder / "reference";
    const auto full = batch(folder / "edits.jsonl", reference);
    QVERIFY2(full.exit_code == 0, full.output.c_str());

    QProcess shard;
    shard.setProcessChannelMode(QProcess::MergedChannels);
    shard.start(QString::fromStdString(test::cli_path().string()),
                {"batch", QString::fromStdString((folder / "edits.jsonl").string()), "--defaults",
                 QString::fromStdString((folder / "defaults.json").string()), "--out", QString::fromStdString(out.string())});
    QVERIFY(shard.waitForStarted());
    const fs::path results = out / "results-0-of-1.jsonl";
    // Killed once line 2 reports its first denoising step (of 12; the only line with 12):
    // line 1 is recorded by then, and 11 steps are left.
    std::string killed_log;
    QElapsedTimer waited;
    waited.start();
    while (killed_log.find("step 1/12,") == std::string::npos) {
      QVERIFY2(shard.state() == QProcess::Running, ("the shard ended before line 2 began:\n" + killed_log).c_str());
      QVERIFY2(waited.elapsed() < 300000, ("no progress of line 2 in 300 s:\n" + killed_log).c_str());
      shard.waitForReadyRead(1000);
      killed_log += shard.readAll().toStdString();
    }
    shard.kill();
    QVERIFY(shard.waitForFinished());
    killed_log += shard.readAll().toStdString();
    QVERIFY2(killed_log.find("[2/3] edits.jsonl:2") != std::string::npos, killed_log.c_str());
    QCOMPARE(read_records(results).size(), size_t(1));
    QVERIFY(fs::exists(out / "first.png"));
    QVERIFY2(!fs::exists(out / "second.png"), "line 2 finished before the kill; the test needs it unfinished");

    const auto resumed = batch(folder / "edits.jsonl", out, {"--resume"});
    QVERIFY2(resumed.exit_code == 0, resumed.output.c_str());
    QVERIFY2(resumed.output.find("1 done already, 2 to run") != std::string::npos, resumed.output.c_str());
    QVERIFY(resumed.output.find("edits.jsonl:1") == std::string::npos);
    QVERIFY(resumed.output.find("[1/2] edits.jsonl:2") != std::string::npos);
    QVERIFY(resumed.output.find("[2/2] edits.jsonl:3") != std::string::npos);
    const auto records = read_records(results);
    QCOMPARE(records.size(), size_t(3));
    for (const char* name : {"first.png", "second.png", "third.png", "second-masks.safetensors"})
      QVERIFY2(test::read_bytes(out / name) == test::read_bytes(reference / name), name);
    for (const auto& entry : fs::directory_iterator(out))  // no temporary file is left
      QVERIFY2(entry.path().filename().string().find(".tmp") == std::string::npos, entry.path().c_str());

    // Resuming a finished shard runs nothing; without --resume the results are not replaced.
    const auto again = batch(folder / "edits.jsonl", out, {"--resume"});
    QVERIFY2(again.output.find("3 done already, 0 to run") != std::string::npos, again.output.c_str());
    test::verify_cli_fails({"batch", (folder / "edits.jsonl").string(), "--out", out.string()},
                           "results-0-of-1.jsonl exists: give --resume");
  }

  // Malformed lines are reported with their line numbers; the others still run; the merge
  // counts the failures and exits 1.
  void malformedLinesAreReportedByLineNumber() {
    const fs::path folder = dir_ / "bad";
    fs::create_directories(folder);
    write_defaults(folder);
    const std::string good1 = json({{"prompt", "a photo of a cat"}, {"edit", "with a robotic <quadruped-head>"}, {"seed", 1}, {"out", "a.png"}}).dump();
    const std::string good2 = json({{"prompt", "a photo of a man"}, {"edit", "with blonde <human-hair>"}, {"seed", 2}, {"out", "b.png"}}).dump();
    write_text(folder / "edits.jsonl",  // lines 2 and 4-9 are wrong, 3 is blank
               good1 + "\n" +
               "{\"prompt\": \"a cat\", \"edit\": \"with a red <quadruped-head>\", \"out\": \n" +           // 2: cut short
               "\n" +                                                                                         // 3: blank
               "{\"prompt\": \"a cat\", \"edit\": \"with x <quadruped-head>\", \"out\": \"c.png\", \"colour\": 1}\n" +  // 4
               "{\"prompt\": \"a cat\", \"edit\": \"with x <quadruped-head>\", \"out\": \"a.png\"}\n" +      // 5: a.png again
               "{\"prompt\": \"a cat\", \"edit\": \"with x <quadruped-head>\", \"out\": \"d.png\", \"steps\": \"many\"}\n" +  // 6
               "{\"prompt\": \"a cat\", \"edit\": \"with x <tail>\", \"out\": \"e.png\"}\n" +                 // 7: no such part
               "[1, 2]\n" +                                                                                   // 8
               "{\"prompt\": \"a cat\", \"edit\": \"with x <quadruped-head>\", \"out\": \"f.png\", \"device\": \"cuda\"}\n" +  // 9
               good2 + "\n");
    const fs::path out = folder / "out";
    const auto r = batch(folder / "edits.jsonl", out);
    QCOMPARE(r.exit_code, 1);
    for (const char* message :
         {"edits.jsonl:2: error: not JSON", "edits.jsonl:4: error: unknown key \"colour\"",
          "edits.jsonl:5: error: writes " , "which line 1 writes too", "edits.jsonl:6: error: --steps expects a number, got 'many'",
          "edits.jsonl:7: error: no part token 'tail'", "edits.jsonl:8: error: a line must be a JSON object",
          "edits.jsonl:9: error: \"device\" is set for the whole batch", "shard 0/1: 2 edited, 0 done already, 7 failed"})
      QVERIFY2(r.output.find(message) != std::string::npos, qPrintable(QString::fromStdString(std::string("no '") + message + "' in:\n" + r.output)));
    QVERIFY(fs::exists(out / "a.png") && fs::exists(out / "b.png"));
    const auto merged = test::run_cli({"batch", "--merge", out.string()});
    QCOMPARE(merged.exit_code, 1);
    QVERIFY2(merged.output.find("9 edits, 7 failed, 0 scored") != std::string::npos, merged.output.c_str());
    const auto rows = read_records(out / "results.jsonl");
    QCOMPARE(rows[1]["line"].get<int>(), 2);
    QCOMPARE(rows[1]["status"].get<std::string>(), std::string("error"));
    QCOMPARE(rows.size(), size_t(9));
    QCOMPARE(rows[8]["line"].get<int>(), 10);
  }

  // Relative inputs are found next to the manifest (or the defaults file), outputs under
  // --out; lines of one model run together, so two models interleaved load twice, not four times.
  void pathsAndModelGroups() {
    const fs::path folder = dir_ / "paths";
    // Two copies of the same weights under the same name (the name is in each image's
    // parameters): the same edit gives the same bytes from either.
    fs::create_directories(folder / "models" / "a");
    fs::create_directories(folder / "models" / "b");
    fs::copy(test::tiny_sdxl_dir(), folder / "models" / "a" / "tiny", fs::copy_options::recursive);
    fs::copy(test::tiny_sdxl_dir(), folder / "models" / "b" / "tiny", fs::copy_options::recursive);
    fs::create_directories(folder / "shared");
    write_text(folder / "shared" / "defaults.json",
               json({{"library", "../../tokens"}, {"steps", 2}, {"scheduler", "ddim"}, {"width", 64}, {"height", 64},
                     {"prompt", "a photo of a cat"}, {"edit", "with a robotic <quadruped-head>"}}).dump());
    fs::create_directories(folder / "lists");
    std::string text;
    for (int i = 0; i < 4; ++i)  // lines 1 and 2 (3 and 4) are one edit on either copy
      text += json({{"model", std::string("../models/") + (i % 2 ? "b" : "a") + "/tiny"}, {"seed", i / 2},
                    {"out", "e" + std::to_string(i) + ".png"}}).dump() + "\n";
    write_text(folder / "lists" / "edits.jsonl", text);
    const auto r = test::run_cli({"batch", (folder / "lists" / "edits.jsonl").string(), "--defaults",
                                  (folder / "shared" / "defaults.json").string(), "--out", (folder / "out").string(),
                                  "--timings"});
    QVERIFY2(r.exit_code == 0, r.output.c_str());
    const json timings = json::parse(test::last_line(r.output));
    QCOMPARE(timings["edits"].get<int>(), 4);
    QVERIFY(timings["images_per_minute"].get<double>() > 0 && timings.contains("peak_rss_mb"));
    QCOMPARE(count_of(r.output, "loading "), size_t(2));
    // Lines 1 and 3 (model a) ran first, then 2 and 4.
    QVERIFY(r.output.find("[2/4] edits.jsonl:3") != std::string::npos);
    std::vector<std::string> images;
    for (int i = 0; i < 4; ++i) images.push_back(test::read_bytes(folder / "out" / ("e" + std::to_string(i) + ".png")));
    for (const auto& bytes : images) QVERIFY(!bytes.empty());
    // The same edit on the same weights gives the same bytes, whichever model folder it came from.
    QVERIFY2(images[0] == images[1], "seed 0: the copies in a/ and b/ give different bytes");
    QVERIFY2(images[2] == images[3], "seed 1: the copies in a/ and b/ give different bytes");
    QVERIFY2(images[0] != images[2], "seeds 0 and 1 give the same image: the comparison above proves nothing");
    const auto rows = read_records(folder / "out" / "results-0-of-1.jsonl");
    QCOMPARE(rows.size(), size_t(4));
    for (const auto& row : rows)  // in the order run: the shard's table is merged by line later
      QCOMPARE(row["model"].get<std::string>(),
               (folder / "models" / (row["line"].get<int>() % 2 ? "a" : "b") / "tiny").lexically_normal().string());
  }

  // A photo line with the benchmark's own part mask ("eval-mask") and CLIP scores: the scores
  // are eval's on the written image, the photo and that mask. (null removes a default's key.)
  void photoLineScoredWithItsMaskAndClip() {
    const fs::path folder = dir_ / "photo";
    fs::create_directories(folder / "masks");
    write_defaults(folder);
    const fs::path clip = folder / "clip";
    QVERIFY(test::run_cli({"make-tiny-model", "--family", "clip", "--out", clip.string()}).exit_code == 0);
    const int64_t H = 64, W = 64;
    const at::Tensor photo = at::linspace(0, 1, W).view({1, 1, W}).expand({3, H, W}).contiguous();
    write_image(folder / "photo.png", photo);
    at::Tensor mask = at::zeros({H, W});
    mask.narrow(0, 16, 24).narrow(1, 20, 28).fill_(1);
    write_image(folder / "masks" / "photo.png", mask.unsqueeze(0).expand({3, H, W}));
    write_text(folder / "edits.jsonl",
               json({{"image", "photo.png"}, {"width", nullptr}, {"height", nullptr}, {"prompt", "a photo of a cat"}, {"edit", "with a robotic <quadruped-head>"},
                     {"seed", 4}, {"no-cache", true}, {"eval-mask", "masks/photo.png"}, {"out", "photo-robot.png"}})
                       .dump() + "\n");
    const fs::path out = folder / "out";
    const auto r = batch(folder / "edits.jsonl", out, {"--eval", "--clip-model", clip.string()});
    QVERIFY2(r.exit_code == 0, r.output.c_str());
    const auto record = read_records(out / "results-0-of-1.jsonl").at(0);
    const auto& scores = record["scores"];
    QCOMPARE(scores["part_fraction"].get<double>(), 24.0 * 28.0 / double(H * W));
    const auto eval = test::run_cli({"eval", "--source", (folder / "photo.png").string(), "--edited",
                                     (out / "photo-robot.png").string(), "--mask", (folder / "masks" / "photo.png").string(),
                                     "--prompt", record["edit_prompt"].get<std::string>(), "--clip-model", clip.string()});
    QVERIFY2(eval.exit_code == 0, eval.output.c_str());
    const json expected = json::parse(test::last_line(eval.output));
    for (const char* key : {"clip_fg", "clip_bg", "psnr", "background_mse", "ssim"})
      QVERIFY2(std::abs(scores[key].get<double>() - expected[key].get<double>()) <= 1e-9 * (1 + std::abs(expected[key].get<double>())), key);
  }

  void mergeChecksTheShards() {
    const fs::path folder = dir_ / "merge";
    const fs::path manifest = write_six_edits(folder);
    const fs::path out = folder / "out";
    QVERIFY(batch(manifest, out, {"--shard", "0/2"}).exit_code == 0);
    test::verify_cli_fails({"batch", "--merge", out.string()}, "shard 1/2 has no results");
    QVERIFY(batch(manifest, out, {"--shard", "0/3"}).exit_code == 0);
    test::verify_cli_fails({"batch", "--merge", out.string()}, "holds the results of different splits (N = 2, 3)");
    test::verify_cli_fails({"batch", "--merge", (folder / "none").string()}, "no such folder");
    test::verify_cli_fails({"batch", manifest.string(), "--out", out.string(), "--shard", "3/3"}, "--shard I/N needs 0 <= I < N, got 3/3");
    test::verify_cli_fails({"batch", manifest.string(), "--out", out.string(), "--shard", "half"}, "--shard takes I/N");
    test::verify_cli_fails({"batch", manifest.string()}, "missing required option --out");
    test::verify_cli_fails({"batch", "--merge", out.string(), "--shard", "0/2"}, "it takes no --shard");
  }
};

PARTEDIT_TEST(TestCliBatch);
}  // namespace test_cli_batch
#include "test_cli_batch.moc"
