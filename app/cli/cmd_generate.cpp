// partedit-cli generate: text-to-image with a diffusers model folder (architecture.md,
// "The command line"). Progress goes to stderr; stdout gets the written files and, with
// --timings, one JSON line of stage timings last. Ctrl-C cancels between steps.
#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <iostream>

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include "args.h"
#include "commands.h"
#include "io/image_io.h"
#include "io/safetensors.h"
#include "pipeline/diffusion_model.h"
#include "pipeline/text_to_image.h"
#include "runtime/cancel.h"
#include "runtime/compute.h"
#include "runtime/error.h"

namespace partedit::cli {
namespace fs = std::filesystem;

namespace {

const std::vector<OptionSpec>& generate_options() {
  static const std::vector<OptionSpec> specs = {
      {"model", true, false, "DIR  diffusers model folder (model_index.json, unet/, vae/, ...)"},
      {"prompt", true, false, "TEXT  what to generate"},
      {"negative", true, false, "TEXT  negative prompt (default: none)"},
      {"steps", true, false, "N  denoising steps (default 50)"},
      {"guidance", true, false, "G  classifier-free guidance scale (default 7.5; <= 1 disables it)"},
      {"scheduler", true, false, "KIND  ddim | euler | dpmpp-sde (default: the model's scheduler)"},
      {"seed", true, false, "N  seed of the initial noise (default: random, reported)"},
      {"init-latents", true, false, "FILE  safetensors with `latents` [1, C, h, w] unit noise (instead of --seed)"},
      {"width", true, false, "W  image width, a multiple of 8 (default: the model's size)"},
      {"height", true, false, "H  image height, a multiple of 8 (default: the model's size)"},
      {"device", true, false, "DEV  cpu | cuda | cuda:N (default cpu)"},
      {"dtype", true, false, "TYPE  fp32 | fp16 | bf16 (default fp32)"},
      {"out", true, false, "IMAGE  output image: .png, .jpg, .jpeg or .webp"},
      {"save-latents", true, false, "FILE  write the final latents as safetensors (`latents`)"},
      {"timings", false, false, "print stage timings as one JSON object, the last line of stdout"},
      {"help", false, false, "show this help"},
  };
  return specs;
}

// The output must be writable before minutes of work are spent on it.
void check_output_path(const fs::path& path, const std::vector<std::string>& extensions, const char* option) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  if (std::find(extensions.begin(), extensions.end(), ext) == extensions.end()) {
    std::string list;
    for (const auto& e : extensions) list += (list.empty() ? "" : ", ") + e;
    throw Error(std::string("--") + option + " " + path.string() + ": unknown extension '" + ext + "' (use " + list + ")");
  }
  const fs::path folder = path.has_parent_path() ? path.parent_path() : fs::path(".");
  if (!fs::is_directory(folder))
    throw Error(std::string("--") + option + " " + path.string() + ": the folder " + folder.string() + " does not exist");
}

at::Tensor read_initial_latents(const fs::path& path) {
  if (!fs::is_regular_file(path)) throw Error("--init-latents " + path.string() + ": no such file");
  SafetensorsFile file(path);
  if (!file.contains("latents"))
    throw Error("--init-latents " + path.string() + " has no tensor named 'latents'");
  at::Tensor latents = file.tensor("latents");
  if (latents.dim() != 4 || latents.size(0) != 1 || !latents.is_floating_point())
    throw Error("--init-latents " + path.string() + ": 'latents' must be a float tensor [1, C, h, w], got " +
                c10::str(latents.sizes()));
  return latents.to(at::kFloat);
}

// SIGINT sets the cancel token of the running generation; a second Ctrl-C kills (SA_RESETHAND).
CancelToken* g_interrupt_token = nullptr;
extern "C" void on_interrupt(int) {
  if (g_interrupt_token) g_interrupt_token->cancel();
}

class InterruptScope {
 public:
  explicit InterruptScope(CancelToken& token) {
    g_interrupt_token = &token;
    struct sigaction action {};
    action.sa_handler = on_interrupt;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESETHAND;
    sigaction(SIGINT, &action, &previous_);
  }
  ~InterruptScope() {
    sigaction(SIGINT, &previous_, nullptr);
    g_interrupt_token = nullptr;
  }
  InterruptScope(const InterruptScope&) = delete;
  InterruptScope& operator=(const InterruptScope&) = delete;

