// bench_sdxl_edit: a whole PartEdit edit with a full-size SDXL-base model (the real shapes of
// the UNet, both text encoders and the VAE; random weights stored in fp16 as the published
// fp16 folders), loaded from a diffusers folder as the app loads one, at --size (1024) with
// --steps (4): model load, VAE encode of a photo-sized image and decode of its latents, a plain generation and a
// PartEdit edit of the same prompt, each with its own peak resident memory.
//
// The folder (6.9 GB) is written once by a child process (its 10 GB of writing memory is not
// this process's peak) to <temp>/partedit-bench-sdxl-base-shape and kept for the next run;
// --remove-model deletes it at the end. One JSON line, e.g.
//   bench_sdxl_edit --dtype bf16 --steps 4           (CPU: minutes per run)
//   bench_sdxl_edit --device cuda --dtype fp16 --steps 8 --runs 3
// Step times are medians of the steps after the first (the first also pays one-time costs:
// kernel selection, the weights' first touch); `*_first_step_s` gives it.
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ATen/ATen.h>

#include "bench_common.h"
#include "editing/part_edit_pipeline.h"
#include "pipeline/diffusion_model.h"
#include "pipeline/prompt_encoder.h"

extern char** environ;

using namespace partedit;
namespace fs = std::filesystem;

namespace {

// The cached folder, written by `<this program> --write-model DIR` in a child process.
fs::path full_size_model(const fs::path& folder) {
  if (fs::is_regular_file(folder / "model_index.json")) return folder;
  const fs::path writing = folder.string() + ".writing-" + std::to_string(::getpid());
  fs::remove_all(writing);
  std::cerr << "writing the full-size SDXL-base folder (random weights, 6.9 GB) to " << folder.string() << " ...\n";
  const std::string self = fs::read_symlink("/proc/self/exe").string(), flag = "--write-model", out = writing.string();
  char* args[] = {const_cast<char*>(self.c_str()), const_cast<char*>(flag.c_str()), const_cast<char*>(out.c_str()),
                  nullptr};
  pid_t child = 0;
  if (::posix_spawn(&child, self.c_str(), nullptr, nullptr, args, environ) != 0)
    throw Error("cannot start " + self + " to write the model");
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    fs::remove_all(writing);
    throw Error("writing the full-size model to " + writing.string() + " failed");
  }
  fs::rename(writing, folder);
  return folder;
}

// Seconds of each step from the progress callbacks' clock: the first step is what the
// denoise loop took beyond the later ones.
struct StepClock {
  std::vector<std::chrono::steady_clock::time_point> marks;
  void mark() { marks.push_back(std::chrono::steady_clock::now()); }
  std::vector<double> steps(double denoise_seconds) const {
    std::vector<double> out;
    for (size_t i = 1; i < marks.size(); ++i)
      out.push_back(std::chrono::duration<double>(marks[i] - marks[i - 1]).count());
    double later = 0;
    for (double s : out) later += s;
    out.insert(out.begin(), denoise_seconds - later);
    return out;
  }
};

// Median of the steps after the first (the only one when there is one step).
double steady_step(const std::vector<double>& steps) {
  if (steps.size() < 2) return steps.empty() ? 0.0 : steps[0];
  bench::Timings t;
  t.seconds.assign(steps.begin() + 1, steps.end());
  return t.median();
}

// Strips this bench's own flags from argv (bench_common parses the rest).
struct OwnFlags {
  bool remove_model = false;
  fs::path model_dir = fs::temp_directory_path() / "partedit-bench-sdxl-base-shape";
  bool runs_given = false, steps_given = false, size_given = false;
};

