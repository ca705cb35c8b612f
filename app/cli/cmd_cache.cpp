// partedit-cli cache [clear]: the inversion cache that photo edits keep (pipeline/inversion_cache.h):
// where it is, how many entries, their size against the limit; `clear` removes the entries
// (inversions by their content, named like entries; never a link or a folder) and nothing else.
#include <chrono>
#include <filesystem>
#include <iostream>
#include <memory>

#include "cli_app.h"
#include "commands.h"
#include "pipeline/inversion_cache.h"
#include "runtime/byte_size.h"
#include "runtime/error.h"
#include "runtime/progress_clock.h"

namespace partedit::cli {
namespace fs = std::filesystem;

namespace {

std::string age_text(fs::file_time_type last_used) {
  const double seconds = std::chrono::duration<double>(fs::file_time_type::clock::now() - last_used).count();
  if (seconds >= 2 * 86400) return std::to_string(static_cast<long>(seconds / 86400)) + " days ago";
  return format_duration(seconds) + " ago";
}

// A folder, or none yet; anything else (a file given by mistake) is no cache to show or clear.
void check_cache_folder(const fs::path& folder) {
  std::error_code ec;
  const fs::file_status status = fs::status(folder, ec);
  if (status.type() == fs::file_type::not_found || fs::is_directory(status)) return;
  if (ec) throw Error("cannot read the cache folder " + folder.string() + ": " + ec.message());
  throw Error("the cache folder " + folder.string() + " is not a folder (" +
              (fs::is_regular_file(status) ? "it is a file" : "it is not a directory") +
              "): give the folder the inversions are kept in with --cache-dir DIR");
}

int show(const InversionCache& cache, bool list) {
  const auto entries = cache.entries();
  uint64_t total = 0;
  for (const auto& e : entries) total += e.bytes;
  std::cout << "inversion cache: " << cache.folder().string();
  std::error_code ec;
  if (!fs::is_directory(cache.folder(), ec)) std::cout << " (not created yet)";
  std::cout << "\nentries: " << entries.size() << ", " << format_byte_size(total) << " of a "
            << format_byte_size(cache.limit_bytes())
            << " limit (least recently used evicted; edit --cache-limit or PARTEDIT_CACHE_LIMIT)\n";
  if (list) {
    for (auto it = entries.rbegin(); it != entries.rend(); ++it)  // most recently used first
      std::cout << "  " << it->path.filename().string() << "  " << format_byte_size(it->bytes) << "  used "
                << age_text(it->last_used) << "\n";
  }
  return 0;
}

int clear(const InversionCache& cache) {
  std::error_code ec;
  if (!fs::exists(cache.folder(), ec)) {
    std::cout << "nothing cached: " << cache.folder().string() << " does not exist\n";
    return 0;
  }
  uint64_t bytes = 0;
  for (const auto& e : cache.entries()) bytes += e.bytes;
  const size_t removed = cache.clear();
  std::cout << "removed " << removed << (removed == 1 ? " entry" : " entries") << " (" << format_byte_size(bytes)
            << ") from " << cache.folder().string() << "\n";
  return 0;
}

}  // namespace

Command add_cache(CLI::App& root) {
  CLI::App* command =
      root.add_subcommand("cache", "show or clear the inversion cache of photo edits (its size, entries and limit)");
  set_usage(*command,
            "partedit-cli cache [--cache-dir DIR] [--list]   show the inversion cache\n"
            "       partedit-cli cache clear [--cache-dir DIR]   remove its entries (nothing else)");
  struct CacheOptions {
    std::string folder;
    bool list = false;
  };
  auto o = std::make_shared<CacheOptions>();
  command->add_option("--cache-dir", o->folder, "the cache folder (default ~/.cache/partedit/inversions, as edit uses)")
      ->type_name("DIR");
  CLI::Option* list = command->add_flag("--list", o->list, "also list each entry with its size and when it was last used");
  CLI::App* clear_command = command->add_subcommand("clear", "remove the cached inversions (nothing else of the folder)");
  clear_command->fallthrough();  // `cache clear --cache-dir DIR`
  return {command, [o, list, clear_command] {
            const bool clearing = clear_command->parsed();
            if (clearing && list->count() > 0) throw Error("--list shows the cache; it does not go with 'clear'");
            const InversionCache cache(o->folder.empty() ? default_inversion_cache_dir() : fs::path(o->folder),
                                       default_inversion_cache_limit());
            check_cache_folder(cache.folder());
            return clearing ? clear(cache) : show(cache, o->list);
          }};
}

}  // namespace partedit::cli
