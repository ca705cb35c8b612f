// packaging/cluster's Slurm scripts without Slurm: their command lines run with the array
// variables set by hand; two shards (CPU and GPU variants, the GPU one on the CPU here) and
// the merge script give the same images and tables as one unsharded run.
#include <QtTest>

#include <fstream>

#include <ATen/ATen.h>

#include "editing/part_token.h"
#include "support/test_support.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_cli_cluster {

using namespace partedit;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

fs::path cluster_dir() { return test::data_dir().parent_path().parent_path() / "packaging" / "cluster"; }

// bash SCRIPT ARGS with `environment` added (what Slurm would set), stdout and stderr together.
test::CliResult run_script(const std::string& script, const QStringList& args, const std::map<QString, QString>& environment) {
  QProcess process;
  QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
  for (const char* name : {"SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT", "SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_STEP"})
    env.remove(name);
  env.insert("PARTEDIT_CLI", QString::fromStdString(test::cli_path().string()));
  for (const auto& [name, value] : environment) env.insert(name, value);
  process.setProcessEnvironment(env);
  process.setProcessChannelMode(QProcess::MergedChannels);
  process.start("bash", QStringList{QString::fromStdString((cluster_dir() / script).string())} + args);
  test::CliResult result;
  if (!process.waitForFinished(600000)) return result;
  result.output = process.readAll().toStdString();
  result.exit_code = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : 128;
  return result;
}

}  // namespace

class TestCliCluster : public QObject {
  Q_OBJECT
  test::TempDir dir_;

 private Q_SLOTS:
  void initTestCase() {
    if (qEnvironmentVariableIsEmpty("PARTEDIT_THREADS")) qputenv("PARTEDIT_THREADS", "1");
    fs::create_directories(dir_ / "tokens");
    PartToken token;
    auto generator = at::detail::createCPUGenerator(5);
    token.embedding = at::randn({2, 64}, generator);
    token.part_name = "quadruped-head";
    write_part_token(dir_ / "tokens" / "quadruped-head.safetensors", token);
    std::ofstream(dir_ / "defaults.json") << json({{"model", test::tiny_sdxl_dir().string()}, {"library", "tokens"},
                                                   {"steps", 2}, {"scheduler", "ddim"}, {"width", 64}, {"height", 64}})
                                                 .dump();
    std::ofstream manifest(dir_ / "edits.jsonl");
    const char* edits[] = {"a robotic", "a golden", "a furry", "a wooden", "a glass"};
    for (int i = 0; i < 5; ++i)
      manifest << json({{"prompt", "a photo of a cat"}, {"edit", std::string("with ") + edits[i] + " <quadruped-head>"},
                        {"seed", 10 + i}, {"out", "edit-" + std::to_string(i) + ".png"}})
                      .dump()
               << "\n";
  }

  void twoArrayTasksAndTheMergeEqualOneRun() {
    const std::string manifest = (dir_ / "edits.jsonl").string(), defaults = (dir_ / "defaults.json").string();
    const auto single = test::run_cli({"batch", manifest, "--out", (dir_ / "single").string(), "--defaults", defaults, "--eval"});
    QVERIFY2(single.exit_code == 0, single.output.c_str());
    QVERIFY(test::run_cli({"batch", "--merge", (dir_ / "single").string()}).exit_code == 0);

    // `sbatch --array=1-2`: task ids 1 and 2, the first is 1.
    const QString out = QString::fromStdString((dir_ / "array").string());
    const QStringList args = {QString::fromStdString(manifest), out, "--defaults", QString::fromStdString(defaults), "--eval"};
    const auto cpu = run_script("partedit-batch-cpu.sbatch", args,
                                {{"SLURM_ARRAY_TASK_ID", "1"}, {"SLURM_ARRAY_TASK_COUNT", "2"}, {"SLURM_ARRAY_TASK_MIN", "1"}});
    QVERIFY2(cpu.exit_code == 0, cpu.output.c_str());
    QVERIFY2(cpu.output.find("shard 0/2: 3 of 5 edits") != std::string::npos, cpu.output.c_str());
    const auto gpu = run_script("partedit-batch-gpu.sbatch", args,
                                {{"SLURM_ARRAY_TASK_ID", "2"}, {"SLURM_ARRAY_TASK_COUNT", "2"}, {"SLURM_ARRAY_TASK_MIN", "1"},
                                 {"PARTEDIT_DEVICE", "cpu"}});
    QVERIFY2(gpu.exit_code == 0, gpu.output.c_str());
    QVERIFY2(gpu.output.find("shard 1/2: 2 of 5 edits") != std::string::npos, gpu.output.c_str());
    const auto merged = run_script("partedit-merge.sbatch", {out}, {});
    QVERIFY2(merged.exit_code == 0, merged.output.c_str());

    for (const char* name : {"results.jsonl", "results.csv", "means.jsonl", "means.csv", "edit-0.png", "edit-1.png",
                             "edit-2.png", "edit-3.png", "edit-4.png"}) {
      const std::string a = test::read_bytes(dir_ / "single" / name), b = test::read_bytes(dir_ / "array" / name);
      QVERIFY2(!a.empty() && a == b, name);
    }
    // A requeued task (same variables again) finds its lines done.
    const auto again = run_script("partedit-batch-cpu.sbatch", args,
                                  {{"SLURM_ARRAY_TASK_ID", "1"}, {"SLURM_ARRAY_TASK_COUNT", "2"}, {"SLURM_ARRAY_TASK_MIN", "1"}});
    QVERIFY2(again.output.find("3 done already, 0 to run") != std::string::npos, again.output.c_str());
  }

  void outsideAnArrayTheScriptsSaySo() {
    const QStringList args = {QString::fromStdString((dir_ / "edits.jsonl").string()), "out"};
    for (const char* script : {"partedit-batch-cpu.sbatch", "partedit-batch-gpu.sbatch"}) {
      const auto r = run_script(script, args, {});
      QVERIFY(r.exit_code != 0);
      QVERIFY2(r.output.find("not an array task") != std::string::npos, r.output.c_str());
      const auto stepped = run_script(script, args, {{"SLURM_ARRAY_TASK_ID", "0"}, {"SLURM_ARRAY_TASK_COUNT", "2"},
                                                     {"SLURM_ARRAY_TASK_STEP", "2"}});
      QVERIFY2(stepped.output.find("use a contiguous array") != std::string::npos, stepped.output.c_str());
    }
    const auto merge = run_script("partedit-merge.sbatch", {}, {});
    QVERIFY(merge.exit_code != 0);
    QVERIFY2(merge.output.find("usage: sbatch partedit-merge.sbatch OUT") != std::string::npos, merge.output.c_str());
  }
};

PARTEDIT_TEST(TestCliCluster);
}  // namespace test_cli_cluster
#include "test_cli_cluster.moc"
