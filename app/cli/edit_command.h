#pragma once
// `edit`'s command line as objects: declared once (its options bound to EditOptions),
// checked without a model (prepare_edit), then run on an engine the caller keeps (run_edit).
// `partedit-cli edit` runs one edit on an engine of its own; `batch` runs every line of a
// manifest through one engine, so that a model is loaded once per process.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "edit_photo.h"
#include "engine/engine.h"
#include "options.h"

namespace partedit::cli {

struct EditOptions {
  ModelOptions model;
  ImageGenerationOptions generation;
  PhotoOptions photo;
  std::string edit, edit_prompt, subject, edit_word, p2p;
  std::vector<std::string> parts, tokens, libraries;
  EditJob job;  // t-e, omega, cross-replace, mask-size and feather bound here
  int64_t edit_end_step = 0;
  EditOutputs outputs;
  RunOptions run;
};

// Declares `edit` as a subcommand of `root`, its options bound to `options`.
CLI::App* declare_edit(CLI::App& root, EditOptions& options);

// An edit checked as far as it can be without the model: outputs, the edit's form, the part
// tokens (resolved in the token folders it names).
struct PreparedEdit {
  EditJob job;
  EngineOptions engine;  // the token folders, caption model and inversion cache it asks for
  bool photo = false;
};
PreparedEdit prepare_edit(const CLI::App& command, const EditOptions& options);

// Runs a prepared edit on `engine`: sets the edit's token folders, caption model and cache,
// loads the model (kept when it is the one loaded), edits, writes the outputs (each
// atomically) and, with --timings, the timings line.
EditJobResult run_edit(const CLI::App& command, const EditOptions& options, PreparedEdit prepared, Engine& engine,
                       const EngineListener& listener, const CancelToken& cancel);

// One edit given as words ("--model", "m", "--prompt", …, without "edit"), parsed exactly as
// `partedit-cli edit` parses its command line. Throws Error with the same message.
class EditCommandLine {
 public:
  explicit EditCommandLine(const std::vector<std::string>& words);
  const CLI::App& command() const { return *command_; }
  const EditOptions& options() const { return *options_; }

 private:
  std::unique_ptr<CLI::App> root_;
  std::unique_ptr<EditOptions> options_;
  CLI::App* command_ = nullptr;
};

}  // namespace partedit::cli