 private:
  struct sigaction previous_ {};
};

GenerateRequest request_from_args(const Args& args) {
  GenerateRequest request;
  request.prompt = args.get("prompt");
  request.negative = args.get_or("negative", "");
  request.steps = args.get_int("steps", 50);
  request.guidance = args.get_double("guidance", 7.5);
  request.scheduler = args.get_or("scheduler", "");
  request.width = args.get_int64("width", 0);
  request.height = args.get_int64("height", 0);
  if (args.has("width") && request.width <= 0) throw Error("--width must be positive");
  if (args.has("height") && request.height <= 0) throw Error("--height must be positive");
  if (args.has("seed")) {
    const int64_t seed = args.get_int64("seed", 0);
    if (seed < 0) throw Error("--seed must be >= 0, got " + std::to_string(seed));
    request.seed = static_cast<uint64_t>(seed);
  }
  request.preview = false;  // nothing shows previews here: skip the per-step host copies
  return request;
}

}  // namespace

int run_generate(const CommandArgs& argv) {
  const auto& specs = generate_options();
  Args args(argv, specs);
  if (args.has("help")) {
    std::cout << format_help("partedit-cli generate --model DIR --prompt TEXT --out IMAGE [options]", specs);
    return 0;
  }
  if (!args.positional().empty()) throw Error("unexpected argument '" + args.positional()[0] + "' (see --help)");

  // 1. Everything that can be checked without the model.
  const fs::path model_dir = args.get("model");
  GenerateRequest request = request_from_args(args);
  const fs::path out_path = args.get("out");
  check_output_path(out_path, {".png", ".jpg", ".jpeg", ".webp"}, "out");
  const std::string save_latents = args.get_or("save-latents", "");
  if (!save_latents.empty()) check_output_path(save_latents, {".safetensors"}, "save-latents");
  if (args.has("seed") && args.has("init-latents")) throw Error("give either --seed or --init-latents, not both");
  if (args.has("init-latents")) request.initial_latents = read_initial_latents(args.get("init-latents"));
  const ComputeOptions compute = ComputeOptions::parse(args.get_or("device", "cpu"), args.get_or("dtype", "fp32"));
  reset_peak_cuda_memory(compute.device);

  // 2. The model; initial latents fix the size unless it is given.
  std::cerr << "loading " << model_dir.string() << " (" << compute.describe() << ")\n";
  DiffusionModel model = DiffusionModel::load(model_dir, compute);
  std::cerr << "loaded " << family_name(model.family()) << " model in " << model.load_seconds() << " s\n";
  if (request.initial_latents.defined()) {
    const int64_t f = model.vae_scale_factor();
    if (request.width == 0) request.width = request.initial_latents.size(3) * f;
    if (request.height == 0) request.height = request.initial_latents.size(2) * f;
  }

  // 3. Generate, interruptible.
  const auto after_load = std::chrono::steady_clock::now();
  CancelToken cancel;
  GenerateResult result;
  {
    InterruptScope interrupt(cancel);
    result = generate(model, request, [](const GenerateProgress& p) {
      std::cerr << "step " << p.step << "/" << p.total << " (t=" << p.timestep << ")\n";
    }, cancel);
  }
  for (const auto& w : result.warnings) std::cerr << "warning: " << w << "\n";

  // 4. Outputs (both written atomically).
  write_image(out_path, result.image, result.parameters);
  std::cout << "wrote " << out_path.string() << " (" << result.width << "x" << result.height;
  if (result.noise_from_seed) std::cout << ", seed " << result.seed;
  std::cout << ")\n";
  if (!save_latents.empty()) {
    write_safetensors(save_latents, {{"latents", result.latents}}, {{"parameters", result.parameters}});
    std::cout << "wrote " << save_latents << "\n";
  }
  if (args.has("timings")) {
    nlohmann::ordered_json t;
    t["load"] = model.load_seconds();
    t["encode"] = result.timings.encode;
    t["denoise"] = result.timings.denoise;
    t["decode"] = result.timings.decode;
    t["total_after_load"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - after_load).count();
    t["peak_rss_mb"] = peak_rss_mb();
    if (const auto cuda = peak_cuda_mb(compute.device)) t["peak_cuda_mb"] = *cuda;
    std::cout << t.dump() << std::endl;
  }
  return 0;
}

}  // namespace partedit::cli
