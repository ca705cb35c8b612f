// The inversion cache's size limit: least recently used entries evicted after a store, never
// the entry just stored, a hit refreshing recency (with fake entries of set times, and one
// real inversion of the tiny model), clear, and files the cache did not write left alone.
// Also the size texts of --cache-limit / PARTEDIT_CACHE_LIMIT.
#include <QtTest>

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
    for (int i = 1; i <= 3; ++i) write_file(folder_ / entry_name(i), 1000, 400 - 100 * i);
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

  // A real store and hit on the tiny model: the store evicts an older fake entry down to the
  // limit, and a hit refreshes the modification time of the entry it read.
  void storeEvictsAndAHitRefreshesRecency() {
    DiffusionModel model = DiffusionModel::load(test::tiny_sdxl_dir(), ComputeOptions{});
    InvertRequest request;
    request.image = at::rand({3, 64, 64}, at::detail::createCPUGenerator(5));
    request.steps = 2;
    request.zero_noise_steps = 1;
    request.scheduler = "ddim";
    request.seed = 1;
    const Inversion inversion = invert(model, request);
    write_file(folder_ / entry_name(1), 1000, 300);
    const fs::path path = InversionCache(folder_, 1).store(model, request, inversion);  // 1 byte: only the new one stays
    QVERIFY(fs::exists(path));
    QVERIFY(!exists(1));

    fs::last_write_time(path, kNow - std::chrono::hours(5));
    const InversionCache cache(folder_, 1);
    QVERIFY(cache.find(model, request).has_value());
    const auto age = fs::file_time_type::clock::now() - fs::last_write_time(path);
    QVERIFY2(age < std::chrono::minutes(10), "a hit marks the entry as used now");
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
