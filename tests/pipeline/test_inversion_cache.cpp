// The inversion cache's size limit: least recently used entries evicted after a store, never
// the entry just stored, a hit refreshing recency (with fake entries of set times, and one
// real inversion of the tiny model), clear, and files the cache did not write left alone:
// entries are inversions by content, and links, folders, FIFOs and other files named like
// entries are never removed or followed. Entries are verified by their recorded key: another
// photo's inversion copied over an entry is not reused. Also the size texts of
// --cache-limit / PARTEDIT_CACHE_LIMIT.
#include <QtTest>

#include <sys/stat.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <optional>

#include <ATen/ATen.h>

#include "pipeline/diffusion_model.h"
#include "pipeline/inversion.h"
#include "pipeline/inversion_cache.h"
#include "runtime/byte_size.h"
#include "runtime/error.h"
#include "support/test_support.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_inversion_cache {

using namespace partedit;
namespace fs = std::filesystem;

namespace {

const fs::file_time_type kNow = fs::file_time_type::clock::now();

// A file of `bytes` bytes last modified `age_s` seconds ago.
fs::path write_file(const fs::path& path, size_t bytes, int age_s) {
  std::ofstream(path, std::ios::binary) << std::string(bytes, 'x');
  fs::last_write_time(path, kNow - std::chrono::seconds(age_s));
  return path;
}

// A stand-in inversion of `bytes` bytes (>= 60): a safetensors header whose metadata says
// format "partedit-inversion", padded with spaces, no tensors. What the cache takes as its own.
fs::path write_fake_inversion(const fs::path& path, size_t bytes, int age_s) {
  std::string header = R"({"__metadata__":{"format":"partedit-inversion"}})";
  header.resize(bytes - 8, ' ');
  std::string length(8, '\0');
  for (int i = 0; i < 8; ++i) length[i] = static_cast<char>((header.size() >> (8 * i)) & 0xff);
  std::ofstream(path, std::ios::binary) << length << header;
  fs::last_write_time(path, kNow - std::chrono::seconds(age_s));
  return path;
}

InvertRequest small_request(uint64_t image_seed) {
  InvertRequest request;
  request.image = at::rand({3, 64, 64}, at::detail::createCPUGenerator(image_seed));
  request.steps = 2;
  request.zero_noise_steps = 1;
  request.scheduler = "ddim";
  request.seed = 1;
  return request;
}

std::string entry_name(int i) {
  char name[32];
  std::snprintf(name, sizeof name, "%016x.safetensors", i);
  return name;
}

}  // namespace

class TestInversionCache : public QObject {
  Q_OBJECT
  std::optional<test::TempDir> dir_;
  fs::path folder_;
  std::vector<fs::path> foreign_;

  // Entries 1, 2, 3 of 1000 bytes, used 300, 200 and 100 s ago, among files the cache never wrote.
  void fill() {
    for (int i = 1; i <= 3; ++i) write_fake_inversion(folder_ / entry_name(i), 1000, 400 - 100 * i);
    foreign_ = {write_file(folder_ / "notes.txt", 5000, 9000),
                write_file(folder_ / "0123abcd.safetensors", 5000, 9000),           // not 16 digits
                write_file(folder_ / "0123456789ABCDEF.safetensors", 5000, 9000),   // not lowercase
                write_file(folder_ / ("." + entry_name(9) + ".tmp-12-0"), 5000, 9000),  // another writer's temp file
                write_file(folder_ / "00000000000000aa.bin", 5000, 9000)};
    fs::create_directories(folder_ / "0000000000000abc.safetensors");  // a folder named like an entry
  }
  bool exists(int i) const { return fs::exists(folder_ / entry_name(i)); }
  void verifyForeignUntouched() {
    for (const auto& f : foreign_) QVERIFY2(fs::exists(f), f.c_str());
    QVERIFY(fs::is_directory(folder_ / "0000000000000abc.safetensors"));
  }

 private Q_SLOTS:
  void init() {
    dir_.emplace();
    folder_ = *dir_ / "inversions";
    fs::create_directories(folder_);
  }
  void cleanup() { dir_.reset(); }

  void entriesAreOnlyTheCachesFilesOldestFirst() {
    fill();
    const auto entries = InversionCache(folder_).entries();
    QCOMPARE(int(entries.size()), 3);
    for (int i = 0; i < 3; ++i) {
      QCOMPARE(QString::fromStdString(entries[i].path.filename().string()), QString::fromStdString(entry_name(i + 1)));
      QCOMPARE(entries[i].bytes, uint64_t(1000));
    }
  }

