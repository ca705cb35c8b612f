#pragma once
// The part-token library: token files (*.safetensors, see part_token.h) in a list of folders
// — the per-user folder first (imports go there), then the application's shipped folder —
// and the catalog of the tokens the authors published (tokens/catalog.json), which names
// the part each of their files localises, so that importing a downloaded file needs no
// further input.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "editing/part_token.h"
#include "runtime/executable_dir.h"

namespace partedit {

struct TokenCatalogEntry {
  std::string part_name;     // "human-head"
  std::string display_name;  // "Human head"
  std::string description;   // what it localises
  std::string object;        // the kind of subject: "human", "quadruped", "car", ...
  std::string file;          // the authors' file name, "partimage_human_head.pt"
  std::vector<std::string> alternative_files;  // older files of the same part, less preferred
  std::string source;        // where `file` is published
  std::string base_model_family;
  int64_t embedding_dim = 0;
  std::vector<std::string> words;  // what users type for the part: "head", "face"
};

class TokenCatalog {
 public:
  TokenCatalog() = default;
  static TokenCatalog load(const std::filesystem::path& json_path);  // throws Error naming file and key

  const std::vector<TokenCatalogEntry>& entries() const { return entries_; }
  const std::string& source() const { return source_; }  // the dataset the files come from
  const TokenCatalogEntry* find(const std::string& part_name) const;
  // The entry whose file (or alternative file) has this file name, case-insensitively.
  const TokenCatalogEntry* match_file(const std::filesystem::path& file) const;
  bool is_alternative_file(const std::filesystem::path& file) const;
  // Entries whose words (or part name) include `word` ("head" gives several).
  std::vector<const TokenCatalogEntry*> match_word(const std::string& word) const;

 private:
  std::vector<TokenCatalogEntry> entries_;
  std::string source_;
};

// One token file found in a library folder.
struct TokenListing {
  PartTokenInfo info;   // path always set; the rest only when `problem` is empty
  std::string problem;  // why the file cannot be used ("" = fine)
  bool shadowed = false;  // an earlier folder (or file) has the same part name
};

struct ImportResult {
  std::filesystem::path source;
  std::filesystem::path destination;  // set when imported
  std::string part_name;
  std::vector<std::string> notes;  // catalog match, width/family remarks
  std::string error;               // folder imports: why this file was not imported ("" = imported)
  bool unchanged = false;          // the library already held this very token: nothing written
  bool imported() const { return error.empty() && !destination.empty(); }  // also when unchanged
};

class TokenLibrary {
 public:
  // `folders` in search order; folders[0] is the user folder that imports write to (created
  // on the first import). Folders that do not exist are listed as empty.
  explicit TokenLibrary(std::vector<std::filesystem::path> folders, TokenCatalog catalog = {});

  const std::vector<std::filesystem::path>& folders() const { return folders_; }
  const std::filesystem::path& user_folder() const { return folders_.front(); }
  const TokenCatalog& catalog() const { return catalog_; }

  std::vector<TokenListing> list() const;        // folder order, then file name
  std::vector<std::string> part_names() const;   // usable, unshadowed, sorted
  // The token for `part_name` (kebab-cased first, so "Human Head" works); the Error lists
  // the available part names and, for a catalogued part, where to download it.
  PartToken find(const std::string& part_name) const;
  std::filesystem::path find_path(const std::string& part_name) const;

  // Converts a .pt/.pth (torch.save) or .safetensors token into the user folder as
  // <part-name>.safetensors (atomic write). The part name is `part_name` if given, else the
  // catalog entry matching the file name, else the file's metadata, else its kebab-cased
  // stem. Refuses to replace an existing, different token unless `overwrite`; the same token
  // again is not written (`unchanged`).
  ImportResult import_file(const std::filesystem::path& source, const std::string& part_name = "",
                           bool overwrite = false) const;
  // Imports every .pt/.pth/.safetensors file of a folder (not recursive). Per-file failures
  // are reported in the results, not thrown; when two files give the same part, the
  // catalog's preferred file wins (torso_custom.pt over partimage_human_torso.pt).
  std::vector<ImportResult> import_folder(const std::filesystem::path& folder, bool overwrite = false) const;

  // Renames a token of the user folder: written as <new-name>.safetensors with that part name
  // (atomically), then the old file removed. Refuses an invalid name, one an installed token
  // already has, and tokens of other folders (shipped ones are read-only). Returns the new file.
  std::filesystem::path rename(const std::string& part_name, const std::string& new_name) const;
  // Deletes a token's file from the user folder (refused for other folders); returns it.
  std::filesystem::path remove(const std::string& part_name) const;

 private:
  std::vector<std::filesystem::path> folders_;
  TokenCatalog catalog_;
};

// $XDG_DATA_HOME/partedit/tokens, or ~/.local/share/partedit/tokens.
std::filesystem::path default_user_token_dir();
// The shipped token folder: $PARTEDIT_TOKENS_DIR if set, else the first of
// <exe_dir>/../share/partedit/tokens (installed) and the source tree's tokens/ (a build tree's
// programs) that holds catalog.json; empty if none.
std::filesystem::path find_shipped_token_dir(const std::filesystem::path& executable_dir);
// The shipped token folder of the running program (find_shipped_token_dir of its folder).
std::filesystem::path program_token_dir();
// The standard library: `user_folders` (default: default_user_token_dir()) then the shipped
// folder, with the shipped folder's catalog.json when present.
TokenLibrary open_token_library(const std::filesystem::path& shipped_dir,
                                std::vector<std::filesystem::path> user_folders = {});

}  // namespace partedit
