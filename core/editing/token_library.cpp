#include "editing/token_library.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include "io/json_config.h"
#include "runtime/error.h"
#include "runtime/executable_dir.h"
#include "partedit_build_info.h"
#include "runtime/text.h"

namespace partedit {
namespace fs = std::filesystem;

namespace {

// ---- catalog --------------------------------------------------------------------------

std::string catalog_string(const nlohmann::json& entry, const char* key, const std::string& where) {
  if (!entry.contains(key) || !entry[key].is_string() || entry[key].get<std::string>().empty())
    throw Error(where + ": '" + key + "' must be a non-empty string");
  return entry[key].get<std::string>();
}

std::vector<std::string> catalog_strings(const nlohmann::json& entry, const char* key, const std::string& where,
                                         bool required) {
  std::vector<std::string> out;
  if (!entry.contains(key)) {
    if (required) throw Error(where + ": '" + key + "' is missing");
    return out;
  }
  if (!entry[key].is_array()) throw Error(where + ": '" + key + "' must be a list of strings");
  for (const auto& v : entry[key]) {
    if (!v.is_string()) throw Error(where + ": '" + key + "' must be a list of strings");
    out.push_back(v.get<std::string>());
  }
  return out;
}

TokenCatalogEntry parse_catalog_entry(const nlohmann::json& e, const std::string& where) {
  if (!e.is_object()) throw Error(where + " is not an object");
  TokenCatalogEntry entry;
  entry.part_name = catalog_string(e, "part_name", where);
  if (!is_valid_part_name(entry.part_name))
    throw Error(where + ": part_name '" + entry.part_name + "' is not kebab-case");
  entry.display_name = catalog_string(e, "display_name", where);
  entry.description = catalog_string(e, "description", where);
  entry.file = catalog_string(e, "file", where);
  entry.base_model_family = catalog_string(e, "base_model_family", where);
  if (e.contains("object")) entry.object = catalog_string(e, "object", where);
  if (e.contains("source")) entry.source = catalog_string(e, "source", where);
  if (!e.contains("embedding_dim") || !e["embedding_dim"].is_number_integer() || e["embedding_dim"].get<int64_t>() <= 0)
    throw Error(where + ": 'embedding_dim' must be a positive integer");
  entry.embedding_dim = e["embedding_dim"].get<int64_t>();
  entry.words = catalog_strings(e, "words", where, true);
  entry.alternative_files = catalog_strings(e, "alternative_files", where, false);
  return entry;
}

// ---- import ---------------------------------------------------------------------------

bool is_token_source(const fs::path& path) { return token_file_kind(path) != TokenFileKind::Other; }

// A token read from `source` and named, ready to be written.
struct PreparedImport {
  PartToken token;
  ImportResult result;
};

PreparedImport prepare_import(const TokenCatalog& catalog, const fs::path& source, const std::string& requested) {
  std::error_code ec;
  if (!fs::is_regular_file(source, ec)) throw Error("no such token file: " + source.string());
  PreparedImport p;
  p.result.source = source;
  const bool safetensors = token_file_kind(source) == TokenFileKind::Safetensors;
  p.token = read_token_file(source);
  PartToken& t = p.token;
  const bool bare = !safetensors || !read_part_token_info(source).has_metadata;

  const TokenCatalogEntry* entry = catalog.match_file(source);
  std::string name = requested.empty() ? "" : part_name_from_text(requested);
  if (!requested.empty() && name.empty()) throw Error("'" + requested + "' cannot be a part name (use e.g. human-head)");
  if (entry && !name.empty() && name != entry->part_name) {
    p.result.notes.push_back(source.filename().string() + " is the authors' " + entry->part_name +
                             " token; imported as '" + name + "' as asked");
    entry = nullptr;
  }
  if (name.empty()) name = entry ? entry->part_name : t.part_name;
  if (name != t.part_name && (bare || !requested.empty())) t.display_name = display_name_for(name);
  t.part_name = name;

  if (entry) {
    p.result.notes.push_back("recognised " + source.filename().string() + " as the authors' " + entry->display_name +
                             " token");
    if (catalog.is_alternative_file(source))
      p.result.notes.push_back("the authors prefer " + entry->file + " for this part");
    if (bare) t.display_name = entry->display_name;
    if (t.embedding_dim == entry->embedding_dim) {
      t.base_model_family = entry->base_model_family;
    } else {
      p.result.notes.push_back("the authors' file is " + std::to_string(entry->embedding_dim) + " wide (" +
                               entry->base_model_family + ") but this one is " + std::to_string(t.embedding_dim) +
                               " wide; family set to '" + t.base_model_family + "'");
    }
    if (bare) t.training_summary = "the authors' published token " + source.filename().string() +
                                   (entry->source.empty() ? "" : " (" + entry->source + ")");
  }
  p.result.part_name = t.part_name;
  return p;
}

// The library's file already holds this token (the same embedding, bit for bit: a re-import
// of the same download converts the same numbers).
bool holds_same_token(const fs::path& file, const PartToken& token) {
  try {
    const PartToken existing = read_part_token(file);
    return existing.part_name == token.part_name && existing.embedding.sizes() == token.embedding.sizes() &&
           existing.embedding.equal(token.embedding.to(at::kFloat));
  } catch (const Error&) {
    return false;  // unreadable: the caller's message about replacing it applies
  }
}

ImportResult write_import(PreparedImport& p, const fs::path& folder, bool overwrite) {
  const fs::path destination = folder / (p.token.part_name + ".safetensors");
  std::error_code ec;
  if (fs::exists(destination, ec) && !overwrite && holds_same_token(destination, p.token)) {
    p.result.destination = destination;
    p.result.unchanged = true;
    return p.result;
  }
  if (fs::exists(destination, ec) && !overwrite)
    throw Error("part token '" + p.token.part_name + "' is already in the library (" + destination.string() +
                "); import with overwrite (--force) to replace it");
  fs::create_directories(folder, ec);
  if (ec) throw Error("cannot create the token folder " + folder.string() + ": " + ec.message());
  write_part_token(destination, p.token);
  p.result.destination = destination;
  return p.result;
}

}  // namespace

TokenCatalog TokenCatalog::load(const fs::path& json_path) {
  const nlohmann::json json = read_json_file(json_path);
  const std::string where = "token catalog " + json_path.string();
  if (!json.is_object() || !json.contains("tokens") || !json["tokens"].is_array())
    throw Error(where + ": expected an object with a 'tokens' list");
  TokenCatalog catalog;
  if (json.contains("source") && json["source"].is_object() && json["source"].contains("description") &&
      json["source"]["description"].is_string())
    catalog.source_ = json["source"]["description"].get<std::string>();
  std::set<std::string> names, files;
  for (size_t i = 0; i < json["tokens"].size(); ++i) {
    auto entry = parse_catalog_entry(json["tokens"][i], where + ": tokens[" + std::to_string(i) + "]");
    if (!names.insert(entry.part_name).second) throw Error(where + ": part '" + entry.part_name + "' listed twice");
    for (const auto& f : entry.alternative_files)
      if (!files.insert(lower_ascii(f)).second) throw Error(where + ": file '" + f + "' listed twice");
    if (!files.insert(lower_ascii(entry.file)).second) throw Error(where + ": file '" + entry.file + "' listed twice");
    catalog.entries_.push_back(std::move(entry));
  }
  return catalog;
}

const TokenCatalogEntry* TokenCatalog::find(const std::string& part_name) const {
  for (const auto& e : entries_)
    if (e.part_name == part_name) return &e;
  return nullptr;
}

const TokenCatalogEntry* TokenCatalog::match_file(const fs::path& file) const {
  const std::string name = lower_ascii(file.filename().string());
  for (const auto& e : entries_) {
    if (lower_ascii(e.file) == name) return &e;
    for (const auto& alt : e.alternative_files)
      if (lower_ascii(alt) == name) return &e;
  }
  return nullptr;
}

bool TokenCatalog::is_alternative_file(const fs::path& file) const {
  const TokenCatalogEntry* e = match_file(file);
  return e && lower_ascii(e->file) != lower_ascii(file.filename().string());
}

std::vector<const TokenCatalogEntry*> TokenCatalog::match_word(const std::string& word) const {
  const std::string w = lower_ascii(word);
  std::vector<const TokenCatalogEntry*> out;
  for (const auto& e : entries_) {
    bool hit = e.part_name == part_name_from_text(w);
    for (const auto& x : e.words) hit = hit || lower_ascii(x) == w;
    if (hit) out.push_back(&e);
  }
  return out;
}

TokenLibrary::TokenLibrary(std::vector<fs::path> folders, TokenCatalog catalog)
    : folders_(std::move(folders)), catalog_(std::move(catalog)) {
  if (folders_.empty()) throw Error("a token library needs at least one folder");
}

std::vector<TokenListing> TokenLibrary::list() const {
  std::vector<TokenListing> out;
  std::set<std::string> seen;
  for (const auto& folder : folders_) {
    std::error_code ec;
    if (!fs::is_directory(folder, ec)) continue;
    std::vector<fs::path> files;
    for (const auto& item : fs::directory_iterator(folder, ec))
      if (lower_ascii(item.path().extension().string()) == ".safetensors" && item.is_regular_file(ec))
        files.push_back(item.path());
    std::sort(files.begin(), files.end());
    for (const auto& path : files) {
      TokenListing listing;
      listing.info.path = path;
      try {
        listing.info = read_part_token_info(path);
        listing.shadowed = !seen.insert(listing.info.part_name).second;
      } catch (const Error& e) {
        listing.problem = e.what();
      }
      out.push_back(std::move(listing));
    }
  }
  return out;
}

std::vector<std::string> TokenLibrary::part_names() const {
  std::vector<std::string> names;
  for (const auto& l : list())
    if (l.problem.empty() && !l.shadowed) names.push_back(l.info.part_name);
  std::sort(names.begin(), names.end());
  return names;
}

fs::path TokenLibrary::find_path(const std::string& part_name) const {
  const std::string name = part_name_from_text(part_name);
  const auto listings = list();
  for (const auto& l : listings)
    if (l.problem.empty() && l.info.part_name == name) return l.info.path;

  std::vector<std::string> folders, available, broken;
  for (const auto& f : folders_) folders.push_back(f.string());
  for (const auto& l : listings) {
    if (!l.problem.empty())
      broken.push_back(l.problem);
    else if (!l.shadowed)
      available.push_back(l.info.part_name);
  }
  std::sort(available.begin(), available.end());
  std::string msg = "no part token '" + part_name + "' in " + join(folders, ", ") + "; available: " +
                    (available.empty() ? "none" : join(available, ", "));
  if (const TokenCatalogEntry* e = catalog_.find(name)) {
    msg += ". The authors publish it as " + e->file + (e->source.empty() ? "" : " (" + e->source + ")") +
           ": download it and import it (partedit-cli tokens import " + e->file + ")";
  } else {
    std::vector<std::string> meant;
    for (const auto* e : catalog_.match_word(part_name)) meant.push_back(e->part_name);
    if (!meant.empty()) msg += ". '" + part_name + "' is a word for: " + join(meant, ", ");
    else if (const auto near = closest_matches(name, available); !near.empty())
      msg += ". Did you mean " + join(near, " or ") + "?";
  }
  if (!broken.empty()) msg += ". Unreadable token files: " + join(broken, "; ");
  throw Error(msg);
}

PartToken TokenLibrary::find(const std::string& part_name) const { return read_part_token(find_path(part_name)); }

namespace {

// The token file of `part_name` when it lies in `user_folder`; Error otherwise.
fs::path user_token_file(const TokenLibrary& library, const std::string& part_name, const char* action) {
  const fs::path path = library.find_path(part_name);
  std::error_code ec;
  if (!fs::equivalent(path.parent_path(), library.user_folder(), ec))
    throw Error("cannot " + std::string(action) + " " + part_name + ": its file " + path.string() +
                " is not in your token folder " + library.user_folder().string() + " (other folders are read-only here)");
  return path;
}

}  // namespace

fs::path TokenLibrary::rename(const std::string& part_name, const std::string& new_name) const {
  const fs::path old_path = user_token_file(*this, part_name, "rename");
  const std::string name = part_name_from_text(new_name);
  if (!is_valid_part_name(name))
    throw Error("'" + new_name + "' is not a part name: use letters, digits and single dashes, e.g. human-head");
  PartToken token = read_part_token(old_path);
  if (name == token.part_name) return old_path;
  for (const auto& listing : list())
    if (listing.problem.empty() && listing.info.part_name == name)
      throw Error("a part token named " + name + " is installed already (" + listing.info.path.string() + ")");
  token.part_name = name;
  token.display_name.clear();  // derived from the new name on writing
  const fs::path new_path = user_folder() / (name + ".safetensors");
  write_part_token(new_path, token);
  std::error_code ec;
  if (!fs::equivalent(old_path, new_path, ec)) fs::remove(old_path, ec);
  if (ec) throw Error("renamed to " + new_path.string() + " but could not remove " + old_path.string() + ": " + ec.message());
  return new_path;
}

fs::path TokenLibrary::remove(const std::string& part_name) const {
  const fs::path path = user_token_file(*this, part_name, "delete");
  std::error_code ec;
  fs::remove(path, ec);
  if (ec) throw Error("cannot delete " + path.string() + ": " + ec.message());
  return path;
}

ImportResult TokenLibrary::import_file(const fs::path& source, const std::string& part_name, bool overwrite) const {
  PreparedImport p = prepare_import(catalog_, source, part_name);
  return write_import(p, user_folder(), overwrite);
}

std::vector<ImportResult> TokenLibrary::import_folder(const fs::path& folder, bool overwrite) const {
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) throw Error("no such folder: " + folder.string());
  std::vector<fs::path> files;
  for (const auto& item : fs::directory_iterator(folder, ec))
    if (item.is_regular_file(ec) && is_token_source(item.path())) files.push_back(item.path());
  if (files.empty()) throw Error("no .pt, .pth or .safetensors files in " + folder.string());
  // The catalog's preferred files first, so that they win over alternatives of the same part.
  std::sort(files.begin(), files.end(), [&](const fs::path& a, const fs::path& b) {
    const bool alt_a = catalog_.is_alternative_file(a), alt_b = catalog_.is_alternative_file(b);
    return alt_a != alt_b ? alt_b : a.filename() < b.filename();
  });
  std::vector<ImportResult> results;
  std::map<std::string, fs::path> taken;  // part name -> file of this folder that gave it
  for (const auto& file : files) {
    ImportResult result;
    result.source = file;
    try {
      PreparedImport p = prepare_import(catalog_, file, "");
      result = p.result;
      const std::string& name = p.token.part_name;
      if (auto it = taken.find(name); it != taken.end()) {
        result.error = "skipped: part '" + name + "' already comes from " + it->second.filename().string() +
                       (catalog_.is_alternative_file(file) ? ", which the authors prefer" : "") +
                       "; import this file alone with another name to keep both";
      } else {
        taken[name] = file;
        result = write_import(p, user_folder(), overwrite);
      }
    } catch (const Error& e) {
      result.error = e.what();
    }
    results.push_back(std::move(result));
  }
  return results;
}

