#pragma once
// Pieces shared by the commands that run a diffusion model: output-path checks, initial
// latents, Ctrl-C cancellation, the generation options and the --timings line.
#include <csignal>
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>
#include <nlohmann/json_fwd.hpp>

#include "args.h"
#include "engine/engine_events.h"
#include "pipeline/model_load_options.h"
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
// `outputs` and `inputs` are option names (repeatable ones included); an input that is a
// folder (--model) protects the files in it. Paths are compared resolved (".", "..",
// symbolic and hard links).
void check_distinct_outputs(const Args& args, const std::vector<std::string>& outputs,
                            const std::vector<std::string>& inputs);

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

// No command takes positional arguments: a stray word is a mistake, not something to ignore.
void reject_positional(const Args& args);

// --device and --dtype, as every command that runs a model takes them.
std::vector<OptionSpec> compute_option_specs();
// The tail of a model-running command's options: --device, --dtype, --timings, --help.
void append_run_option_specs(std::vector<OptionSpec>& specs);
ComputeOptions compute_options_from_args(const Args& args);

// --seed N (>= 0), which excludes --`alternative` (the option that supplies the noise itself).
std::optional<uint64_t> seed_from_args(const Args& args, const std::string& alternative);

// The options of `generate` that describe the source generation (prompt, negative, steps,
// guidance, scheduler, seed, init-latents, size); `edit` takes the same ones.
std::vector<OptionSpec> generation_option_specs();
GenerateRequest generation_request_from_args(const Args& args);

// --config DIR and --prediction-type TYPE: how a --model path is read (generation_option_specs
// includes them; the other model-loading commands append them).
std::vector<OptionSpec> model_load_option_specs();
ModelLoadOptions model_load_options_from_args(const Args& args);

// Loads the diffusion model named by --model, reporting on stderr.
DiffusionModel load_model(const Args& args, const ComputeOptions& compute);

// Loads the model named by --model with --device/--dtype, reporting on stderr; fills the
// request's size from its initial latents when --width/--height are absent.
DiffusionModel load_model_for(const Args& args, const ComputeOptions& compute, GenerateRequest& request);
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
