// bench_batch: `partedit-cli batch` on the medium model (256x256, --steps, default 10), 8 edits,
// run as one process with every core, then as two concurrent shards (--shard 0/2 and 1/2) with
// half the cores each, as a job array would on one machine. Wall time from start to the last
// process's exit, model loads included. Prints one JSON line: images per minute for both.
// The program run is partedit-cli of this build (or $PARTEDIT_CLI).
#include <fstream>
#include <thread>

#include <ATen/ATen.h>

#include "bench_common.h"
#include "editing/part_token.h"
#include "pipeline/diffusion_model.h"
#include "pipeline/prompt_encoder.h"

using namespace partedit;
namespace fs = std::filesystem;

namespace {

constexpr int kEdits = 8;

fs::path cli_program() {
  if (const char* cli = std::getenv("PARTEDIT_CLI")) return cli;
#ifdef PARTEDIT_CLI_PATH
  return PARTEDIT_CLI_PATH;
#else
  throw Error("set PARTEDIT_CLI to partedit-cli (this build has none)");
#endif
}

// The manifest of 8 edits (4 prompts x 2 edits) and its defaults, in `dir`.
void write_manifest(const fs::path& dir, const fs::path& model, int steps, int64_t token_width) {
  fs::create_directories(dir / "tokens");
  PartToken token;
  auto generator = at::detail::createCPUGenerator(0);
  token.embedding = at::randn({2, token_width}, generator);
  token.part_name = "quadruped-head";
  write_part_token(dir / "tokens" / "quadruped-head.safetensors", token);
  std::ofstream(dir / "defaults.json") << nlohmann::json{{"model", model.string()}, {"library", "tokens"},
                                                          {"steps", steps}, {"guidance", 7.5}}
                                              .dump();
  std::ofstream manifest(dir / "edits.jsonl");
  const char* prompts[] = {"a photo of a cat", "a photo of a dog", "a photo of a horse", "a photo of a fox"};
  const char* edits[] = {"with a robotic <quadruped-head>", "with a golden <quadruped-head>"};
  for (int i = 0; i < kEdits; ++i)
    manifest << nlohmann::json{{"prompt", prompts[i / 2]}, {"edit", edits[i % 2]}, {"seed", i},
                               {"out", "edit-" + std::to_string(i) + ".png"}}
                    .dump()
             << "\n";
}

// Runs the shards of one layout concurrently, each with `threads` compute threads; wall seconds.
double run_layout(const fs::path& dir, const std::string& name, int shards, int threads, const bench::BenchOptions& o) {
  const fs::path out = dir / name;
  fs::remove_all(out);
  std::vector<std::thread> processes;
  std::vector<int> status(shards, -1);
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < shards; ++i)
    processes.emplace_back([&, i] {
      const std::string command = "PARTEDIT_THREADS=" + std::to_string(threads) + " '" + cli_program().string() +
                                  "' batch '" + (dir / "edits.jsonl").string() + "' --defaults '" +
                                  (dir / "defaults.json").string() + "' --out '" + out.string() + "' --shard " +
                                  std::to_string(i) + "/" + std::to_string(shards) + " --device " + o.device +
                                  " --dtype " + o.dtype + " > '" + (dir / (name + "-" + std::to_string(i) + ".log")).string() +
                                  "' 2>&1";
      status[i] = std::system(command.c_str());
    });
  for (auto& p : processes) p.join();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  for (int i = 0; i < shards; ++i)
    if (status[i] != 0) throw Error(name + " shard " + std::to_string(i) + " failed; see " + (dir / (name + "-" + std::to_string(i) + ".log")).string());
  return seconds;
}

}  // namespace

int main(int argc, char** argv) {
  return bench::run(argc, argv, "bench_batch", /*with_steps=*/true, [](const bench::BenchOptions& options) {
    bench::ModelFolder folder(options);
    const int64_t token_width = DiffusionModel::load(folder.path(), options.compute).prompt_encoder().embed_dim();
    const fs::path dir = fs::temp_directory_path() / ("partedit-bench-batch-" + std::to_string(::getpid()));
    write_manifest(dir, folder.path(), options.steps, token_width);
    const int cores = std::max(2u, std::thread::hardware_concurrency());
    bench::Timings one, two;
    for (int run = 0; run < options.warmup + options.runs; ++run) {
      // Alternated, so that both layouts see the same machine state.
      const double a = run_layout(dir, "one-process", 1, cores, options);
      const double b = run_layout(dir, "two-shards", 2, cores / 2, options);
      if (run < options.warmup) continue;
      one.seconds.push_back(a);
      two.seconds.push_back(b);
    }
    fs::remove_all(dir);
    auto json = bench::report("batch", options, folder, one);
    json["edits"] = kEdits;
    json["steps"] = options.steps;
    json["cores"] = cores;
    json["one_process_s"] = one.median();
    json["two_shards_s"] = two.median();
    json["two_shards_times_s"] = two.seconds;
    json["one_process_images_per_minute"] = 60.0 * kEdits / one.median();
    json["two_shards_images_per_minute"] = 60.0 * kEdits / two.median();
    json["two_shards_over_one_process"] = one.median() / two.median();
    std::cout << json.dump() << std::endl;
  });
}
