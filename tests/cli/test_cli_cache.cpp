// partedit-cli cache [clear] and the size limit of the inversion cache as photo edits use it:
// what `cache` shows, that `clear` removes only the cache's own files (inversions by content),
// that an edit keeps the folder under --cache-limit, that an entry replaced by another photo's
// inversion is not reused, and that bad sizes or a file as the folder fail.
#include <QtTest>

#include <fstream>

#include <ATen/ATen.h>

#include "io/image_io.h"
#include "support/test_support.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_cli_cache {

using namespace partedit;
namespace fs = std::filesystem;

namespace {

void write_file(const fs::path& path, size_t bytes) { std::ofstream(path, std::ios::binary) << std::string(bytes, 'x'); }

// A stand-in cache entry of `bytes` bytes (>= 60): a safetensors header with the inversion
// format in its metadata, padded with spaces.
void write_fake_inversion(const fs::path& path, size_t bytes) {
  std::string header = R"({"__metadata__":{"format":"partedit-inversion"}})";
  header.resize(bytes - 8, ' ');
  std::string length(8, '\0');
  for (int i = 0; i < 8; ++i) length[i] = static_cast<char>((header.size() >> (8 * i)) & 0xff);
  std::ofstream(path, std::ios::binary) << length << header;
}

std::vector<fs::path> entry_files(const fs::path& folder) {
  std::vector<fs::path> out;
  for (const auto& f : fs::directory_iterator(folder))
    if (f.path().extension() == ".safetensors") out.push_back(f.path());
  return out;
}

int count_entries(const fs::path& folder) {
  int n = 0;
  for (const auto& f : fs::directory_iterator(folder)) n += f.path().extension() == ".safetensors";
  return n;
}

}  // namespace

class TestCliCache : public QObject {
  Q_OBJECT
  test::TempDir dir_;

 private Q_SLOTS:
  void initTestCase() {
    if (qEnvironmentVariableIsEmpty("PARTEDIT_THREADS")) qputenv("PARTEDIT_THREADS", "1");
    qunsetenv("PARTEDIT_CACHE_LIMIT");
  }

  void showsTheFolderEntriesSizeAndLimit() {
    const fs::path folder = dir_ / "show";
    const auto missing = test::run_cli({"cache", "--cache-dir", folder.string()});
    QVERIFY2(missing.exit_code == 0, missing.output.c_str());
    QVERIFY2(missing.output.find("(not created yet)") != std::string::npos, missing.output.c_str());
    QVERIFY2(missing.output.find("entries: 0, 0 B of a 4.0 GiB limit") != std::string::npos, missing.output.c_str());

    fs::create_directories(folder);
    write_fake_inversion(folder / "00000000000000a1.safetensors", 1024);
    write_fake_inversion(folder / "00000000000000a2.safetensors", 2048);
    write_file(folder / "readme.txt", 100000);  // not the cache's: not counted
    write_file(folder / "00000000000000a3.safetensors", 4096);  // named like an entry, not an inversion
    qputenv("PARTEDIT_CACHE_LIMIT", "750M");
    const auto r = test::run_cli({"cache", "--cache-dir", folder.string(), "--list"});
    qunsetenv("PARTEDIT_CACHE_LIMIT");
    QVERIFY2(r.exit_code == 0, r.output.c_str());
    QVERIFY2(r.output.find("inversion cache: " + folder.string() + "\n") != std::string::npos, r.output.c_str());
    QVERIFY2(r.output.find("entries: 2, 3.0 KiB of a 750.0 MiB limit") != std::string::npos, r.output.c_str());
    QVERIFY2(r.output.find("00000000000000a2.safetensors  2.0 KiB  used ") != std::string::npos, r.output.c_str());
    QVERIFY(r.output.find("readme.txt") == std::string::npos);
  }

