// partedit-cli edit: PartEdit on a generated image (algorithm.md §3; architecture.md, "The
// command line"). The edit is given as "with <edit> <part>" (appended to the prompt), as a
// full edit prompt, or as a subject word swap; parts come from the token library or files.
#include <chrono>
#include <iostream>

#include <ATen/ATen.h>

#include "cli_common.h"
#include "commands.h"
#include "edit_photo.h"
#include "editing/edit_instruction.h"
#include "editing/part_edit_pipeline.h"
#include "editing/token_library.h"
#include "engine/engine.h"
#include "io/image_io.h"
#include "io/safetensors.h"
#include "pipeline/diffusion_model.h"
#include "pipeline/prompt_encoder.h"
#include "runtime/error.h"

namespace partedit::cli {
namespace fs = std::filesystem;

namespace {

std::vector<OptionSpec> edit_options() {
  auto specs = generation_option_specs();
  for (auto& spec : specs) {  // photos are inverted: their own schedulers and seed meaning
    if (spec.name == "scheduler")
      spec.help = "KIND  generated source: ddim | euler | dpmpp-2m | dpmpp-sde (default: the model's); "
                  "photos (--image): dpmpp-sde | ddim (default dpmpp-sde)";
    if (spec.name == "seed")
      spec.help = "N  seed of the initial noise, for photos of the inversion's noising draws "
                  "(default: random, reported and recorded)";
  }
  const auto photo = photo_option_specs();
  specs.insert(specs.end(), photo.begin(), photo.end());
  specs.insert(specs.end(), {
      {"edit", true, false, "TEXT  \"with <edit> <part>\", appended to the prompt: \"with a robotic <head>\""},
      {"edit-prompt", true, false, "TEXT  the full edit prompt (same word count: word-swap mapping)"},
      {"subject", true, false, "WORD  a word of the prompt to swap for --edit-word (the authors' demo form)"},
      {"edit-word", true, false, "WORD  what --subject becomes"},
      {"part", true, true, "NAME  a part token of the library (repeatable: several parts at once)"},
      {"token", true, true, "FILE  a part token file, .safetensors or the authors' .pt (repeatable)"},
      {"library", true, true, "DIR  token library folder used instead of the user folder (repeatable)"},
      {"t-e", true, false, "N  blend the edit into the source at steps 1 <= t < N (default: all steps)"},
      {"omega", true, false, "W  adaptive threshold: map values >= W x Otsu become 1 (default 1.5)"},
      {"p2p", true, false, "MODE  replace | refine | none (default: replace for equal word counts, else refine)"},
      {"cross-replace", true, false, "F  fraction of steps the edit words keep the source's attention (default 0.4)"},
      {"mask-size", true, false, "N  aggregate the maps at N x N, N <= 4096 (default: the image size; the authors use 1024)"},
      {"out", true, false, "IMAGE  the edited image: .png, .jpg, .jpeg or .webp"},
      {"source-out", true, false, "IMAGE  also write the source image"},
      {"mask-out", true, false, "IMAGE  the final mask (mean of the per-step masks) as a grey image"},
      {"save-masks", true, false, "FILE  safetensors with `masks` [steps, H, W] float16 and `otsu` [steps] float32"},
      {"save-latents", true, false, "FILE  safetensors with the final latents `source` and `edit`"},
      {"timings", false, false, "print stage timings as one JSON object, the last line of stdout"},
      {"help", false, false, "show this help"},
  });
  return specs;
}

const std::vector<std::string> kImageExtensions = {".png", ".jpg", ".jpeg", ".webp"};

// Exactly one of --edit, --edit-prompt, --subject/--edit-word.
EditInstruction instruction_from_args(const Args& args, const TokenLibrary& library) {
  const int forms = int(args.has("edit")) + int(args.has("edit-prompt")) + int(args.has("subject") || args.has("edit-word"));
  if (forms == 0) throw Error("say what to change: --edit \"with <edit> <part>\", --edit-prompt TEXT or --subject WORD --edit-word WORD");
  if (forms > 1) throw Error("give only one of --edit, --edit-prompt and --subject/--edit-word");
  EditInstruction instruction;
  if (args.has("edit")) {
    instruction = EditInstruction::appended_edit(parse_appended_edit(
        args.get("edit"), [&](const std::string& text) { return names_available_part(library, text); }));
  } else if (args.has("edit-prompt")) {
    instruction = EditInstruction::explicit_prompt(args.get("edit-prompt"));
  } else {
    if (!args.has("subject") || !args.has("edit-word")) throw Error("--subject and --edit-word go together");
    instruction = EditInstruction::swap(args.get("subject"), args.get("edit-word"));
  }
  if (args.has("p2p")) {
    const std::string mode = args.get("p2p");
    if (mode == "replace") instruction.p2p = PromptToPrompt::Replace;
    else if (mode == "refine") instruction.p2p = PromptToPrompt::Refine;
    else if (mode == "none") instruction.p2p = PromptToPrompt::None;
    else throw Error("--p2p must be replace, refine or none, got '" + mode + "'");
  }
  return instruction;
}

PartToken read_token_file(const fs::path& path) {
  if (!fs::is_regular_file(path)) throw Error("--token " + path.string() + ": no such file");
  const std::string ext = path.extension().string();
  if (ext == ".pt" || ext == ".pth") return import_torch_token(path);
  return read_part_token(path);
}

std::vector<PartToken> part_tokens_from_args(const Args& args, const EditInstruction& instruction,
                                             const TokenLibrary& library) {
  std::vector<PartToken> tokens;
  if (instruction.form == EditInstruction::Form::Appended) {
    const AppendedEdit& appended = instruction.appended;
    tokens.push_back(resolve_appended_part(library, appended));
    if (!appended.bracketed)
      std::cerr << "note: took '" << appended.part_text << "' as the part (" << tokens.back().part_name
                << "); write it in angle brackets, e.g. \"with " << appended.edit << " <" << appended.part_text
                << ">\", to say so\n";
  }
  for (const auto& name : args.get_all("part")) tokens.push_back(resolve_part(library, name));
  for (const auto& file : args.get_all("token")) tokens.push_back(read_token_file(file));
  if (tokens.empty()) throw Error("name the part to edit: --part NAME or --token FILE (or <part> in --edit)");
  return tokens;
}

// The edit settings every source shares; the source itself is set once the model is loaded.
EditJob edit_job_from_args(const Args& args, GenerateRequest generation) {
  EditJob job;
  job.generation = std::move(generation);
  if (args.has("t-e")) job.edit_end_step = args.get_int64("t-e", 0);
  job.omega = args.get_double("omega", job.omega);
  job.cross_replace = args.get_double("cross-replace", job.cross_replace);
  job.mask_size = args.get_int64("mask-size", 0);
  if (args.has("mask-size") && job.mask_size <= 0) throw Error("--mask-size must be positive");
  validate_mask_size(job.mask_size);
  job.feather = args.get_double("feather", job.feather);
  job.composite = !args.has("no-composite");
  job.use_cache = !args.has("no-cache");
  return job;
}

// The edited image (unless a photo edit wrote it) and the files every edit can write.
void write_outputs(const Args& args, const EditResult& result, bool photo_written) {
  if (!photo_written) {
    write_image(args.get("out"), result.edited, result.parameters);
    std::cout << "wrote " << args.get("out") << " (" << result.width << "x" << result.height;
    if (result.noise_from_seed) std::cout << ", seed " << result.seed;
    std::cout << ")\n";
  }
  if (args.has("source-out") && !photo_written) {
    write_image(args.get("source-out"), result.source, result.source_parameters);
    std::cout << "wrote " << args.get("source-out") << "\n";
  }
  if (args.has("mask-out") && !photo_written) {
    write_image(args.get("mask-out"), result.final_mask.unsqueeze(0).expand({3, -1, -1}), result.parameters);
    std::cout << "wrote " << args.get("mask-out") << "\n";
  }
  if (args.has("save-masks")) {
    const auto otsu = at::tensor(result.otsu, at::TensorOptions().dtype(at::kDouble)).to(at::kFloat);
    // Half precision halves the file; the masks lie in [0, 1], where half is within 2^-12.
    write_safetensors(args.get("save-masks"), {{"masks", result.masks.to(at::kHalf)}, {"otsu", otsu}},
                      {{"parameters", result.parameters}});
    std::cout << "wrote " << args.get("save-masks") << "\n";
  }
  if (args.has("save-latents")) {
    write_safetensors(args.get("save-latents"), {{"source", result.source_latents}, {"edit", result.edit_latents}},
                      {{"parameters", result.parameters}});
    std::cout << "wrote " << args.get("save-latents") << "\n";
  }
}

void write_timings(const DiffusionModel& model, const EditJobResult& job, bool photo,
                   std::chrono::steady_clock::time_point after_load, const ComputeOptions& compute) {
  const EditResult& result = job.edit;
  StageTimes t = stage_times(model, result.timings, after_load);
  t.extra.emplace_back("mask", result.mask_seconds);
  if (photo) {
    // A separate inversion's wall time, or the inversion's own work within the edit's pass
    // (EditResult::invert_seconds; its UNet calls are shared with the edit and stay in denoise).
    t.extra.insert(t.extra.end(), {{"caption", job.caption_seconds},
                                   {"invert", job.invert_seconds + result.invert_seconds},
                                   {"inversion_reused", job.inversion_reused ? 1.0 : 0.0}});
  }
  print_timings(t, compute);
}

void check_output_paths(const Args& args) {
  check_output_path(args.get("out"), kImageExtensions, "out");
  for (const char* option : {"source-out", "mask-out"})
    if (args.has(option)) check_output_path(args.get(option), kImageExtensions, option);
  for (const char* option : {"save-masks", "save-latents"})
    if (args.has(option)) check_output_path(args.get(option), {".safetensors"}, option);
  check_distinct_outputs(args, {"out", "source-out", "mask-out", "save-masks", "save-latents"},
                         {"model", "image", "init-latents", "inversion", "token", "caption-model"});
}

}  // namespace

int run_edit(const CommandArgs& argv) {
  const auto specs = edit_options();
  Args args(argv, specs);
  if (args.has("help")) {
    std::cout << format_help(
        "partedit-cli edit --model DIR --prompt TEXT (--edit \"with <edit> <part>\" | --edit-prompt TEXT "
        "--part NAME | --subject WORD --edit-word WORD --part NAME) --out IMAGE [options]\n"
        "       partedit-cli edit --model DIR --image PHOTO [--prompt TEXT | --caption-model DIR] (edit as above) "
        "--out IMAGE [options]",
        specs);
    return 0;
  }
  if (!args.positional().empty()) throw Error("unexpected argument '" + args.positional()[0] + "' (see --help)");

  // 1. Everything that can be checked without the model: outputs, edit form, part tokens.
  const bool photo_edit = is_photo_edit(args);
  if (photo_edit) check_photo_args(args);
  else if (!args.has("prompt")) throw Error("--prompt TEXT is required (or --image FILE to edit a photo)");
  GenerateRequest generation = generation_request_from_args(args);
  check_output_paths(args);
  EngineOptions options;
  options.shipped_token_dir = find_shipped_token_dir(current_executable_dir());
  for (const auto& dir : args.get_all("library")) options.token_dirs.emplace_back(dir);
  if (args.has("caption-model") && !args.has("prompt")) options.caption_model = fs::path(args.get("caption-model"));
  if (photo_edit) options.inversion_cache = inversion_cache_from_args(args);
  Engine engine(std::move(options));
  EditJob job = edit_job_from_args(args, std::move(generation));
  job.instruction = instruction_from_args(args, engine.tokens());
  job.parts = part_tokens_from_args(args, job.instruction, engine.tokens());
  const ComputeOptions compute = ComputeOptions::parse(args.get_or("device", "cpu"), args.get_or("dtype", "fp32"));
  reset_peak_cuda_memory(compute.device);

  // 2. The model; for a photo its source (an inversion file is read and checked against it).
  const EngineListener listener = stderr_listener();
  DiffusionModel& model = engine.load_model(args.get("model"), compute, listener, model_load_options_from_args(args));
  fill_size_from_latents(model, job.generation);
  const auto after_load = std::chrono::steady_clock::now();
  if (photo_edit) job.from = photo_source_from_args(args, engine);

  // 3. The edit (caption and inversion first for a photo), interruptible.
  CancelToken cancel;
  InterruptScope interrupt(cancel);
  const EditJobResult result = engine.edit(job, listener, cancel);

  // 4. Outputs (each written atomically).
  if (photo_edit) {
    if (result.prompt_origin == "BLIP-2 caption") std::cout << "source prompt (BLIP-2 caption): " << result.source_prompt << "\n";
    write_photo_outputs(args, result);
  }
  write_outputs(args, result.edit, photo_edit);
  if (args.has("timings")) write_timings(model, result, photo_edit, after_load, compute);
  return 0;
}

}  // namespace partedit::cli
