// The token library: listing over folders (shadowing, unreadable files), find with helpful
// errors, the shipped catalog, imports by the authors' file names, folder imports and the
// refusal to overwrite; where the user and shipped folders are.
#include <QtTest>

#include <cstdlib>
#include <fstream>
#include <optional>

#include <ATen/ATen.h>
#include <torch/csrc/jit/serialization/pickle.h>

#include "editing/part_token.h"
#include "editing/token_library.h"
#include "runtime/error.h"
#include "support/test_support.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_token_library {

using namespace partedit;
using test::error_of;
namespace fs = std::filesystem;

namespace {

fs::path token_data(const std::string& name) { return test::data_dir() / "tokens" / name; }
fs::path shipped_dir() { return fs::weakly_canonical(test::data_dir() / ".." / ".." / "tokens"); }
TokenCatalog shipped_catalog() { return TokenCatalog::load(shipped_dir() / "catalog.json"); }


bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }
#define VERIFY_CONTAINS(text, part)                                                                      \
  do {                                                                                                   \
    const std::string pe_text = (text);                                                                 \
    QVERIFY2(contains(pe_text, part),                                                                   \
             qPrintable(QString::fromStdString("expected '" + std::string(part) + "' in: " + pe_text))); \
  } while (0)

void write_token(const fs::path& path, const std::string& name, int64_t width = 16) {
  fs::create_directories(path.parent_path());
  PartToken t;
  t.embedding = at::randn({2, width});
  t.part_name = name;
  write_part_token(path, t);
}

// A torch.save-format file written by LibTorch.
void write_pickle(const fs::path& path, const at::Tensor& tensor) {
  fs::create_directories(path.parent_path());
  const auto bytes = torch::jit::pickle_save(tensor);
  std::ofstream(path, std::ios::binary).write(bytes.data(), std::streamsize(bytes.size()));
}

// Sets an environment variable for the scope, restoring the previous value.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value)
      ::setenv(name, value, 1);
    else
      ::unsetenv(name);
  }
  ~ScopedEnv() {
    if (old_)
      ::setenv(name_, old_->c_str(), 1);
    else
      ::unsetenv(name_);
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

}  // namespace

