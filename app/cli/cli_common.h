#pragma once
// Pieces shared by the commands that run a diffusion model: output-path checks, initial
// latents, Ctrl-C cancellation and the --timings line (their options: options.h).
#include <csignal>
#include <chrono>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <ATen/core/Tensor.h>
#include <nlohmann/json_fwd.hpp>

#include "engine/engine_events.h"
#include "pipeline/text_to_image.h"
#include "runtime/cancel.h"
#include "runtime/compute.h"

namespace partedit {
class DiffusionModel;
}

namespace partedit::cli {

// The output must be writable before minutes of work are spent on it: a known extension
// and an existing folder.
void check_output_path(const std::filesystem::path& path, const std::vector<std::string>& extensions,
                       const char* option);

// Outputs must name distinct files that are not inputs: `--out o.png --source-out ./o.png`
// would leave one image, `edit --image photo.jpg --out photo.jpg` would overwrite the photo.
// `outputs` and `inputs` are (option name, path) pairs as given (options.h given_paths); an
// input that is a folder (--model) protects the files in it. Paths are compared resolved
// (".", "..", symbolic and hard links).
using NamedPaths = std::vector<std::pair<std::string, std::string>>;
void check_distinct_outputs(const NamedPaths& outputs, const NamedPaths& inputs);

// --init-latents FILE: tensor `latents` [1, C, h, w] of unit-variance noise.
at::Tensor read_initial_latents(const std::filesystem::path& path);

// While alive, SIGINT cancels `token` (a second Ctrl-C kills the process).
class InterruptScope {
 public:
  explicit InterruptScope(CancelToken& token);
  ~InterruptScope();
  InterruptScope(const InterruptScope&) = delete;
  InterruptScope& operator=(const InterruptScope&) = delete;

 private:
  struct sigaction previous_ {};
};

// The request's size from its initial latents when --width/--height are absent.
void fill_size_from_latents(const DiffusionModel& model, GenerateRequest& request);

// --timings: one JSON object, the last line of stdout.
struct StageTimes {
  double load = 0, encode = 0, denoise = 0, decode = 0, total_after_load = 0;
  std::vector<std::pair<std::string, double>> extra;  // further stages, printed after decode
};
void print_timings(const StageTimes& times, const ComputeOptions& compute);
// The stages of a generation or edit: the model's load time, the run's own timings and the
// wall time since `after_load`.
StageTimes stage_times(const DiffusionModel& model, const GenerateTimings& timings,
                       std::chrono::steady_clock::time_point after_load);
// A command's own stage fields, followed by the peak memory (RSS, and CUDA on a GPU).
void print_timings(const nlohmann::ordered_json& fields, const ComputeOptions& compute);

// What the engine says, on stderr: status lines as they are, "note: …", "warning: …", and a
// progress line per step ("inversion step 3/50, …" while a photo is inverted for an edit
// when `prefix_inversion`).
EngineListener stderr_listener(bool prefix_inversion = true);

}  // namespace partedit::cli