  void clearRemovesOnlyTheCachesFiles() {
    const fs::path folder = dir_ / "clear";
    fs::create_directories(folder);
    write_fake_inversion(folder / "00000000000000b1.safetensors", 100);
    write_fake_inversion(folder / "00000000000000b2.safetensors", 100);
    write_file(folder / "mine.safetensors", 10);
    write_file(folder / "notes.txt", 10);
    write_file(folder / "00000000000000b3.safetensors", 4 << 20);  // a weights file named like an entry
    write_file(dir_ / "outside.bin", 10);
    fs::create_symlink(dir_ / "outside.bin", folder / "00000000000000b4.safetensors");
    const auto r = test::run_cli({"cache", "clear", "--cache-dir", folder.string()});
    QVERIFY2(r.exit_code == 0, r.output.c_str());
    QVERIFY2(r.output.find("removed 2 entries (200 B) from " + folder.string()) != std::string::npos, r.output.c_str());
    QVERIFY(!fs::exists(folder / "00000000000000b1.safetensors"));
    QVERIFY(!fs::exists(folder / "00000000000000b2.safetensors"));
    QVERIFY(fs::exists(folder / "mine.safetensors"));
    QVERIFY(fs::exists(folder / "notes.txt"));
    QCOMPARE(fs::file_size(folder / "00000000000000b3.safetensors"), uintmax_t(4 << 20));
    QVERIFY(fs::is_symlink(folder / "00000000000000b4.safetensors"));
    QVERIFY(fs::exists(dir_ / "outside.bin"));
    const auto again = test::run_cli({"cache", "--cache-dir", folder.string()});
    QVERIFY2(again.output.find("entries: 0, 0 B") != std::string::npos, again.output.c_str());
  }