fs::path default_user_token_dir() {
  const char* xdg = std::getenv("XDG_DATA_HOME");
  if (xdg && *xdg && fs::path(xdg).is_absolute()) return fs::path(xdg) / "partedit" / "tokens";
  const char* home = std::getenv("HOME");
  if (!home || !*home) throw Error("neither XDG_DATA_HOME nor HOME is set: cannot locate the user token folder");
  return fs::path(home) / ".local" / "share" / "partedit" / "tokens";
}

fs::path find_shipped_token_dir(const fs::path& executable_dir) {
  if (const char* env = std::getenv("PARTEDIT_TOKENS_DIR"); env && *env) return fs::path(env);
  std::error_code ec;
  for (const fs::path& candidate : {executable_dir / ".." / "share" / "partedit" / "tokens",
                                   fs::path(PARTEDIT_SOURCE_TOKENS_DIR)})
    if (fs::is_regular_file(candidate / "catalog.json", ec)) return fs::weakly_canonical(candidate, ec);
  return {};
}

fs::path program_token_dir() { return find_shipped_token_dir(current_executable_dir()); }

TokenLibrary open_token_library(const fs::path& shipped_dir, std::vector<fs::path> user_folders) {
  std::vector<fs::path> folders =
      user_folders.empty() ? std::vector<fs::path>{default_user_token_dir()} : std::move(user_folders);
  TokenCatalog catalog;
  std::error_code ec;
  if (!shipped_dir.empty()) {
    folders.push_back(shipped_dir);
    if (fs::is_regular_file(shipped_dir / "catalog.json", ec)) catalog = TokenCatalog::load(shipped_dir / "catalog.json");
  }
  return TokenLibrary(std::move(folders), std::move(catalog));
}

}  // namespace partedit
