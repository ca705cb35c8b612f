// partedit-cli edit: PartEdit on a generated image (algorithm.md §3; architecture.md, "The
// command line"). The edit is given as "with <edit> <part>" (appended to the prompt), as a
// full edit prompt, or as a subject word swap; parts come from the token library or files.
#include <chrono>
#include <iomanip>
#include <iostream>

#include <ATen/ATen.h>

#include "cli_common.h"
#include "commands.h"
#include "edit_photo.h"
#include "editing/edit_instruction.h"
#include "editing/edit_prompt_window.h"
#include "editing/part_edit_pipeline.h"
#include "editing/token_library.h"
#include "io/image_io.h"
#include "io/safetensors.h"
#include "pipeline/diffusion_model.h"
#include "pipeline/prompt_encoder.h"
#include "runtime/error.h"
#include "runtime/progress_clock.h"

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

// What the user asked to change, parsed before anything is loaded; the edit prompt is
// composed once the source prompt is known (a photo's may come from its caption).
struct EditForm {
  enum class Kind { Appended, Explicit, Swap } kind = Kind::Explicit;
  AppendedEdit appended;
  std::string edit_prompt;            // Explicit
  std::string subject, edit_word;     // Swap
  std::optional<PromptToPrompt> p2p;  // --p2p
};

struct EditText {
  std::string edit_prompt;
  std::optional<PromptToPrompt> p2p;
  std::vector<std::string> edit_words;  // empty: derived from the prompts
};

TokenLibrary open_library(const Args& args) {
  std::vector<fs::path> user;
  for (const auto& dir : args.get_all("library")) user.emplace_back(dir);
  return open_token_library(find_shipped_token_dir(current_executable_dir()), std::move(user));
}

// Exactly one of --edit, --edit-prompt, --subject/--edit-word.
EditForm edit_form_from_args(const Args& args, const TokenLibrary* library) {
  const int forms = int(args.has("edit")) + int(args.has("edit-prompt")) + int(args.has("subject") || args.has("edit-word"));
  if (forms == 0) throw Error("say what to change: --edit \"with <edit> <part>\", --edit-prompt TEXT or --subject WORD --edit-word WORD");
  if (forms > 1) throw Error("give only one of --edit, --edit-prompt and --subject/--edit-word");
  EditForm form;
  if (args.has("edit")) {
    form.kind = EditForm::Kind::Appended;
    form.appended = parse_appended_edit(args.get("edit"), [&](const std::string& text) {
      return library && names_available_part(*library, text);
    });
  } else if (args.has("edit-prompt")) {
    form.edit_prompt = args.get("edit-prompt");
  } else {
    if (!args.has("subject") || !args.has("edit-word")) throw Error("--subject and --edit-word go together");
    form.kind = EditForm::Kind::Swap;
    form.subject = args.get("subject");
    form.edit_word = args.get("edit-word");
  }
  if (args.has("p2p")) {
    const std::string mode = args.get("p2p");
    if (mode == "replace") form.p2p = PromptToPrompt::Replace;
    else if (mode == "refine") form.p2p = PromptToPrompt::Refine;
    else if (mode == "none") form.p2p = PromptToPrompt::None;
    else throw Error("--p2p must be replace, refine or none, got '" + mode + "'");
  }
  return form;
}

EditText compose_edit(const EditForm& form, const std::string& source) {
  EditText out;
  switch (form.kind) {
    case EditForm::Kind::Appended: out.edit_prompt = appended_edit_prompt(source, form.appended); break;
    case EditForm::Kind::Explicit: out.edit_prompt = form.edit_prompt; break;
    case EditForm::Kind::Swap:
      out.edit_prompt = swap_subject(source, form.subject, form.edit_word);
      out.p2p = PromptToPrompt::Replace;
      out.edit_words = {form.edit_word};
      break;
  }
  if (form.p2p) out.p2p = form.p2p;
  return out;
}

PartToken read_token_file(const fs::path& path) {
  if (!fs::is_regular_file(path)) throw Error("--token " + path.string() + ": no such file");
  const std::string ext = path.extension().string();
  if (ext == ".pt" || ext == ".pth") return import_torch_token(path);
  return read_part_token(path);
}

std::vector<PartToken> part_tokens_from_args(const Args& args, const EditForm& form, const TokenLibrary* library) {
  std::vector<PartToken> tokens;
  if (form.kind == EditForm::Kind::Appended) {
    tokens.push_back(resolve_appended_part(*library, form.appended));
    if (!form.appended.bracketed)
      std::cerr << "note: took '" << form.appended.part_text << "' as the part (" << tokens.back().part_name
                << "); write it in angle brackets, e.g. \"with " << form.appended.edit << " <"
                << form.appended.part_text << ">\", to say so\n";
  }
  for (const auto& name : args.get_all("part")) tokens.push_back(resolve_part(*library, name));
  for (const auto& file : args.get_all("token")) tokens.push_back(read_token_file(file));
  if (tokens.empty()) throw Error("name the part to edit: --part NAME or --token FILE (or <part> in --edit)");
  return tokens;
}

