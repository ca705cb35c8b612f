// Part token files: safetensors round trip with metadata, the authors' bare format, every
// malformed case, import of torch.save files (tests/data/tokens, made by
// make_token_pickles.py: see tests/data/tokens/README.md) and the model compatibility check.
#include <QtTest>

#include <cmath>
#include <fstream>
#include <string>

#include <ATen/ATen.h>
#include <torch/csrc/jit/serialization/pickle.h>

#include "editing/part_token.h"
#include "io/safetensors.h"
#include "runtime/error.h"
#include "support/test_support.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_part_token {

using namespace partedit;
using test::error_of;
namespace fs = std::filesystem;

namespace {

fs::path token_data(const std::string& name) { return test::data_dir() / "tokens" / name; }

// The values make_token_pickles.py writes: round(sin(0.1 (j+1)(r+1) + seed), 6) * (r+1).
at::Tensor generated_rows(int64_t width, double seed) {
  auto t = at::empty({2, width}, at::kDouble);
  for (int64_t r = 0; r < 2; ++r)
    for (int64_t j = 0; j < width; ++j)
      t[r][j] = std::round(std::sin(0.1 * double(j + 1) * double(r + 1) + seed) * 1e6) / 1e6 * double(r + 1);
  return t.to(at::kFloat);
}


#define EXPECT_ERROR(call, ...)                                                                    \
  do {                                                                                             \
    const std::string pe_msg = error_of([&] { call; });                                            \
    QVERIFY2(!pe_msg.empty(), "no error from " #call);                                             \
    for (const char* pe_part : {__VA_ARGS__})                                                      \
      QVERIFY2(pe_msg.find(pe_part) != std::string::npos,                                          \
               qPrintable(QString::fromStdString("expected '" + std::string(pe_part) + "' in: " + pe_msg))); \
  } while (0)

PartToken sample_token() {
  PartToken t;
  t.embedding = at::randn({2, 64});
  t.part_name = "human-head";
  t.display_name = "Human head (faces)";
  t.base_model_family = "sdxl";
  t.layers = {0, 5, 17, 33};
  t.timestep_range = {200, 999};
  t.training_summary = "10 images, 1000 steps, loss 0.031, 2024-05-01";
  return t;
}

}  // namespace

class TestPartToken : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void initTestCase() { at::manual_seed(7); }

  void roundTripWithMetadata() {
    test::TempDir dir;
    const PartToken t = sample_token();
    write_part_token(dir / "head.safetensors", t);
    const PartToken r = read_part_token(dir / "head.safetensors");
    QCOMPARE(test::max_abs_diff(r.embedding, t.embedding), 0.0);
    QCOMPARE(r.embedding.scalar_type(), at::kFloat);
    QCOMPARE(r.part_name, t.part_name);
    QCOMPARE(r.display_name, t.display_name);
    QCOMPARE(r.base_model_family, std::string("sdxl"));
    QCOMPARE(r.embedding_dim, int64_t(64));
    QVERIFY(r.layers == t.layers);
    QVERIFY(r.timestep_range == t.timestep_range);
    QCOMPARE(r.training_summary, t.training_summary);
    QCOMPARE(r.num_parts(), int64_t(1));
    // Everything but the tensor is metadata strings, lists as JSON.
    SafetensorsFile file(dir / "head.safetensors");
    QCOMPARE(file.entries().size(), size_t(1));
    QCOMPARE(file.metadata().at("layers"), std::string("[0,5,17,33]"));
    QCOMPARE(file.metadata().at("timestep_range"), std::string("[200,999]"));
    QCOMPARE(file.metadata().at("embedding_dim"), std::string("64"));
    const auto info = read_part_token_info(dir / "head.safetensors");
    QVERIFY(info.has_metadata);
    QCOMPARE(info.part_name, t.part_name);
    QCOMPARE(info.num_parts, int64_t(1));
  }

  void multiPartAndDefaults() {
    test::TempDir dir;
    PartToken t;
    t.embedding = at::randn({6, 32}).to(at::kHalf);  // converted to float32 on write
    t.part_name = "car-body";
    write_part_token(dir / "x.safetensors", t);
    const PartToken r = read_part_token(dir / "x.safetensors");
    QCOMPARE(r.num_parts(), int64_t(3));
    QCOMPARE(r.display_name, std::string("Car body"));
    QCOMPARE(r.base_model_family, std::string("unknown"));
    QVERIFY(r.layers.empty());
    QVERIFY(r.timestep_range == std::make_pair(int64_t(-1), int64_t(-1)));
    QCOMPARE(test::max_abs_diff(r.embedding, t.embedding.to(at::kFloat)), 0.0);
  }