  void evictsLeastRecentlyUsedUntilWithinTheLimit() {
    fill();
    QCOMPARE(InversionCache(folder_, 2500).evict(), size_t(1));  // 3000 -> 2000 bytes
    QVERIFY(!exists(1));
    QVERIFY(exists(2) && exists(3));
    QCOMPARE(InversionCache(folder_, 2000).evict(), size_t(0));  // exactly at the limit: nothing
    QCOMPARE(InversionCache(folder_, 999).evict(), size_t(2));
    QVERIFY(!exists(2) && !exists(3));
    verifyForeignUntouched();  // 25 kB of other files do not count
  }

  void theEntryJustStoredIsNeverEvicted() {
    fill();
    // The oldest entry is the one kept; the limit is below even its own size.
    QCOMPARE(InversionCache(folder_, 500).evict(folder_ / entry_name(1)), size_t(2));
    QVERIFY(exists(1));
    QVERIFY(!exists(2) && !exists(3));
    verifyForeignUntouched();
  }

  void aTouchMakesAnEntryTheLastToGo() {
    fill();
    QVERIFY(InversionCache::touch(folder_ / entry_name(1)));
    QCOMPARE(InversionCache(folder_, 1500).evict(), size_t(2));
    QVERIFY(exists(1));  // the oldest by creation, but just used
    QVERIFY(!exists(2) && !exists(3));
    QVERIFY(!InversionCache::touch(folder_ / entry_name(7)));  // gone: false, no throw
  }

  void clearRemovesTheEntriesAndNothingElse() {
    fill();
    QCOMPARE(InversionCache(folder_).clear(), size_t(3));
    QVERIFY(InversionCache(folder_).entries().empty());
    verifyForeignUntouched();
  }

  void aMissingFolderIsAnEmptyCache() {
    const InversionCache cache(*dir_ / "never-created");
    QVERIFY(cache.entries().empty());
    QCOMPARE(cache.evict(), size_t(0));
    QCOMPARE(cache.clear(), size_t(0));
    QVERIFY(!fs::exists(*dir_ / "never-created"));
  }

  // Issue 21: eviction deleted a 4 MB model weight file named like an entry. Only inversions by
  // content go; a file named like an entry that is not one, links (to an inversion or to
  // anything else: never followed), a FIFO, a folder and an inversion not named like an entry
  // stay, and count nothing against the limit.
  void evictionAndClearRemoveOnlyInversionsByContent() {
    for (int i = 1; i <= 3; ++i) write_fake_inversion(folder_ / entry_name(i), 1000, 400 - 100 * i);
    const fs::path weights = write_file(folder_ / entry_name(20), 4 << 20, 9000);  // the oldest "entry"
    const fs::path outside = *dir_ / "outside";
    fs::create_directories(outside);
    const fs::path outside_inversion = write_fake_inversion(outside / "kept.safetensors", 2000, 9000);
    const fs::path outside_file = write_file(outside / "model.safetensors", 3000, 9000);
    fs::create_symlink(outside_inversion, folder_ / entry_name(21));
    fs::create_symlink(outside_file, folder_ / entry_name(22));
    fs::create_symlink(*dir_ / "nowhere", folder_ / entry_name(23));  // dangling
    QCOMPARE(::mkfifo((folder_ / entry_name(24)).c_str(), 0600), 0);  // opening it must not block
    const fs::path nested = folder_ / entry_name(25);
    fs::create_directories(nested);
    const fs::path nested_inversion = write_fake_inversion(nested / entry_name(26), 1000, 9000);
    const fs::path users_inversion = write_fake_inversion(folder_ / "cat-inversion.safetensors", 1000, 9000);
    QVERIFY(!InversionCache::is_inversion_file(weights));
    QVERIFY(!InversionCache::is_inversion_file(folder_ / entry_name(21)));  // a link, even to an inversion
    QVERIFY(InversionCache::is_inversion_file(outside_inversion));

    const auto listed = InversionCache(folder_).entries();
    QCOMPARE(int(listed.size()), 3);
    QCOMPARE(QString::fromStdString(listed.front().path.filename().string()), QString::fromStdString(entry_name(1)));
    QCOMPARE(InversionCache(folder_, 1).evict(), size_t(3));
    for (int i = 1; i <= 3; ++i) QVERIFY(!exists(i));
    const auto untouched = [&] {
      QCOMPARE(fs::file_size(weights), uintmax_t(4 << 20));
      for (int i = 21; i <= 23; ++i) QVERIFY(fs::is_symlink(folder_ / entry_name(i)));
      QCOMPARE(fs::file_size(outside_inversion), uintmax_t(2000));
      QCOMPARE(fs::file_size(outside_file), uintmax_t(3000));
      QVERIFY(fs::is_fifo(folder_ / entry_name(24)));
      QVERIFY(fs::exists(nested_inversion) && fs::exists(users_inversion));
    };
    untouched();
    for (int i = 1; i <= 2; ++i) write_fake_inversion(folder_ / entry_name(i), 1000, 100);
    QCOMPARE(InversionCache(folder_).clear(), size_t(2));
    untouched();
    QVERIFY(InversionCache(folder_).entries().empty());
  }

