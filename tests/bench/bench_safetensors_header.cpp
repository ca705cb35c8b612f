// bench_safetensors_header: open + header parse time of safetensors files holding many
// one-element tensors (10,000 / 40,000 / 100,000 by default), written to a temporary folder.
// Parsing must be linear: the time per tensor should stay about the same as the count grows.
// Prints one JSON line; per-count lines on stderr.
//   bench_safetensors_header [--runs N] [--counts 10000,40000,100000]
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include "io/safetensors.h"
#include "runtime/error.h"
#include "runtime/threads.h"
#include "runtime/elapsed.h"

using namespace partedit;
namespace fs = std::filesystem;

namespace {

struct Options {
  int runs = 3;
  std::vector<size_t> counts = {10000, 40000, 100000};
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if ((a == "--runs" || a == "--counts") && i + 1 < argc) {
      const std::string value = argv[++i];
      try {
        if (a == "--runs") {
          o.runs = std::stoi(value);
        } else {
          o.counts.clear();
          std::stringstream list(value);
          for (std::string item; std::getline(list, item, ',');) o.counts.push_back(std::stoul(item));
        }
      } catch (const std::exception&) {
        throw Error("option " + a + " expects a number or comma-separated numbers, got '" + value + "'");
      }
    } else if (a == "--help" || a == "-h") {
      std::cerr << "usage: " << argv[0] << " [--runs N] [--counts 10000,40000,100000]\n";
      std::exit(0);
    } else {
      throw Error("unknown option or missing value: " + a);
    }
  }
  if (o.runs < 1 || o.counts.empty()) throw Error("--runs must be >= 1 and --counts non-empty");
  return o;
}

// A file of `count` one-element F32 tensors named like a model's ("block.000123.weight").
void write_many(const fs::path& path, size_t count) {
  NamedTensors tensors;
  tensors.reserve(count);
  const auto one = at::ones({1});
  char name[64];
  for (size_t i = 0; i < count; ++i) {
    std::snprintf(name, sizeof name, "block.%06zu.weight", i);
    tensors.emplace_back(name, one);
  }
  write_safetensors(path, tensors);
}

}  // namespace

int main(int argc, char** argv) {
  configure_runtime(argc, argv);
  try {
    const Options options = parse(argc, argv);
    const fs::path dir = fs::temp_directory_path() / ("partedit-bench-header-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    nlohmann::json results = nlohmann::json::array();
    for (const size_t count : options.counts) {
      const fs::path file = dir / ("t" + std::to_string(count) + ".safetensors");
      write_many(file, count);
      std::vector<double> times;
      for (int r = 0; r < options.runs; ++r) {
        const auto t0 = std::chrono::steady_clock::now();
        SafetensorsFile opened(file);
        times.push_back(seconds_since(t0));
        if (opened.entries().size() != count) throw Error("wrong tensor count in " + file.string());
      }
      std::sort(times.begin(), times.end());
      const double median = times[times.size() / 2];
      const double us_per_tensor = 1e6 * median / static_cast<double>(count);
      std::cerr << count << " tensors (" << fs::file_size(file) << " bytes): " << median << " s, " << us_per_tensor
                << " us per tensor\n";
      results.push_back({{"tensors", count},
                         {"file_bytes", fs::file_size(file)},
                         {"median_s", median},
                         {"times_s", times},
                         {"us_per_tensor", us_per_tensor}});
      fs::remove(file);
    }
    fs::remove_all(dir);
    // Linear parsing keeps this near 1; the quadratic parser gave ~ the count ratio.
    const double growth = results.back()["us_per_tensor"].get<double>() / results.front()["us_per_tensor"].get<double>();
    std::cout << nlohmann::json{{"bench", "safetensors_header"},
                                {"runs", options.runs},
                                {"results", results},
                                {"per_tensor_growth_largest_vs_smallest", growth}}
                     .dump()
              << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "bench_safetensors_header: error: " << e.what() << "\n";
    return 1;
  }
}
