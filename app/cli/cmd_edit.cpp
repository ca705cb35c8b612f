// partedit-cli edit: PartEdit on a generated image (algorithm.md §3; architecture.md, "The
// command line"). The edit is given as "with <edit> <part>" (appended to the prompt), as a
// full edit prompt, or as a subject word swap; parts come from the token library or files.
#include <chrono>
#include <iostream>
#include <map>
#include <memory>

#include <ATen/ATen.h>

#include "cli_app.h"
#include "cli_common.h"
#include "commands.h"
#include "edit_command.h"
#include "edit_photo.h"
#include "editing/edit_instruction.h"
#include "editing/part_edit_pipeline.h"
#include "editing/token_library.h"
#include "engine/engine.h"
#include "io/image_io.h"
#include "io/safetensors.h"
#include "options.h"
#include "pipeline/diffusion_model.h"
#include "pipeline/prompt_encoder.h"
#include "runtime/error.h"

namespace partedit::cli {
namespace fs = std::filesystem;

namespace {

const std::vector<std::string> kImageExtensions = {".png", ".jpg", ".jpeg", ".webp"};

// --p2p's words.
const std::map<std::string, PromptToPrompt> kPromptToPromptModes = {
    {"replace", PromptToPrompt::Replace}, {"refine", PromptToPrompt::Refine}, {"none", PromptToPrompt::None}};

// Exactly one of --edit, --edit-prompt, --subject/--edit-word.
EditInstruction instruction_from(const CLI::App& command, const EditOptions& o, const TokenLibrary& library) {
  const auto given = [&command](const char* option) { return command.count(option) > 0; };
  const int forms = int(given("--edit")) + int(given("--edit-prompt")) + int(given("--subject") || given("--edit-word"));
  if (forms == 0) throw Error("say what to change: --edit \"with <edit> <part>\", --edit-prompt TEXT or --subject WORD --edit-word WORD");
  if (forms > 1) throw Error("give only one of --edit, --edit-prompt and --subject/--edit-word");
  EditInstruction instruction;
  if (given("--edit")) {
    instruction = EditInstruction::appended_edit(parse_appended_edit(
        o.edit, [&](const std::string& text) { return names_available_part(library, text); }));
  } else if (given("--edit-prompt")) {
    instruction = EditInstruction::explicit_prompt(o.edit_prompt);
  } else {
    if (!given("--subject") || !given("--edit-word")) throw Error("--subject and --edit-word go together");
    instruction = EditInstruction::swap(o.subject, o.edit_word);
  }
  if (!o.p2p.empty()) instruction.p2p = kPromptToPromptModes.at(o.p2p);
  return instruction;
}

PartToken read_token_option(const fs::path& path) {
  if (!fs::is_regular_file(path)) throw Error("--token " + path.string() + ": no such file");
  return read_token_file(path);
}

std::vector<PartToken> part_tokens_from(const EditOptions& o, const EditInstruction& instruction,
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
  for (const auto& name : o.parts) tokens.push_back(resolve_part(library, name));
  for (const auto& file : o.tokens) tokens.push_back(read_token_option(file));
  if (tokens.empty()) throw Error("name the part to edit: --part NAME or --token FILE (or <part> in --edit)");
  return tokens;
}

// The edited image (unless a photo edit wrote it) and the files every edit can write.
void write_outputs(const EditOutputs& outputs, const EditResult& result, bool photo_written) {
  if (!photo_written) {
    write_image(outputs.out, result.edited, result.parameters);
    std::cout << "wrote " << outputs.out << " (" << result.width << "x" << result.height;
    if (result.noise_from_seed) std::cout << ", seed " << result.seed;
    std::cout << ")\n";
  }
  if (!outputs.source_out.empty() && !photo_written) {
    write_image(outputs.source_out, result.source, result.source_parameters);
    std::cout << "wrote " << outputs.source_out << "\n";
  }
  if (!outputs.mask_out.empty() && !photo_written) {
    write_image(outputs.mask_out, result.final_mask.unsqueeze(0).expand({3, -1, -1}), result.parameters);
    std::cout << "wrote " << outputs.mask_out << "\n";
  }
  if (!outputs.save_masks.empty()) {
    const auto otsu = at::tensor(result.otsu, at::TensorOptions().dtype(at::kDouble)).to(at::kFloat);
    // Half precision halves the file; the masks lie in [0, 1], where half is within 2^-12.
    write_safetensors(outputs.save_masks, {{"masks", result.masks.to(at::kHalf)}, {"otsu", otsu}},
                      {{"parameters", result.parameters}});
    std::cout << "wrote " << outputs.save_masks << "\n";
  }
  if (!outputs.save_latents.empty()) {
    write_safetensors(outputs.save_latents, {{"source", result.source_latents}, {"edit", result.edit_latents}},
                      {{"parameters", result.parameters}});
    std::cout << "wrote " << outputs.save_latents << "\n";
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

void check_output_paths(const CLI::App& command, const EditOutputs& outputs) {
  check_output_path(outputs.out, kImageExtensions, "out");
  for (const auto& [option, path] : given_paths(command, {"source-out", "mask-out"}))
    check_output_path(path, kImageExtensions, option.c_str());
  for (const auto& [option, path] : given_paths(command, {"save-masks", "save-latents"}))
    check_output_path(path, {".safetensors"}, option.c_str());
  check_distinct_outputs(given_paths(command, {"out", "source-out", "mask-out", "save-masks", "save-latents"}),
                         given_paths(command, {"model", "image", "init-latents", "inversion", "token", "caption-model"}));
}

}  // namespace

PreparedEdit prepare_edit(const CLI::App& command, const EditOptions& o) {
  PreparedEdit prepared;
  prepared.photo = is_photo_edit(command);
  if (prepared.photo) check_photo_options(command, o.photo);
  else if (o.generation.prompt->count() == 0)
    throw Error("--prompt TEXT is required (or --image FILE to edit a photo)");
  EditJob& job = prepared.job;
  job = o.job;
  job.generation = o.generation.checked_request();
  if (command.count("--t-e") > 0) job.edit_end_step = o.edit_end_step;
  validate_mask_size(job.mask_size);
  job.composite = !o.photo.no_composite;
  job.use_cache = !o.photo.no_cache;
  check_output_paths(command, o.outputs);
  EngineOptions& engine = prepared.engine;
  engine.shipped_token_dir = program_token_dir();
  for (const auto& dir : o.libraries) engine.token_dirs.emplace_back(dir);
  if (command.count("--caption-model") > 0 && o.generation.prompt->count() == 0)
    engine.caption_model = fs::path(o.photo.caption_model);
  if (prepared.photo) engine.inversion_cache = inversion_cache_from(o.photo);
  const TokenLibrary library = open_token_library(engine.shipped_token_dir, engine.token_dirs);
  job.instruction = instruction_from(command, o, library);
  job.parts = part_tokens_from(o, job.instruction, library);
  return prepared;
}

EditJobResult run_edit(const CLI::App& command, const EditOptions& o, PreparedEdit prepared, Engine& engine,
                       const EngineListener& listener, const CancelToken& cancel) {
  EditJob& job = prepared.job;
  engine.set_token_folders(prepared.engine.shipped_token_dir, prepared.engine.token_dirs);
  engine.set_caption_model(prepared.engine.caption_model);
  engine.set_inversion_cache(prepared.engine.inversion_cache);
  const ComputeOptions compute = o.run.compute();
  reset_peak_cuda_memory(compute.device);

  // The model (kept when loaded already); for a photo its source (an inversion file is read
  // and checked against it).
  DiffusionModel& model = engine.load_model(o.model.folder, compute, listener, o.model.load);
  fill_size_from_latents(model, job.generation);
  const auto after_load = std::chrono::steady_clock::now();
  if (prepared.photo) job.from = photo_source(command, o.photo, job.generation, engine);

  // The edit (caption and inversion first for a photo).
  EditJobResult result = engine.edit(job, listener, cancel);

  // Outputs (each written atomically).
  if (prepared.photo) {
    if (result.prompt_origin == PromptOrigin::Caption)
      std::cout << "source prompt (" << prompt_origin_text(result.prompt_origin) << "): " << result.source_prompt << "\n";
    write_photo_outputs(o.outputs, result);
  }
  write_outputs(o.outputs, result.edit, prepared.photo);
  if (o.run.timings) write_timings(model, result, prepared.photo, after_load, compute);
  return result;
}

EditCommandLine::EditCommandLine(const std::vector<std::string>& words)
    : root_(std::make_unique<CLI::App>("", "partedit-cli")), options_(std::make_unique<EditOptions>()) {
  configure_root(*root_, "");
  command_ = declare_edit(*root_, *options_);
  std::vector<std::string> line = {"edit"};
  line.insert(line.end(), words.begin(), words.end());
  try {
    check_option_values(*root_, line);
    std::vector<std::string> reversed(line.rbegin(), line.rend());  // CLI11 takes them last first
    root_->parse(reversed);
  } catch (const CLI::CallForHelp&) {
    throw Error("help is not an edit option");
  } catch (const CLI::CallForVersion&) {
    throw Error("version is not an edit option");
  } catch (const CLI::ParseError& error) {
    throw Error(usage_error_text(error, *root_));
  }
}

CLI::App* declare_edit(CLI::App& root, EditOptions& o) {
  CLI::App* command = root.add_subcommand("edit", "PartEdit: change one part of a generated image, keep the rest");
  set_usage(*command,
            "partedit-cli edit --model DIR --prompt TEXT (--edit \"with <edit> <part>\" | --edit-prompt TEXT "
            "--part NAME | --subject WORD --edit-word WORD --part NAME) --out IMAGE [options]\n"
            "       partedit-cli edit --model DIR --image PHOTO [--prompt TEXT | --caption-model DIR] (edit as above) "
            "--out IMAGE [options]");
  add_model_options(*command, o.model);
  add_generation_options(*command, o.generation);
  // Photos are inverted: their own schedulers and seed meaning.
  std::string photo_schedulers;
  for (const auto& kind : inversion_scheduler_kinds()) photo_schedulers += (photo_schedulers.empty() ? "" : " | ") + kind;
  o.generation.scheduler->description("generated source: the sampler (default: the model's); photos (--image): " +
                                       photo_schedulers + " (default " + InvertRequest{}.scheduler + ")");
  o.generation.seed_option->description(
      "seed of the initial noise, for photos of the inversion's noising draws (default: random, reported and "
      "recorded)");
  add_photo_options(*command, o.photo, o.job);
  command->add_option("--edit", o.edit, "\"with <edit> <part>\", appended to the prompt: \"with a robotic <head>\"")
      ->type_name("TEXT");
  command->add_option("--edit-prompt", o.edit_prompt, "the full edit prompt (same word count: word-swap mapping)")
      ->type_name("TEXT");
  command->add_option("--subject", o.subject, "a word of the prompt to swap for --edit-word (the authors' demo form)")
      ->type_name("WORD");
  command->add_option("--edit-word", o.edit_word, "what --subject becomes")->type_name("WORD");
  command->add_option("--part", o.parts, "a part token of the library (several parts at once)")
      ->type_name("NAME")
      ->allow_extra_args(false);
  command->add_option("--token", o.tokens, "a part token file, .safetensors or the authors' .pt")
      ->type_name("FILE")
      ->allow_extra_args(false);
  command->add_option("--library", o.libraries, "token library folder used instead of the user folder")
      ->type_name("DIR")
      ->allow_extra_args(false);
  command->add_option("--t-e", o.edit_end_step, "blend the edit into the source at steps 1 <= t < N (default: all steps)")
      ->type_name("N");
  command->add_option("--omega", o.job.omega, "adaptive threshold: map values >= W x Otsu become 1")
      ->type_name("W")
      ->capture_default_str();
  std::vector<std::string> p2p_modes;
  for (const auto& [name, mode] : kPromptToPromptModes) p2p_modes.push_back(name);
  command->add_option("--p2p", o.p2p, "prompt-to-prompt (default: replace for equal word counts, else refine)")
      ->type_name("MODE")
      ->check(CLI::IsMember(p2p_modes));
  command->add_option("--cross-replace", o.job.cross_replace,
                      "fraction of steps the edit words keep the source's attention")
      ->type_name("F")
      ->capture_default_str();
  command->add_option("--mask-size", o.job.mask_size,
                      "aggregate the maps at N x N (default: the image size; the authors use 1024)")
      ->type_name("N")
      ->check(whole_at_least(1));
  command->add_option("--out", o.outputs.out, "the edited image: .png, .jpg, .jpeg or .webp")
      ->type_name("IMAGE")
      ->required();
  command->add_option("--source-out", o.outputs.source_out, "also write the source image")->type_name("IMAGE");
  command->add_option("--mask-out", o.outputs.mask_out, "the final mask (mean of the per-step masks) as a grey image")
      ->type_name("IMAGE");
  command->add_option("--save-masks", o.outputs.save_masks,
                      "safetensors with `masks` [steps, H, W] float16 and `otsu` [steps] float32")
      ->type_name("FILE");
  command->add_option("--save-latents", o.outputs.save_latents, "safetensors with the final latents `source` and `edit`")
      ->type_name("FILE");
  add_run_options(*command, o.run);
  return command;
}

Command add_edit(CLI::App& root) {
  auto o = std::make_shared<EditOptions>();
  CLI::App* command = declare_edit(root, *o);
  return {command, [command, o] {
            PreparedEdit prepared = prepare_edit(*command, *o);
            Engine engine(prepared.engine);
            CancelToken cancel;
            InterruptScope interrupt(cancel);
            run_edit(*command, *o, std::move(prepared), engine, stderr_listener(), cancel);
            return 0;
          }};
}

}  // namespace partedit::cli