  // A real store and hit on the tiny model: the store evicts an older fake entry down to the
  // limit, and a hit refreshes the modification time of the entry it read.
  void storeEvictsAndAHitRefreshesRecency() {
    DiffusionModel model = DiffusionModel::load(test::tiny_sdxl_dir(), ComputeOptions{});
    const InvertRequest request = small_request(5);
    const Inversion inversion = invert(model, request);
    write_fake_inversion(folder_ / entry_name(1), 1000, 300);
    const fs::path path = InversionCache(folder_, 1).store(model, request, inversion);  // 1 byte: only the new one stays
    QVERIFY(fs::exists(path));
    QVERIFY(!exists(1));

    fs::last_write_time(path, kNow - std::chrono::hours(5));
    const InversionCache cache(folder_, 1);
    QVERIFY(cache.find(model, request).has_value());
    const auto age = fs::file_time_type::clock::now() - fs::last_write_time(path);
    QVERIFY2(age < std::chrono::minutes(10), "a hit marks the entry as used now");
  }

  // Issue 21: an entry recorded no hash of the photo, so another photo's inversion copied over
  // it was "reused". Entries record their key and pixels' hash; a mismatch is a miss that says
  // why, and the next store replaces the file.
  void anEntryIsUsedOnlyForItsOwnPhotoAndSettings() {
    DiffusionModel model = DiffusionModel::load(test::tiny_sdxl_dir(), ComputeOptions{});
    const InversionCache cache(folder_);
    const InvertRequest photo_a = small_request(5), photo_b = small_request(6);
    InvertRequest other_settings = photo_a;
    other_settings.guidance = 5.0;
    const Inversion inversion_a = invert(model, photo_a);
    const fs::path path_a = cache.store(model, photo_a, inversion_a);
    const fs::path path_b = cache.store(model, photo_b, invert(model, photo_b));
    const fs::path path_c = cache.store(model, other_settings, invert(model, other_settings));
    QVERIFY(path_a != path_b && path_a != path_c);
    std::string why;
    QVERIFY(cache.find(model, photo_a, &why).has_value());
    QCOMPARE(why, std::string());

    fs::copy_file(path_b, path_a, fs::copy_options::overwrite_existing);  // another photo's inversion
    QVERIFY(!cache.find(model, photo_a, &why).has_value());
    QVERIFY2(why.find("the cached inversion " + path_a.string() + " was made from another photo") == 0, why.c_str());
    QVERIFY2(why.find("inverting again") != std::string::npos, why.c_str());

    fs::copy_file(path_c, path_a, fs::copy_options::overwrite_existing);  // the same photo, other settings
    why.clear();
    QVERIFY(!cache.find(model, photo_a, &why).has_value());
    QVERIFY2(why.find("was made with other settings") != std::string::npos, why.c_str());

    save_inversion(path_a, inversion_a);  // as an older version wrote it: no key recorded
    why.clear();
    QVERIFY(!cache.find(model, photo_a, &why).has_value());
    QVERIFY2(why.find("records no content key") != std::string::npos, why.c_str());

    QCOMPARE(cache.store(model, photo_a, inversion_a), path_a);  // replaced: a hit again
    why.clear();
    const auto found = cache.find(model, photo_a, &why);
    QVERIFY(found.has_value());
    QCOMPARE(why, std::string());
    QVERIFY(at::equal(found->xts, inversion_a.xts));
  }

