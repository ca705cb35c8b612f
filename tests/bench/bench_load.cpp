// bench_load: loading the medium model from its diffusers folder vs from a single-file
// checkpoint of the same weights (fp32 and fp16 files, written with the tests' converter).
// Each load runs in a fresh process (this program re-run with --child), so that its peak
// resident memory is its own. Prints one JSON line: per case the median load time and the
// largest peak RSS (and its growth over the process before loading).
#include <sys/resource.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "bench_common.h"
#include "pipeline/diffusion_model.h"
#include "support/checkpoint_writer.h"

using namespace partedit;
namespace fs = std::filesystem;

namespace {

double peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024.0;  // kilobytes on Linux
}

double current_rss_mb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  return 0;
}

// The child: one load, one JSON line.
int child(int argc, char** argv) {
  configure_runtime(argc, argv);
  // bench_load --child PATH CONFIG_DIR DEVICE DTYPE
  const fs::path path = argv[2];
  ModelLoadOptions options;
  if (std::string(argv[3]) != "-") options.config_dir = argv[3];
  const auto compute = ComputeOptions::parse(argv[4], argv[5]);
  const double before = current_rss_mb();
  InferenceGuard guard(compute.device);
  const auto t0 = std::chrono::steady_clock::now();
  auto model = DiffusionModel::load(path, compute, options);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::cout << nlohmann::json{{"load_s", seconds}, {"rss_before_mb", before}, {"peak_rss_mb", peak_rss_mb()}}.dump()
            << std::endl;
  return 0;
}

nlohmann::json run_child(const fs::path& path, const std::string& config, const bench::BenchOptions& o) {
  const std::string command = "'" + (fs::read_symlink("/proc/self/exe")).string() + "' --child '" + path.string() +
                              "' '" + config + "' " + o.device + " " + o.dtype;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) throw Error("cannot run " + command);
  std::string out;
  char buffer[4096];
  while (fgets(buffer, sizeof buffer, pipe)) out += buffer;
  if (pclose(pipe) != 0) throw Error("the load in a child process failed: " + command);
  return nlohmann::json::parse(bench::last_json_line(out));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 6 && std::string(argv[1]) == "--child") return child(argc, argv);
  return bench::run(argc, argv, "bench_load", /*with_steps=*/false, [](const bench::BenchOptions& options) {
    bench::ModelFolder folder(options);
    const fs::path dir = folder.path().parent_path() / (folder.path().filename().string() + "-files");
    fs::create_directories(dir);
    struct Case {
      std::string name;
      fs::path path;
      std::string config;
    };
    std::vector<Case> cases = {{"folder", folder.path(), "-"}};
    for (const auto dtype : {c10::kFloat, c10::kHalf}) {
      test::CheckpointWriteOptions w;
      w.family = CheckpointFamily::SDXL;
      w.dtype = dtype;
      const fs::path file = dir / (std::string(dtype == c10::kHalf ? "medium-fp16" : "medium-fp32") + ".safetensors");
      test::write_single_file_checkpoint(folder.path(), file, w);
      cases.push_back({dtype == c10::kHalf ? "single_file_fp16" : "single_file_fp32", file, folder.path().string()});
    }
    nlohmann::json json = {{"bench", "load"}, {"model", folder.name()}, {"compute", options.compute.describe()},
                           {"runs", options.runs}};
    for (const auto& c : cases) {
      bench::Timings t;
      double peak = 0, growth = 0;
      for (int i = 0; i < options.runs; ++i) {
        const auto r = run_child(c.path, c.config, options);
        t.seconds.push_back(r["load_s"].get<double>());
        peak = std::max(peak, r["peak_rss_mb"].get<double>());
        growth = std::max(growth, r["peak_rss_mb"].get<double>() - r["rss_before_mb"].get<double>());
      }
      json[c.name] = {{"median_s", t.median()}, {"min_s", t.min()}, {"peak_rss_mb", peak},
                      {"peak_growth_mb", growth}, {"file_mb", c.name == "folder" ? 0.0 : fs::file_size(c.path) / 1048576.0}};
    }
    std::error_code ec;
    fs::remove_all(dir, ec);
    std::cout << json.dump() << std::endl;
  });
}