  void authorsFormatOnlyEmbedding() {
    test::TempDir dir;
    const struct {
      int64_t width;
      const char* family;
    } cases[] = {{2048, "sdxl"}, {768, "sd15"}, {1024, "sd21"}, {64, "unknown"}};
    for (const auto& c : cases) {
      const auto e = at::randn({2, c.width});
      write_safetensors(dir / "Human_Head.safetensors", {{"embedding", e}});
      const PartToken r = read_part_token(dir / "Human_Head.safetensors");
      QCOMPARE(r.part_name, std::string("human-head"));
      QCOMPARE(r.display_name, std::string("Human head"));
      QCOMPARE(r.base_model_family, std::string(c.family));
      QCOMPARE(r.embedding_dim, c.width);
      QCOMPARE(test::max_abs_diff(r.embedding, e), 0.0);
      QVERIFY(!read_part_token_info(dir / "Human_Head.safetensors").has_metadata);
    }
    // safetensors.torch.save_file writes {"format": "pt"}: still the bare format.
    const auto e = at::randn({2, 16});
    write_safetensors(dir / "hair.safetensors", {{"embedding", e.to(at::kBFloat16)}}, {{"format", "pt"}});
    const PartToken r = read_part_token(dir / "hair.safetensors");
    QCOMPARE(r.part_name, std::string("hair"));
    const double err = test::max_abs_diff(r.embedding, e);
    qInfo() << "bf16 file -> float32: max abs error" << err;
    PE_VERIFY_LE(err, 0.02);
  }

  void malformedSafetensors() {
    test::TempDir dir;
    const auto good = at::randn({2, 8});
    const auto path = dir / "bad.safetensors";
    write_safetensors(path, {{"weights", good}, {"bias", good}});
    EXPECT_ERROR(read_part_token(path), "bad.safetensors", "no tensor named 'embedding'", "weights", "bias");
    write_safetensors(path, {{"embedding", at::randn({16})}});
    EXPECT_ERROR(read_part_token(path), "bad.safetensors", "shape [16]", "[2k, D]");
    write_safetensors(path, {{"embedding", at::randn({1, 2, 8})}});
    EXPECT_ERROR(read_part_token(path), "shape [1, 2, 8]");
    write_safetensors(path, {{"embedding", at::randn({3, 8})}});
    EXPECT_ERROR(read_part_token(path), "bad.safetensors", "shape [3, 8]", "even");
    write_safetensors(path, {{"embedding", at::randn({0, 8})}});
    EXPECT_ERROR(read_part_token(path), "shape [0, 8]");
    write_safetensors(path, {{"embedding", at::ones({2, 8}, at::kLong)}});
    EXPECT_ERROR(read_part_token(path), "bad.safetensors", "dtype I64");
    EXPECT_ERROR(read_part_token_info(path), "dtype I64");
    auto nan = good.clone();
    nan[1][3] = std::nanf("");
    nan[0][0] = INFINITY;
    write_safetensors(path, {{"embedding", nan}});
    EXPECT_ERROR(read_part_token(path), "bad.safetensors", "2 non-finite values");
    const std::pair<const char*, const char*> bad_metadata[] = {
        {"layers", "[1, 2"},       {"layers", "{\"a\": 1}"},   {"layers", "[1, \"x\"]"},
        {"layers", "[-1]"},        {"timestep_range", "[5]"},  {"timestep_range", "[900, 100]"},
        {"embedding_dim", "2048"}, {"embedding_dim", "eight"}, {"num_parts", "2"},
    };
    for (const auto& [key, value] : bad_metadata) {
      write_safetensors(path, {{"embedding", good}}, {{"part_name", "human-head"}, {key, value}});
      EXPECT_ERROR(read_part_token(path), "bad.safetensors", key);
    }
    write_safetensors(path, {{"embedding", good}}, {{"part_name", ""}});
    EXPECT_ERROR(read_part_token(path), "part_name is empty");
    write_safetensors(path, {{"embedding", good}}, {{"format", "partedit-part-token"}, {"format_version", "2"}});
    EXPECT_ERROR(read_part_token(path), "format_version 2");
    std::ofstream(dir / "junk.safetensors") << "junk";
    EXPECT_ERROR(read_part_token(dir / "junk.safetensors"), "junk.safetensors");
    EXPECT_ERROR(read_part_token(dir / "missing.safetensors"), "missing.safetensors");
  }

  void writeRejectsBadTokens() {
    test::TempDir dir;
    const auto path = dir / "w.safetensors";
    PartToken t = sample_token();
    t.part_name = "Human Head";
    EXPECT_ERROR(write_part_token(path, t), "w.safetensors", "kebab-case");
    t = sample_token();
    t.embedding = at::randn({3, 64});
    EXPECT_ERROR(write_part_token(path, t), "w.safetensors", "even");
    t = sample_token();
    t.embedding[0][0] = NAN;
    EXPECT_ERROR(write_part_token(path, t), "non-finite");
    t = sample_token();
    t.embedding = at::ones({2, 4}, at::kInt);
    EXPECT_ERROR(write_part_token(path, t), "dtype Int");
    t = sample_token();
    t.embedding_dim = 2048;
    EXPECT_ERROR(write_part_token(path, t), "embedding_dim 2048");
    t = sample_token();
    t.timestep_range = {10, 5};
    EXPECT_ERROR(write_part_token(path, t), "timestep_range");
    QVERIFY(!fs::exists(path));
  }