  // Issue 21: `cache clear --cache-dir FILE` said "removed 0 entries" and exited 0.
  void aFileIsNoCacheFolderAndAMissingFolderHoldsNothing() {
    write_file(dir_ / "a-file.txt", 10);
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"cache", "clear", "--cache-dir", (dir_ / "a-file.txt").string()},
          std::vector<std::string>{"cache", "--cache-dir", (dir_ / "a-file.txt").string()}})
      test::verify_cli_fails(args, "the cache folder " + (dir_ / "a-file.txt").string() +
                                       " is not a folder (it is a file): give the folder");
    QVERIFY(fs::exists(dir_ / "a-file.txt"));
    const auto missing = test::run_cli({"cache", "clear", "--cache-dir", (dir_ / "never-made").string()});
    QVERIFY2(missing.exit_code == 0, missing.output.c_str());
    QVERIFY2(missing.output.find("nothing cached: " + (dir_ / "never-made").string() + " does not exist") !=
                 std::string::npos,
             missing.output.c_str());
    QVERIFY(!fs::exists(dir_ / "never-made"));
  }

  void badInputIsRefused() {
    test::verify_cli_fails({"cache", "purge"}, "cache takes only 'clear'");
    test::verify_cli_fails({"cache", "clear", "--list"}, "does not go with 'clear'");
    test::verify_cli_fails({"cache", "--limit", "1G"}, "unknown option --limit");
    const auto help = test::run_cli({"cache", "--help"});
    QVERIFY2(help.exit_code == 0 && help.output.find("cache clear") != std::string::npos, help.output.c_str());
  }

  // Two photo edits with different seeds make two inversions; a 1-byte limit keeps only the
  // one just stored. A malformed limit fails before the model loads.
  void photoEditsKeepTheCacheUnderItsLimit() {
    write_image(dir_ / "photo.png", at::rand({3, 64, 64}, at::detail::createCPUGenerator(4)));
    const fs::path folder = dir_ / "limited";
    const auto edit = [&](const std::string& seed, const std::string& limit) {
      return test::run_cli({"edit", "--model", test::tiny_sdxl_dir().string(), "--image", (dir_ / "photo.png").string(),
                            "--prompt", "a photo of a cat", "--subject", "cat", "--edit-word", "dog", "--token",
                            (test::data_dir() / "tokens" / "valid_2x64.pt").string(), "--steps", "2", "--seed", seed,
                            "--cache-dir", folder.string(), "--cache-limit", limit, "--out",
                            (dir_ / "edited.png").string()});
    };
    const auto first = edit("1", "1");
    QVERIFY2(first.exit_code == 0, first.output.c_str());
    QCOMPARE(count_entries(folder), 1);  // the entry just stored stays, even above the limit
    const auto second = edit("2", "1");
    QVERIFY2(second.exit_code == 0, second.output.c_str());
    QCOMPARE(count_entries(folder), 1);
    const auto third = edit("1", "1G");  // the first seed again: evicted, so inverted again
    QVERIFY2(third.exit_code == 0, third.output.c_str());
    QVERIFY(third.output.find("reusing the inversion") == std::string::npos);
    QCOMPARE(count_entries(folder), 2);

    const auto bad = test::run_cli({"edit", "--model", test::tiny_sdxl_dir().string(), "--image",
                                    (dir_ / "photo.png").string(), "--prompt", "a cat", "--subject", "cat",
                                    "--edit-word", "dog", "--token", (test::data_dir() / "tokens" / "valid_2x64.pt").string(), "--cache-limit", "lots", "--out",
                                    (dir_ / "x.png").string()});
    QVERIFY(bad.exit_code != 0);
    QVERIFY2(bad.output.find("--cache-limit must be a size such as 500M or 4G") != std::string::npos, bad.output.c_str());
    QVERIFY2(bad.output.find("loading") == std::string::npos, bad.output.c_str());
  }

  // Issue 21: another photo's inversion copied over an entry was reused (a different edit).
  // The edit notes the mismatch, inverts again and replaces the entry; the next edit reuses it.
  void anEntryReplacedByAnotherPhotosInversionIsNotReused() {
    write_image(dir_ / "photo-a.png", at::rand({3, 64, 64}, at::detail::createCPUGenerator(11)));
    write_image(dir_ / "photo-b.png", at::rand({3, 64, 64}, at::detail::createCPUGenerator(12)));
    const fs::path folder = dir_ / "copied";
    const auto edit = [&](const std::string& photo) {
      return test::run_cli({"edit", "--model", test::tiny_sdxl_dir().string(), "--image", (dir_ / photo).string(),
                            "--prompt", "a photo of a cat", "--subject", "cat", "--edit-word", "dog", "--token",
                            (test::data_dir() / "tokens" / "valid_2x64.pt").string(), "--steps", "2", "--seed", "3",
                            "--cache-dir", folder.string(), "--out", (dir_ / "copied.png").string()});
    };
    const auto first = edit("photo-a.png");
    QVERIFY2(first.exit_code == 0, first.output.c_str());
    const fs::path entry_a = entry_files(folder).at(0);
    QVERIFY2(edit("photo-b.png").exit_code == 0, "photo b");
    fs::path entry_b;
    for (const auto& f : entry_files(folder))
      if (f != entry_a) entry_b = f;
    QVERIFY(!entry_b.empty());
    fs::copy_file(entry_b, entry_a, fs::copy_options::overwrite_existing);

    const auto again = edit("photo-a.png");
    QVERIFY2(again.exit_code == 0, again.output.c_str());
    QVERIFY2(again.output.find("note: the cached inversion " + entry_a.string() + " was made from another photo") !=
                 std::string::npos,
             again.output.c_str());
    QVERIFY2(again.output.find("reusing the inversion") == std::string::npos, again.output.c_str());
    QVERIFY2(again.output.find("cached the inversion as " + entry_a.string()) != std::string::npos, again.output.c_str());
    const auto third = edit("photo-a.png");
    QVERIFY2(third.output.find("reusing the inversion " + entry_a.string()) != std::string::npos, third.output.c_str());
  }
};

PARTEDIT_TEST(TestCliCache);
}  // namespace test_cli_cache
#include "test_cli_cache.moc"