  // An entry of the right key whose tensors hold NaN (a damaged disk, a crafted file) is a
  // miss that says why, not a source of NaN edits.
  void aDamagedEntryIsAMissThatSaysWhy() {
    DiffusionModel model = DiffusionModel::load(test::tiny_sdxl_dir(), ComputeOptions{});
    const InversionCache cache(folder_);
    const InvertRequest request = small_request(5);
    Inversion damaged = invert(model, request);
    damaged.zs = damaged.zs.clone();
    damaged.zs.view({-1})[3] = std::nanf("");
    const fs::path path = cache.store(model, request, damaged);
    std::string why;
    QVERIFY(!cache.find(model, request, &why).has_value());
    QVERIFY2(why.find("the cached inversion " + path.string() + " cannot be used (") == 0, why.c_str());
    QVERIFY2(why.find("tensor 'zs' holds NaN/Inf values (the file is damaged)") != std::string::npos, why.c_str());
  }

  // The file at an entry's name is replaced only when it is an inversion: a link (whose target
  // stays as it was) or another file makes the store fail, and the caller warns.
  void aStoreNeverReplacesWhatIsNotAnEntry() {
    DiffusionModel model = DiffusionModel::load(test::tiny_sdxl_dir(), ComputeOptions{});
    const InversionCache cache(folder_);
    const InvertRequest request = small_request(5);
    const Inversion inversion = invert(model, request);
    const fs::path path = cache.path_for(InversionCache::key(model, request));
    const fs::path target = write_file(*dir_ / "target.bin", 100, 0);
    fs::create_symlink(target, path);
    const std::string linked = test::error_of([&] { cache.store(model, request, inversion); });
    QVERIFY2(linked == path.string() + " is a symbolic link, not a cache entry: the cache leaves it alone",
             linked.c_str());
    QVERIFY(!cache.find(model, request).has_value());  // not followed either
    QVERIFY(fs::is_symlink(path));
    QCOMPARE(fs::file_size(target), uintmax_t(100));
    fs::remove(path);
    write_file(path, 5000, 0);
    const std::string foreign = test::error_of([&] { cache.store(model, request, inversion); });
    QVERIFY2(foreign.find("is not an inversion the cache wrote: the cache leaves it alone") != std::string::npos,
             foreign.c_str());
    QCOMPARE(fs::file_size(path), uintmax_t(5000));
  }

  void sizesParseAsUsersWriteThem() {
    QCOMPARE(parse_byte_size("500M", "--cache-limit"), uint64_t(500) << 20);
    QCOMPARE(parse_byte_size("4G", "--cache-limit"), uint64_t(4) << 30);
    QCOMPARE(parse_byte_size("4gb", "--cache-limit"), uint64_t(4) << 30);
    QCOMPARE(parse_byte_size("4GiB", "--cache-limit"), uint64_t(4) << 30);
    QCOMPARE(parse_byte_size("1.5K", "--cache-limit"), uint64_t(1536));
    QCOMPARE(parse_byte_size("123456", "--cache-limit"), uint64_t(123456));
    QCOMPARE(parse_byte_size("0", "--cache-limit"), uint64_t(0));
    for (const char* bad : {"", "abc", "-1G", "4X", "4 G", "G", "1e30T"}) {
      const std::string e = test::error_of([&] { parse_byte_size(bad, "--cache-limit"); });
      QVERIFY2(e.find("--cache-limit must be a size such as 500M or 4G") != std::string::npos, e.c_str());
    }
    QCOMPARE(QString::fromStdString(format_byte_size(812)), QStringLiteral("812 B"));
    QCOMPARE(QString::fromStdString(format_byte_size(uint64_t(4) << 30)), QStringLiteral("4.0 GiB"));
    QCOMPARE(QString::fromStdString(format_byte_size(uint64_t(500) << 20)), QStringLiteral("500.0 MiB"));
  }

  void theDefaultLimitComesFromTheEnvironment() {
    qunsetenv("PARTEDIT_CACHE_LIMIT");
    QCOMPARE(default_inversion_cache_limit(), uint64_t(4) << 30);
    qputenv("PARTEDIT_CACHE_LIMIT", "750M");
    QCOMPARE(default_inversion_cache_limit(), uint64_t(750) << 20);
    qputenv("PARTEDIT_CACHE_LIMIT", "lots");
    const std::string e = test::error_of([] { default_inversion_cache_limit(); });
    QVERIFY2(e.find("PARTEDIT_CACHE_LIMIT must be a size") != std::string::npos, e.c_str());
    qunsetenv("PARTEDIT_CACHE_LIMIT");
  }
};

PARTEDIT_TEST(TestInversionCache);
}  // namespace test_inversion_cache
#include "test_inversion_cache.moc"
