// partedit-cli tokens list|import|inspect: the part-token library (editing/token_library.h).
// The user folder is replaced by --library DIR (repeatable; the first receives imports);
// the shipped folder is found next to the program or at $PARTEDIT_TOKENS_DIR.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>
#include <CLI/CLI.hpp>

#include "commands.h"
#include "editing/edit_instruction.h"
#include "editing/part_token.h"
#include "editing/token_library.h"
#include "io/safetensors.h"
#include "runtime/error.h"

namespace partedit::cli {
namespace fs = std::filesystem;

namespace {

struct Library {
  TokenLibrary library;
  size_t user_folders;  // folders()[0, user_folders) are user folders, the rest shipped
};

// --library DIR (repeatable), which every tokens subcommand takes.
void add_library_option(CLI::App& command, std::vector<std::string>& folders) {
  command.add_option("--library", folders, "token folder to use instead of the user folder (imports go to the first)")
      ->type_name("DIR")
      ->allow_extra_args(false);
}

Library open_library(const std::vector<std::string>& folders) {
  std::vector<fs::path> user;
  for (const auto& dir : folders) user.emplace_back(dir);
  const size_t n_user = user.empty() ? 1 : user.size();
  return {open_token_library(program_token_dir(), std::move(user)), n_user};
}

std::string pad(const std::string& s, size_t width) { return s.size() >= width ? s + " " : s + std::string(width - s.size(), ' '); }

std::string int_list_text(const std::vector<int64_t>& values) {
  std::string s = "[";
  for (size_t i = 0; i < values.size(); ++i) s += (i ? ", " : "") + std::to_string(values[i]);
  return s + "]";
}

int list_tokens(const std::vector<std::string>& libraries) {
  const Library lib = open_library(libraries);
  const auto& folders = lib.library.folders();
  const auto listing = lib.library.list();
  std::cout << "folders:\n";
  for (size_t i = 0; i < folders.size(); ++i) {
    size_t count = 0;
    for (const auto& l : listing) count += l.info.path.parent_path() == folders[i];
    std::error_code ec;
    const char* kind = i < lib.user_folders ? (libraries.empty() ? "user" : "library") : "shipped";
    std::cout << "  " << pad(kind, 8) << folders[i].string() << "  ("
              << (fs::is_directory(folders[i], ec) ? std::to_string(count) + " token files" : std::string("not created yet"))
              << ")\n";
  }
  std::cout << "\n";
  if (listing.empty()) {
    std::cout << "no part tokens yet\n";
  } else {
    std::cout << pad("PART", 18) << pad("DISPLAY NAME", 20) << pad("FAMILY", 8) << pad("WIDTH", 6) << pad("PARTS", 6)
              << "FILE\n";
    for (const auto& l : listing) {
      if (!l.problem.empty()) {
        std::cout << pad("(unreadable)", 18) << l.problem << "\n";
        continue;
      }
      const auto& i = l.info;
      std::cout << pad(i.part_name, 18) << pad(i.display_name, 20) << pad(i.base_model_family, 8)
                << pad(std::to_string(i.embedding_dim), 6) << pad(std::to_string(i.num_parts), 6) << i.path.string()
                << (l.shadowed ? "  (hidden by an earlier folder)" : "") << "\n";
    }
  }
  const auto names = lib.library.part_names();
  std::vector<const TokenCatalogEntry*> missing;
  for (const auto& e : lib.library.catalog().entries())
    if (std::find(names.begin(), names.end(), e.part_name) == names.end()) missing.push_back(&e);
  if (!missing.empty()) {
    std::cout << "\nnot imported yet — published by the authors (" << lib.library.catalog().source()
              << "); download them, then: partedit-cli tokens import DIR\n";
    for (const auto* e : missing)
      std::cout << "  " << pad(e->part_name, 16) << pad(e->file, 30) << e->description << "\n";
  }
  return 0;
}

void print_result(const ImportResult& r) {
  if (r.unchanged) {
    std::cout << r.part_name << " already installed, unchanged (" << r.destination.string() << ")\n";
  } else if (r.imported()) {
    std::cout << "imported " << r.part_name << "  from " << r.source.string() << "\n         to " << r.destination.string()
              << "\n";
  } else {
    std::cout << "not imported " << r.source.string() << ": " << r.error << "\n";
  }
  for (const auto& n : r.notes) std::cout << "  note: " << n << "\n";
}

struct ImportOptions {
  std::vector<std::string> sources, libraries;
  std::string name;
  bool force = false;
};

int import_tokens(const ImportOptions& o) {
  if (o.sources.size() != 1) throw Error("tokens import takes exactly one file or folder (see --help)");
  if (o.libraries.size() > 1) throw Error("tokens import writes to one folder: give --library once");
  const fs::path source = o.sources[0];
  const Library lib = open_library(o.libraries);
  const bool force = o.force;
  std::error_code ec;
  if (!fs::is_directory(source, ec)) {
    print_result(lib.library.import_file(source, o.name, force));
    return 0;
  }
  if (!o.name.empty()) throw Error("--name applies to a single file, not to the folder " + source.string());
  const auto results = lib.library.import_folder(source, force);
  size_t imported = 0, unchanged = 0, failed = 0;
  for (const auto& r : results) {
    print_result(r);
    imported += r.imported() && !r.unchanged;
    unchanged += r.unchanged;
    failed += !r.imported() && r.error.rfind("skipped:", 0) != 0;
  }
  std::cout << "imported " << imported << " of " << results.size() << " files into " << lib.library.user_folder().string();
  if (unchanged > 0) std::cout << " (" << unchanged << " already installed, unchanged)";
  std::cout << "\n";
  if (failed > 0) {
    std::cerr << "partedit-cli tokens import: " << failed << " file(s) could not be imported\n";
    return 1;
  }
  return 0;
}

void print_token(const PartToken& t, const TokenCatalog& catalog) {
  const auto row = [](const std::string& key, const std::string& value) { std::cout << pad(key, 16) << value << "\n"; };
  row("part name", t.part_name);
  row("display name", t.display_name);
  if (const auto* e = catalog.find(t.part_name)) row("localises", e->description);
  row("family", t.base_model_family);
  row("width", std::to_string(t.embedding.size(1)));
  const int64_t parts = t.num_parts();
  row("rows", std::to_string(t.embedding.size(0)) + " (" + std::to_string(parts) + (parts == 1 ? " part" : " parts") +
                  ": BG, PART per part)");
  row("layers", t.layers.empty() ? "unknown" : int_list_text(t.layers));
  row("timesteps", t.timestep_range.first < 0 ? "unknown" : int_list_text({t.timestep_range.first, t.timestep_range.second}));
  row("training", t.training_summary.empty() ? "unknown" : t.training_summary);
  std::cout << "row  role  norm\n";
  const auto e = t.embedding.accessor<float, 2>();  // [2k, D] float32 CPU
  for (int64_t r = 0; r < e.size(0); ++r) {
    double sum = 0;
    for (int64_t j = 0; j < e.size(1); ++j) sum += double(e[r][j]) * double(e[r][j]);
    char norm[32];
    std::snprintf(norm, sizeof norm, "%.6f", std::sqrt(sum));
    std::cout << pad(std::to_string(r), 5) << pad(r % 2 == 0 ? "BG" : "PART", 6) << norm << "\n";
  }
}

int inspect_token(const std::vector<std::string>& targets, const std::vector<std::string>& libraries) {
  if (targets.size() != 1) throw Error("tokens inspect takes exactly one file or part name (see --help)");
  const std::string target = targets[0];
  const Library lib = open_library(libraries);
  std::error_code ec;
  fs::path path = target;
  if (!fs::is_regular_file(path, ec)) {
    // A path-like argument is a missing file, not a part name.
    if (target.find('/') != std::string::npos || path.has_extension()) throw Error("no such token file: " + target);
    path = resolve_part_path(lib.library, target);  // as --edit "<head>" and --part resolve it
  }
  std::cout << pad("file", 16) << path.string() << "\n";
  std::unique_ptr<SafetensorsFile> file;  // null for a torch.save file
  try {
    file = std::make_unique<SafetensorsFile>(path);
  } catch (const Error&) {
    if (token_file_kind(path) == TokenFileKind::Safetensors) throw;
  }
  PartToken token;
  if (file) {
    token = read_part_token(path);
    std::cout << pad("format", 16)
              << (read_part_token_info(path).has_metadata ? "part token (safetensors with metadata)"
                                                          : "safetensors with only `embedding` (the authors' format)")
              << "\n";
  } else {
    token = import_torch_token(path);
    if (const auto* e = lib.library.catalog().match_file(path)) {
      token.part_name = e->part_name;
      token.display_name = e->display_name;
    }
    std::cout << pad("format", 16) << "torch.save file (not in the library: partedit-cli tokens import "
              << path.filename().string() << ")\n";
  }
  print_token(token, lib.library.catalog());
  if (file && !file->metadata().empty()) {
    std::cout << "metadata:\n";
    for (const auto& [key, value] : file->metadata()) std::cout << "  " << key << " = " << value << "\n";
  }
  return 0;
}

}  // namespace

Command add_tokens(CLI::App& root) {
  CLI::App* command =
      root.add_subcommand("tokens", "list, import (from the authors' .pt files) and inspect part tokens");
  command->require_subcommand(1);
  struct TokensOptions {
    std::vector<std::string> list_libraries, inspect_targets, inspect_libraries;
    ImportOptions import;
  };
  auto o = std::make_shared<TokensOptions>();

  CLI::App* list = command->add_subcommand(
      "list", "the part tokens of the user and shipped folders, and the authors' published tokens not imported yet");
  add_library_option(*list, o->list_libraries);

  CLI::App* import = command->add_subcommand(
      "import", "convert a torch.save (.pt) or .safetensors token, or every such file of a folder, into the user folder");
  import->add_option("source", o->import.sources, "a token file or a folder of them")->type_name("FILE|DIR");
  import->add_option("--name", o->import.name, "the part name (kebab-case, e.g. car-wheel); default: from the catalog or the file")
      ->type_name("PART");
  import->add_flag("--force", o->import.force, "replace a token of the same part that is already in the library");
  add_library_option(*import, o->import.libraries);

  CLI::App* inspect = command->add_subcommand("inspect", "metadata, width, rows and the norm of each row of a token");
  inspect->add_option("target", o->inspect_targets, "a token file or a part name of the library")->type_name("FILE|PART");
  add_library_option(*inspect, o->inspect_libraries);

  return {command, [o, list, import] {
            if (list->parsed()) return list_tokens(o->list_libraries);
            if (import->parsed()) return import_tokens(o->import);
            return inspect_token(o->inspect_targets, o->inspect_libraries);
          }};
}

}  // namespace partedit::cli