  void partNames() {
    QCOMPARE(part_name_from_text("Human_Head.v2"), std::string("human-head-v2"));
    QCOMPARE(part_name_from_text("  car  hood "), std::string("car-hood"));
    QCOMPARE(part_name_from_text("--"), std::string(""));
    QVERIFY(is_valid_part_name("quadruped-head"));
    QVERIFY(!is_valid_part_name("quadruped_head"));
    QVERIFY(!is_valid_part_name("-head"));
    QVERIFY(!is_valid_part_name(""));
    QCOMPARE(display_name_for("chair-seat"), std::string("Chair seat"));
  }

  void importValidPickles() {
    const auto expected = generated_rows(64, 0.0);
    // A plain tensor; one saved from "cuda:0" with requires_grad; an nn.Parameter; the
    // tensor as the only value of a one-entry dict / list, or next to non-tensor values.
    for (const char* name : {"valid_2x64.pt", "valid_cuda_2x64.pt", "parameter_2x64.pt", "dict_one_tensor.pt",
                             "list_one_tensor.pt", "dict_tensor_and_info.pt", "dict_nested_info.pt"}) {
      const PartToken t = import_torch_token(token_data(name), "human-head");
      const double err = test::max_abs_diff(t.embedding, expected);
      qInfo() << name << "max abs error vs the generated values" << err;
      PE_VERIFY_LE(err, 1e-6);
      QCOMPARE(t.embedding.scalar_type(), at::kFloat);
      QVERIFY(!t.embedding.requires_grad());
      QCOMPARE(t.part_name, std::string("human-head"));
      QCOMPARE(t.embedding_dim, int64_t(64));
      QCOMPARE(t.base_model_family, std::string("unknown"));
      QCOMPARE(t.num_parts(), int64_t(1));
    }
    const PartToken half = import_torch_token(token_data("valid_half_2x64.pt"));
    QCOMPARE(half.part_name, std::string("valid-half-2x64"));  // from the file stem
    const double err = test::max_abs_diff(half.embedding, expected);
    qInfo() << "float16 pickle max abs error" << err << "(float16 rounding of values <= 2: <= 1e-3)";
    PE_VERIFY_LE(err, 1e-3);
  }

  void importLibTorchPickleSave() {
    test::TempDir dir;
    const auto e = at::randn({2, 2048});
    const auto bytes = torch::jit::pickle_save(e);
    std::ofstream(dir / "saved.pt", std::ios::binary).write(bytes.data(), std::streamsize(bytes.size()));
    const PartToken t = import_torch_token(dir / "saved.pt");
    QCOMPARE(test::max_abs_diff(t.embedding, e), 0.0);
    QCOMPARE(t.base_model_family, std::string("sdxl"));
    c10::Dict<std::string, at::Tensor> one;
    one.insert("embedding", e);
    const auto dict_bytes = torch::jit::pickle_save(one);
    std::ofstream(dir / "dict.pt", std::ios::binary).write(dict_bytes.data(), std::streamsize(dict_bytes.size()));
    QCOMPARE(test::max_abs_diff(import_torch_token(dir / "dict.pt").embedding, e), 0.0);
  }

  void importMalformedPickles() {
    EXPECT_ERROR(import_torch_token(token_data("dict_two_tensors.pt")), "dict_two_tensors.pt", "dict with 2 tensors",
                 "'a', 'b'");
    EXPECT_ERROR(import_torch_token(token_data("list_two_tensors.pt")), "list with 2 tensors", "[0], [1]");
    EXPECT_ERROR(import_torch_token(token_data("string.pt")), "string.pt", "holds a str, not a tensor");
    EXPECT_ERROR(import_torch_token(token_data("legacy_2x64.pt")), "legacy_2x64.pt", "legacy torch.save format",
                 "re-save");
    EXPECT_ERROR(import_torch_token(token_data("garbage.pt")), "garbage.pt", "not a PyTorch torch.save file");
    EXPECT_ERROR(import_torch_token(token_data("truncated.pt")), "truncated.pt", "damaged or truncated");
    EXPECT_ERROR(import_torch_token(token_data("odd_rows_3x3.pt")), "odd_rows_3x3.pt", "[3, 3]", "even");
    EXPECT_ERROR(import_torch_token(token_data("int64_2x2.pt")), "int64_2x2.pt", "dtype Long");
    EXPECT_ERROR(import_torch_token(token_data("no_such_file.pt")), "no such file", "no_such_file.pt");
    test::TempDir dir;
    std::ofstream(dir / "empty.pt").close();
    EXPECT_ERROR(import_torch_token(dir / "empty.pt"), "empty.pt", "empty");
    // A zip that is not a torch.save archive.
    const auto bytes = torch::jit::pickle_save(at::ones({2, 2}));
    std::string zip(bytes.begin(), bytes.end());
    for (size_t at = zip.find("data.pkl"); at != std::string::npos; at = zip.find("data.pkl", at + 1))
      zip.replace(at, 8, "other.pk");
    std::ofstream(dir / "other.pt", std::ios::binary) << zip;
    EXPECT_ERROR(import_torch_token(dir / "other.pt"), "other.pt", "no data.pkl");
  }