EditRequest edit_request_from_args(const Args& args, GenerateRequest source) {
  EditRequest request;
  request.source = std::move(source);
  if (args.has("t-e")) request.edit_end_step = args.get_int64("t-e", 0);
  request.omega = args.get_double("omega", 1.5);
  request.cross_replace = args.get_double("cross-replace", 0.4);
  request.mask_size = args.get_int64("mask-size", 0);
  if (args.has("mask-size") && request.mask_size <= 0) throw Error("--mask-size must be positive");
  validate_mask_size(request.mask_size);
  return request;
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

void write_timings(const DiffusionModel& model, const EditResult& result, const PhotoSource* photo,
                   std::chrono::steady_clock::time_point after_load, const ComputeOptions& compute) {
  StageTimes t = stage_times(model, result.timings, after_load);
  t.extra.emplace_back("mask", result.mask_seconds);
  if (photo) {
    // A separate inversion's wall time, or the inversion's own work within the edit's pass
    // (EditResult::invert_seconds; its UNet calls are shared with the edit and stay in denoise).
    t.extra.insert(t.extra.end(), {{"caption", photo->caption_seconds},
                                   {"invert", photo->invert_seconds + result.invert_seconds},
                                   {"inversion_reused", photo->inversion_reused ? 1.0 : 0.0}});
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
  GenerateRequest source = generation_request_from_args(args);
  check_output_paths(args);
  std::optional<TokenLibrary> library;
  if (args.has("edit") || args.has("part")) library.emplace(open_library(args));
  const EditForm form = edit_form_from_args(args, library ? &*library : nullptr);
  const std::vector<PartToken> tokens = part_tokens_from_args(args, form, library ? &*library : nullptr);
  EditRequest request = edit_request_from_args(args, std::move(source));
  const ComputeOptions compute = ComputeOptions::parse(args.get_or("device", "cpu"), args.get_or("dtype", "fp32"));
  reset_peak_cuda_memory(compute.device);

  // 2. The model; tokens checked against it; for a photo its source prompt and inversion.
  DiffusionModel model = load_model_for(args, compute, request.source);
  request.part_embedding = combine_part_embeddings(model, tokens);
  request.layers = part_layers_for(model, tokens);
  for (const auto& t : tokens) request.part_names.push_back(t.part_name);
  const auto after_load = std::chrono::steady_clock::now();
  CancelToken cancel;
  InterruptScope interrupt(cancel);
  std::optional<PhotoSource> photo;
  const PromptEncoder& encoder = model.prompt_encoder();
  auto set_edit_text = [&](const std::string& source_prompt) {
    request.source.prompt = source_prompt;
    const EditText text = compose_edit(form, source_prompt);
    request.edit_prompt = text.edit_prompt;
    request.p2p = text.p2p;
    request.edit_words = text.edit_words;
    // Before any work (for photos before the inversion): edit words CLIP never reads.
    check_edit_words_fit(encoder, source_prompt, request.edit_prompt, request.p2p, request.edit_words);
  };
  if (photo_edit) {
    SourcePromptHooks hooks;
    hooks.check_prompt = set_edit_text;
    hooks.fit_caption = [&](const std::string& caption) {
      if (form.kind != EditForm::Kind::Appended) return caption;
      size_t dropped = 0;
      const std::string fitted = fit_prompt_to_window(
          encoder, caption, [&](const std::string& p) { return compose_edit(form, p).edit_prompt; }, &dropped);
      if (dropped > 0)
        std::cerr << "note: the caption \"" << caption << "\" was cut by " << dropped
                  << (dropped == 1 ? " word" : " words") << " so that the edit fits CLIP's "
                  << prompt_length(encoder, "").window << " tokens\n";
      return fitted;
    };
    photo = prepare_photo_source(args, model, cancel, hooks);
    request.inversion = photo->inversion;
    request.photo = photo->photo_request;
    std::cerr << "source prompt (" << photo->prompt_origin << "): " << photo->prompt << "\n";
  } else {
    set_edit_text(request.source.prompt);
  }
  std::cerr << "edit prompt: " << request.edit_prompt << "\nparts:";
  for (const auto& t : tokens) std::cerr << " " << t.part_name;
  std::cerr << "\n";

  // 3. The edit, interruptible.
  ProgressClock clock;
  const EditResult result = edit(model, request, [&clock](const EditProgress& p) {
    std::cerr << clock.line(p.step, p.total) << " (mask covers " << std::fixed << std::setprecision(1)
              << 100.0 * p.mask.mean().item<double>() << " %)\n";
  }, cancel);
  for (const auto& w : result.warnings) std::cerr << "warning: " << w << "\n";

  // 4. Outputs (each written atomically).
  if (photo) {
    keep_inversion(args, model, *photo, result);
    if (photo->prompt_origin == "BLIP-2 caption") std::cout << "source prompt (BLIP-2 caption): " << photo->prompt << "\n";
    write_photo_outputs(args, *photo, result);
  }
  write_outputs(args, result, photo.has_value());
  if (args.has("timings")) write_timings(model, result, photo ? &*photo : nullptr, after_load, compute);
  return 0;
}

}  // namespace partedit::cli