OwnFlags take_own_flags(int& argc, char** argv) {
  OwnFlags flags;
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--remove-model") {
      flags.remove_model = true;
      continue;
    }
    if (a == "--model-dir" && i + 1 < argc) {
      flags.model_dir = argv[++i];
      continue;
    }
    flags.runs_given |= a == "--runs";
    flags.steps_given |= a == "--steps";
    flags.size_given |= a == "--size";
    argv[kept++] = argv[i];
  }
  argc = kept;
  return flags;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::string(argv[1]) == "--write-model") {
    try {
      write_tiny_model(full_size_sdxl_options(0), argv[2]);
      return 0;
    } catch (const std::exception& e) {
      std::cerr << "bench_sdxl_edit: error: " << e.what() << "\n";
      return 1;
    }
  }
  const OwnFlags flags = take_own_flags(argc, argv);
  return bench::run(argc, argv, "bench_sdxl_edit", /*with_steps=*/true, [&](bench::BenchOptions options) {
    // Defaults of a heavy bench: one run, no warm-up, 4 steps, 1024².
    if (!flags.runs_given) options.runs = 1, options.warmup = 0;
    if (!flags.steps_given) options.steps = 4;
    if (!flags.size_given) options.size = 1024;
    if (options.model.empty()) options.model = full_size_model(flags.model_dir);
    const auto device = options.compute.device;
    InferenceGuard guard(device);

    // 1. load
    bench::reset_peak_rss();
    reset_peak_cuda_memory(device);
    const auto load_start = std::chrono::steady_clock::now();
    auto model = DiffusionModel::load(options.model, options.compute);
    const double load_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - load_start).count();
    const double load_peak = bench::peak_rss_since_reset_mb();
    int64_t unet_parameters = 0;
    for (const auto& p : model.unet()->parameters()) unet_parameters += p.numel();

    // 2. VAE encode of a photo-sized image (the photo path's first stage)
    bench::reset_peak_rss();
    const auto photo = at::rand({1, 3, options.size, options.size});
    bench::Timings encode;
    for (int run = 0; run < options.runs; ++run)
      encode.seconds.push_back(bench::seconds_of([&] { wait_for(image_to_latents(model.vae(), photo.to(device))); }));
    const double encode_peak = bench::peak_rss_since_reset_mb();
    bench::reset_peak_rss();
    const auto latents = at::randn({1, model.latent_channels(), options.size / 8, options.size / 8});
    bench::Timings decode;
    for (int run = 0; run < options.runs; ++run)
      decode.seconds.push_back(bench::seconds_of([&] { wait_for(latents_to_image(model.vae(), latents.to(device))); }));
    const double decode_peak = bench::peak_rss_since_reset_mb();

    // 3. a plain generation and 4. a PartEdit edit of the same source, alternately
    GenerateRequest source = bench::generate_request(options.steps);
    source.width = source.height = options.size;
    EditRequest request;
    request.source = source;
    request.edit_prompt = "a photo of a robot cat in a park";
    auto generator = at::detail::createCPUGenerator(0);
    request.part_embedding = at::randn({2, model.prompt_encoder().embed_dim()}, generator);

    std::vector<double> generate_steps, edit_steps, generate_first, edit_first;
    bench::Timings generate_total, edit_total, prompt_encode;
    double generate_peak = 0, edit_peak = 0, mask_seconds = 0, edit_denoise = 0;
    for (int run = 0; run < options.warmup + options.runs; ++run) {
      const bool timed = run >= options.warmup;
      StepClock generate_clock, edit_clock;
      bench::reset_peak_rss();
      const auto generated = generate(model, source, [&](const GenerateProgress&) { generate_clock.mark(); });
      const double g_peak = bench::peak_rss_since_reset_mb();
      bench::reset_peak_rss();
      const auto edited = edit(model, request, [&](const EditProgress&) { edit_clock.mark(); });
      const double e_peak = bench::peak_rss_since_reset_mb();
      if (!timed) continue;
      generate_peak = std::max(generate_peak, g_peak);
      edit_peak = std::max(edit_peak, e_peak);
      const auto g = generate_clock.steps(generated.timings.denoise), e = edit_clock.steps(edited.timings.denoise);
      generate_first.push_back(g.front());
      edit_first.push_back(e.front());
      generate_steps.push_back(steady_step(g));
      edit_steps.push_back(steady_step(e));
      generate_total.seconds.push_back(generated.timings.total);
      edit_total.seconds.push_back(edited.timings.total);
      prompt_encode.seconds.push_back(edited.timings.encode);
      mask_seconds = edited.mask_seconds;
      edit_denoise = edited.timings.denoise;
    }
    auto median = [](const std::vector<double>& v) { return bench::Timings{v}.median(); };

    bench::ModelFolder folder(options);
    auto json = bench::report("sdxl_edit", options, folder, edit_total);
    json["model"] = "SDXL-base shapes, random weights (" + options.model.string() + ")";
    json["unet_parameters"] = unet_parameters;
    json["size"] = options.size;
    json["steps"] = options.steps;
    json["load_s"] = load_s;
    json["encode_s"] = encode.median();
    json["decode_s"] = decode.median();
    json["prompt_encode_s"] = prompt_encode.median();
    json["generate_step_s"] = median(generate_steps);
    json["generate_first_step_s"] = median(generate_first);
    json["edit_step_s"] = median(edit_steps);
    json["edit_first_step_s"] = median(edit_first);
    json["edit_over_generate"] = median(edit_steps) / median(generate_steps);
    json["generate_total_s"] = generate_total.median();
    json["edit_total_s"] = edit_total.median();
    json["mask_share_of_edit"] = edit_denoise > 0 ? mask_seconds / edit_denoise : 0.0;
    json["load_peak_rss_mb"] = load_peak;
    json["encode_peak_rss_mb"] = encode_peak;
    json["decode_peak_rss_mb"] = decode_peak;
    json["text_encoders_released"] = model.prompt_encoder().releases_between_uses();
    json["text_encoder_reload_s"] = model.prompt_encoder().reload_seconds();
    json["generate_peak_rss_mb"] = generate_peak;
    json["edit_peak_rss_mb"] = edit_peak;
    // The whole run's peak: the largest phase (resetting VmHWM also resets getrusage's maxrss).
    json["peak_rss_mb"] = std::max({load_peak, encode_peak, decode_peak, generate_peak, edit_peak});
    if (const auto cuda = peak_cuda_mb(device)) json["peak_cuda_mb"] = *cuda;
    std::cout << json.dump() << std::endl;
    if (flags.remove_model && options.model == flags.model_dir) fs::remove_all(flags.model_dir);
  });
}