  void compatibility() {
    PartToken t = sample_token();
    t.embedding = at::randn({2, 2048});
    t.base_model_family = "sdxl";
    check_token_compatible(t, 2048, "sdxl");
    const std::string msg = error_of([&] { check_token_compatible(t, 768, "sd15"); });
    QCOMPARE(msg, std::string("token 'human-head' has embedding width 2048 but the model's text conditioning is 768 "
                              "wide (SD 1.x); use a token trained for this model"));
    t.embedding = at::randn({2, 1024});
    t.base_model_family = "sd21";
    check_token_compatible(t, 1024, "sd21");
    t.base_model_family = "sd15";  // a mislabelled family with the right width
    EXPECT_ERROR(check_token_compatible(t, 1024, "sd21"), "trained for SD 1.x but the model is SD 2.x");
    t.base_model_family = "unknown";
    check_token_compatible(t, 1024, "sd21");
  }

  // The one rule (CLI, batch, engine, the app's token panel), case by case: the width must be
  // the model's; a known family must be the model's; any other family goes by width alone.
  void compatibilityRuleTable() {
    struct Case {
      int64_t token_width;
      const char* token_family;
      int64_t model_width;
      const char* model_family;
      TokenFit expected;
    };
    const Case cases[] = {
        {2048, "sdxl", 2048, "sdxl", TokenFit::Fits},
        {768, "sd15", 768, "sd15", TokenFit::Fits},
        {1024, "sd21", 1024, "sd21", TokenFit::Fits},
        {2048, "sdxl", 768, "sd15", TokenFit::WidthDiffers},
        {768, "sd15", 1024, "sd21", TokenFit::WidthDiffers},
        {768, "unknown", 1024, "sd21", TokenFit::WidthDiffers},
        {1024, "sd15", 768, "sd15", TokenFit::WidthDiffers},  // the width is checked first
        {1024, "sd15", 1024, "sd21", TokenFit::FamilyDiffers},  // mislabelled
        {768, "sd21", 768, "sd15", TokenFit::FamilyDiffers},
        {64, "sd15", 64, "sdxl", TokenFit::FamilyDiffers},    // a tiny model's family is still known
        {1024, "unknown", 1024, "sd21", TokenFit::Fits},
        {64, "unknown", 64, "sdxl", TokenFit::Fits},          // tiny test tokens
        {2048, "", 2048, "sdxl", TokenFit::Fits},
        {1024, "my-finetune", 1024, "sd21", TokenFit::Fits},  // a family PartEdit does not know
        {2048, "sdxl", 2048, "", TokenFit::Fits},             // a model of no known family
    };
    for (const Case& c : cases) {
      const std::string where = std::to_string(c.token_width) + " " + c.token_family + " on " +
                                std::to_string(c.model_width) + " " + c.model_family;
      QVERIFY2(token_fit(c.token_width, c.token_family, c.model_width, c.model_family) == c.expected, where.c_str());
      // What an edit checks agrees: the reason is empty exactly when the token fits.
      PartToken t;
      t.embedding = at::zeros({2, c.token_width});
      t.part_name = "wheel";
      t.base_model_family = c.token_family;
      const std::string reason = token_incompatibility(t, c.model_width, c.model_family);
      QVERIFY2(reason.empty() == (c.expected == TokenFit::Fits), (where + ": " + reason).c_str());
      QVERIFY2(error_of([&] { check_token_compatible(t, c.model_width, c.model_family); }) == reason, where.c_str());
      if (c.expected == TokenFit::WidthDiffers)
        QVERIFY2(reason.find("embedding width " + std::to_string(c.token_width)) != std::string::npos, reason.c_str());
      if (c.expected == TokenFit::FamilyDiffers)
        QVERIFY2(reason.find("was trained for " + family_display_name(c.token_family)) != std::string::npos, reason.c_str());
    }
  }
};

PARTEDIT_TEST(TestPartToken);
#undef EXPECT_ERROR
}  // namespace test_part_token
#include "test_part_token.moc"