class TestTokenLibrary : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void initTestCase() { at::manual_seed(3); }

  void listOverTwoFolders() {
    test::TempDir dir;
    write_token(dir / "user" / "human-head.safetensors", "human-head");
    write_token(dir / "user" / "car-hood.safetensors", "car-hood");
    write_token(dir / "shipped" / "a-human-head.safetensors", "human-head");
    write_token(dir / "shipped" / "chair-seat.safetensors", "chair-seat", 2048);
    std::ofstream(dir / "shipped" / "broken.safetensors") << "not a token";
    std::ofstream(dir / "shipped" / "README.md") << "ignored";
    const TokenLibrary lib({dir / "user", dir / "shipped", dir / "missing"});
    const auto listing = lib.list();
    QCOMPARE(listing.size(), size_t(5));
    QCOMPARE(listing[0].info.part_name, std::string("car-hood"));
    QCOMPARE(listing[1].info.part_name, std::string("human-head"));
    QCOMPARE(listing[2].info.part_name, std::string("human-head"));
    QVERIFY(!listing[1].shadowed);
    QVERIFY(listing[2].shadowed);  // the user folder wins
    QCOMPARE(listing[3].info.path.filename().string(), std::string("broken.safetensors"));
    VERIFY_CONTAINS(listing[3].problem, "broken.safetensors");
    QCOMPARE(listing[4].info.base_model_family, std::string("sdxl"));
    QCOMPARE(listing[4].info.embedding_dim, int64_t(2048));
    QVERIFY(lib.part_names() == (std::vector<std::string>{"car-hood", "chair-seat", "human-head"}));

    const PartToken user_head = read_part_token(dir / "user" / "human-head.safetensors");
    QCOMPARE(test::max_abs_diff(lib.find("human-head").embedding, user_head.embedding), 0.0);
    QCOMPARE(lib.find("Human Head").part_name, std::string("human-head"));
    QCOMPARE(lib.find_path("chair-seat"), dir / "shipped" / "chair-seat.safetensors");
  }

  void findUnknownListsAvailable() {
    test::TempDir dir;
    write_token(dir / "a" / "human-head.safetensors", "human-head");
    write_token(dir / "b" / "chair-seat.safetensors", "chair-seat");
    const TokenLibrary plain({dir / "a", dir / "b"});
    std::string msg = error_of([&] { plain.find("wheel"); });
    VERIFY_CONTAINS(msg, "no part token 'wheel'");
    VERIFY_CONTAINS(msg, "available: chair-seat, human-head");
    VERIFY_CONTAINS(msg, (dir / "a").string());

    const TokenLibrary lib({dir / "a", dir / "b"}, shipped_catalog());
    msg = error_of([&] { lib.find("car-body"); });
    VERIFY_CONTAINS(msg, "available: chair-seat, human-head");
    VERIFY_CONTAINS(msg, "partimage_carbody.pt");
    VERIFY_CONTAINS(msg, "Aleksandar/PartEdit-extra");
    msg = error_of([&] { lib.find("face"); });
    VERIFY_CONTAINS(msg, "'face' is a word for: human-head");

    const TokenLibrary empty({dir / "nothing"});
    VERIFY_CONTAINS(error_of([&] { empty.find("human-head"); }), "available: none");
    VERIFY_CONTAINS(error_of([&] { plain.find("chair-set"); }), "Did you mean chair-seat?");
  }

  void renameAndRemoveInTheUserFolderOnly() {
    test::TempDir dir;
    write_token(dir / "user" / "my-hat.safetensors", "my-hat");
    write_token(dir / "user" / "human-head.safetensors", "human-head");
    write_token(dir / "shipped" / "chair-seat.safetensors", "chair-seat");
    const TokenLibrary lib({dir / "user", dir / "shipped"});
    const fs::path renamed = lib.rename("my-hat", "Red Hat");
    QCOMPARE(renamed, dir / "user" / "red-hat.safetensors");
    QVERIFY(!fs::exists(dir / "user" / "my-hat.safetensors"));
    const PartToken token = read_part_token(renamed);
    QCOMPARE(token.part_name, std::string("red-hat"));
    QCOMPARE(token.display_name, std::string("Red hat"));
    VERIFY_CONTAINS(error_of([&] { lib.rename("red-hat", "human-head"); }), "installed already");
    VERIFY_CONTAINS(error_of([&] { lib.rename("red-hat", "--"); }), "is not a part name");
    VERIFY_CONTAINS(error_of([&] { lib.rename("chair-seat", "seat"); }), "read-only");
    VERIFY_CONTAINS(error_of([&] { lib.remove("chair-seat"); }), "read-only");
    QVERIFY(fs::exists(dir / "shipped" / "chair-seat.safetensors"));
    QCOMPARE(lib.remove("red-hat"), renamed);
    QVERIFY(!fs::exists(renamed));
    VERIFY_CONTAINS(error_of([&] { lib.remove("red-hat"); }), "no part token 'red-hat'");
  }

  void shippedCatalog() {
    const TokenCatalog catalog = shipped_catalog();
    QCOMPARE(catalog.entries().size(), size_t(8));
    for (const auto& e : catalog.entries()) {
      QCOMPARE(e.embedding_dim, int64_t(2048));
      QCOMPARE(e.base_model_family, std::string("sdxl"));
      QVERIFY(is_valid_part_name(e.part_name));
      QVERIFY(!e.words.empty() && !e.description.empty());
      VERIFY_CONTAINS(e.source, "Aleksandar/PartEdit-extra");
    }
    const std::pair<const char*, const char*> files[] = {
        {"partimage_human_head.pt", "human-head"},   {"partimage_human_hair.pt", "human-hair"},
        {"torso_custom.pt", "human-torso"},          {"partimage_human_torso.pt", "human-torso"},
        {"partimage_quadruped_head.pt", "quadruped-head"}, {"partimage_biped_head.pt", "biped-head"},
        {"partimage_carbody.pt", "car-body"},        {"CARHOOD_CUSTOM.pt", "car-hood"},
        {"chair_custom.pt", "chair-seat"}};
    for (const auto& [file, part] : files) {
      const auto* e = catalog.match_file(fs::path("/downloads") / file);
      QVERIFY2(e && e->part_name == part, file);
    }
    QVERIFY(catalog.is_alternative_file("partimage_human_torso.pt"));
    QVERIFY(!catalog.is_alternative_file("torso_custom.pt"));
    QVERIFY(catalog.match_file("other.pt") == nullptr);
    std::vector<std::string> heads;
    for (const auto* e : catalog.match_word("Head")) heads.push_back(e->part_name);
    QVERIFY(heads == (std::vector<std::string>{"human-head", "quadruped-head", "biped-head"}));
    QCOMPARE(catalog.match_word("face").size(), size_t(1));
    QCOMPARE(catalog.match_word("hood").front()->part_name, std::string("car-hood"));
    QCOMPARE(catalog.find("chair-seat")->file, std::string("chair_custom.pt"));
  }

  void malformedCatalog() {
    test::TempDir dir;
    const std::pair<const char*, const char*> cases[] = {
        {"[]", "'tokens' list"},
        {R"({"tokens": [{"display_name": "x"}]})", "part_name"},
        {R"({"tokens": [{"part_name": "Bad Name", "display_name": "x", "description": "d", "file": "f.pt",
            "base_model_family": "sdxl", "embedding_dim": 2048, "words": []}]})", "kebab-case"},
        {R"({"tokens": [{"part_name": "a", "display_name": "x", "description": "d", "file": "f.pt",
            "base_model_family": "sdxl", "embedding_dim": "wide", "words": []}]})", "embedding_dim"},
        {R"({"tokens": [{"part_name": "a", "display_name": "x", "description": "d", "file": "f.pt",
            "base_model_family": "sdxl", "embedding_dim": 8, "words": [1]}]})", "words"},
        {R"({"tokens": [{"part_name": "a", "display_name": "x", "description": "d", "file": "f.pt",
            "base_model_family": "sdxl", "embedding_dim": 8, "words": []},
           {"part_name": "b", "display_name": "x", "description": "d", "file": "F.pt",
            "base_model_family": "sdxl", "embedding_dim": 8, "words": []}]})", "listed twice"},
        {"{not json", "catalog.json"},
    };
    for (const auto& [text, expected] : cases) {
      std::ofstream(dir / "catalog.json") << text;
      const std::string msg = error_of([&] { TokenCatalog::load(dir / "catalog.json"); });
      VERIFY_CONTAINS(msg, expected);
      VERIFY_CONTAINS(msg, "catalog.json");
    }
  }

  void importByCatalogFileName() {
    test::TempDir dir;
    const TokenLibrary lib({dir / "user"}, shipped_catalog());
    // A 64-wide file under an authors' name: the part comes from the catalog, the family
    // from the width (with a note).
    fs::create_directories(dir / "dl");
    fs::copy_file(token_data("valid_cuda_2x64.pt"), dir / "dl" / "partimage_human_head.pt");
    const ImportResult r = lib.import_file(dir / "dl" / "partimage_human_head.pt");
    QVERIFY(r.imported());
    QCOMPARE(r.part_name, std::string("human-head"));
    QCOMPARE(r.destination, dir / "user" / "human-head.safetensors");
    for (const auto& n : r.notes) qInfo("note: %s", n.c_str());
    QVERIFY(r.notes.size() == 2 && contains(r.notes[1], "2048 wide"));
    const PartToken head = lib.find("human-head");
    QCOMPARE(head.display_name, std::string("Human head"));
    QCOMPARE(head.base_model_family, std::string("unknown"));
    VERIFY_CONTAINS(head.training_summary, "partimage_human_head.pt");
    QCOMPARE(test::max_abs_diff(head.embedding, import_torch_token(token_data("valid_2x64.pt")).embedding), 0.0);

    // A real-width one: family from the catalog, no remark.
    const auto hood = at::randn({2, 2048});
    write_pickle(dir / "dl" / "carhood_custom.pt", hood);
    const ImportResult h = lib.import_file(dir / "dl" / "carhood_custom.pt");
    QCOMPARE(h.part_name, std::string("car-hood"));
    QCOMPARE(h.notes.size(), size_t(1));
    const PartToken t = lib.find("car-hood");
    QCOMPARE(t.base_model_family, std::string("sdxl"));
    QCOMPARE(t.display_name, std::string("Car hood"));
    QCOMPARE(test::max_abs_diff(t.embedding, hood), 0.0);
    check_token_compatible(t, 2048, "sdxl");
  }

  void importNamedAndSafetensors() {
    test::TempDir dir;
    const TokenLibrary lib({dir / "user"}, shipped_catalog());
    // An explicit name wins over the catalog and the file stem.
    fs::create_directories(dir / "dl");
    fs::copy_file(token_data("valid_2x64.pt"), dir / "dl" / "chair_custom.pt");
    const ImportResult r = lib.import_file(dir / "dl" / "chair_custom.pt", "Car Wheel");
    QCOMPARE(r.part_name, std::string("car-wheel"));
    QVERIFY(fs::exists(dir / "user" / "car-wheel.safetensors"));
    QCOMPARE(lib.find("car-wheel").display_name, std::string("Car wheel"));
    VERIFY_CONTAINS(error_of([&] { lib.import_file(dir / "dl" / "chair_custom.pt", "--"); }), "cannot be a part name");
    // A safetensors token keeps its metadata.
    PartToken t;
    t.embedding = at::randn({2, 32});
    t.part_name = "dog-ear";
    t.display_name = "Dog ear";
    t.layers = {3, 4};
    t.timestep_range = {100, 900};
    write_part_token(dir / "dl" / "whatever.safetensors", t);
    QCOMPARE(lib.import_file(dir / "dl" / "whatever.safetensors").part_name, std::string("dog-ear"));
    const PartToken back = lib.find("dog-ear");
    QVERIFY(back.layers == t.layers && back.timestep_range == t.timestep_range);
    QCOMPARE(back.display_name, std::string("Dog ear"));
    // The authors' bare safetensors format: named by its stem.
    write_safetensors(dir / "dl" / "Cat_Tail.safetensors", {{"embedding", at::randn({2, 8})}});
    QCOMPARE(lib.import_file(dir / "dl" / "Cat_Tail.safetensors").part_name, std::string("cat-tail"));
    VERIFY_CONTAINS(error_of([&] { lib.import_file(dir / "dl" / "absent.pt"); }), "absent.pt");
    VERIFY_CONTAINS(error_of([&] { lib.import_file(token_data("legacy_2x64.pt")); }), "legacy");
    QVERIFY(!fs::exists(dir / "user" / "legacy-2x64.safetensors"));
  }

  void importDirectory() {
    test::TempDir dir;
    const TokenLibrary lib({dir / "user"}, shipped_catalog());
    write_pickle(dir / "dl" / "partimage_human_torso.pt", at::randn({2, 2048}));
    const auto torso = at::randn({2, 2048});
    write_pickle(dir / "dl" / "torso_custom.pt", torso);
    write_pickle(dir / "dl" / "partimage_human_hair.pt", at::randn({2, 2048}));
    fs::copy_file(token_data("garbage.pt"), dir / "dl" / "garbage.pt");
    std::ofstream(dir / "dl" / "notes.txt") << "not a token";
    const auto results = lib.import_folder(dir / "dl");
    QCOMPARE(results.size(), size_t(4));
    // The preferred torso file comes first, the alternative is skipped with a reason.
    QCOMPARE(results[0].source.filename().string(), std::string("garbage.pt"));
    VERIFY_CONTAINS(results[0].error, "not a PyTorch torch.save file");
    QCOMPARE(results[1].source.filename().string(), std::string("partimage_human_hair.pt"));
    QVERIFY(results[1].imported());
    QCOMPARE(results[2].source.filename().string(), std::string("torso_custom.pt"));
    QVERIFY(results[2].imported());
    QCOMPARE(results[3].source.filename().string(), std::string("partimage_human_torso.pt"));
    QVERIFY(!results[3].imported());
    VERIFY_CONTAINS(results[3].error, "torso_custom.pt, which the authors prefer");
    QVERIFY(lib.part_names() == (std::vector<std::string>{"human-hair", "human-torso"}));
    QCOMPARE(test::max_abs_diff(lib.find("human-torso").embedding, torso), 0.0);
    VERIFY_CONTAINS(error_of([&] { lib.import_folder(dir / "user" / "none"); }), "no such folder");
    fs::create_directories(dir / "emptydir");
    VERIFY_CONTAINS(error_of([&] { lib.import_folder(dir / "emptydir"); }), "no .pt");
  }

  void refuseOverwrite() {
    test::TempDir dir;
    const TokenLibrary lib({dir / "user"}, shipped_catalog());
    const auto first = at::randn({2, 2048}), second = at::randn({2, 2048});
    write_pickle(dir / "a" / "partimage_human_head.pt", first);
    write_pickle(dir / "b" / "partimage_human_head.pt", second);
    QVERIFY(!lib.import_file(dir / "a" / "partimage_human_head.pt").unchanged);
    // The same file again is no conflict: nothing is written.
    const auto same = lib.import_file(dir / "a" / "partimage_human_head.pt");
    QVERIFY(same.unchanged && same.imported() && same.error.empty());
    const std::string msg = error_of([&] { lib.import_file(dir / "b" / "partimage_human_head.pt"); });
    VERIFY_CONTAINS(msg, "'human-head' is already in the library");
    VERIFY_CONTAINS(msg, "--force");
    QCOMPARE(test::max_abs_diff(lib.find("human-head").embedding, first), 0.0);
    const auto again = lib.import_folder(dir / "b");
    QCOMPARE(again.size(), size_t(1));
    VERIFY_CONTAINS(again[0].error, "already in the library");
    QVERIFY(lib.import_file(dir / "b" / "partimage_human_head.pt", "", true).imported());
    QCOMPARE(test::max_abs_diff(lib.find("human-head").embedding, second), 0.0);
    // No temporary files are left behind.
    size_t files = 0;
    for (const auto& f : fs::directory_iterator(dir / "user")) files += f.is_regular_file();
    QCOMPARE(files, size_t(1));
  }

  void folders() {
    test::TempDir dir;
    {
      ScopedEnv xdg("XDG_DATA_HOME", (dir / "xdg").c_str());
      QCOMPARE(default_user_token_dir(), dir / "xdg" / "partedit" / "tokens");
    }
    {
      ScopedEnv xdg("XDG_DATA_HOME", nullptr);
      ScopedEnv home("HOME", "/home/someone");
      QCOMPARE(default_user_token_dir(), fs::path("/home/someone/.local/share/partedit/tokens"));
    }
    ScopedEnv unset("PARTEDIT_TOKENS_DIR", nullptr);
    // Installed: <prefix>/bin and <prefix>/share/partedit/tokens.
    fs::create_directories(dir / "usr" / "bin");
    fs::create_directories(dir / "usr" / "share" / "partedit" / "tokens");
    std::ofstream(dir / "usr" / "share" / "partedit" / "tokens" / "catalog.json") << "{}";
    QCOMPARE(find_shipped_token_dir(dir / "usr" / "bin"), dir / "usr" / "share" / "partedit" / "tokens");
    // A build tree's programs, wherever the build folder is: this source tree's tokens/.
    QCOMPARE(find_shipped_token_dir(dir / "elsewhere"), shipped_dir());
    {
      ScopedEnv env("PARTEDIT_TOKENS_DIR", (dir / "mine").c_str());
      QCOMPARE(find_shipped_token_dir(dir / "usr" / "bin"), dir / "mine");
    }
    QVERIFY(!current_executable_dir().empty());

    const TokenLibrary lib = open_token_library(shipped_dir(), {dir / "u1", dir / "u2"});
    QVERIFY(lib.folders() == (std::vector<fs::path>{dir / "u1", dir / "u2", shipped_dir()}));
    QCOMPARE(lib.user_folder(), dir / "u1");
    QCOMPARE(lib.catalog().entries().size(), size_t(8));
    QVERIFY(lib.list().empty());  // the shipped folder holds no weights
  }
};

PARTEDIT_TEST(TestTokenLibrary);
#undef VERIFY_CONTAINS
}  // namespace test_token_library
#include "test_token_library.moc"
