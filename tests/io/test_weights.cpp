// WeightSet discovery (single file, fp16 variant, shards) and the strict loader
// (dtype conversion, missing / unexpected / wrong-shape diagnostics, the ignore list).
#include <QtTest>

#include <fstream>

#include <ATen/ATen.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>

#include "io/safetensors.h"
#include "io/weights.h"
#include "runtime/error.h"
#include "support/test_support.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_weights {

using namespace partedit;
using test::error_of;
namespace fs = std::filesystem;

namespace {

// layers.0 = Linear(4, 3), layers.1 = Linear(3, 2), norm = LayerNorm(2).
struct TinyNetImpl : torch::nn::Module {
  TinyNetImpl() {
    layers = register_module("layers", torch::nn::ModuleList(torch::nn::Linear(4, 3), torch::nn::Linear(3, 2)));
    norm = register_module("norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({2})));
  }
  torch::nn::ModuleList layers;
  torch::nn::LayerNorm norm{nullptr};
};
TORCH_MODULE(TinyNet);

// Values that fp16 represents exactly, so an f16 -> f32 load must reproduce them bit for bit.
at::Tensor ramp(std::vector<int64_t> shape, double start) {
  int64_t n = 1;
  for (auto d : shape) n *= d;
  return (at::arange(n, at::kFloat) / 8.0 + start).reshape(shape);
}

NamedTensors tiny_net_tensors(at::ScalarType dtype = at::kFloat) {
  NamedTensors t = {{"layers.0.weight", ramp({3, 4}, -1)}, {"layers.0.bias", ramp({3}, 0.5)},
                    {"layers.1.weight", ramp({2, 3}, 2)},  {"layers.1.bias", ramp({2}, -3)},
                    {"norm.weight", ramp({2}, 1)},         {"norm.bias", ramp({2}, 0.25)}};
  for (auto& [name, tensor] : t) tensor = tensor.to(dtype);
  return t;
}

NamedTensors without(NamedTensors tensors, const std::string& name) {
  tensors.erase(std::remove_if(tensors.begin(), tensors.end(), [&](const auto& p) { return p.first == name; }),
                tensors.end());
  return tensors;
}

void write_text(const fs::path& path, const std::string& text) { std::ofstream(path) << text; }

// Writes model-0000{1,2}-of-00002.safetensors and model.safetensors.index.json.
void write_shards(const fs::path& dir, const std::string& index_json) {
  const auto all = tiny_net_tensors();
  write_safetensors(dir / "model-00001-of-00002.safetensors", NamedTensors(all.begin(), all.begin() + 3));
  write_safetensors(dir / "model-00002-of-00002.safetensors", NamedTensors(all.begin() + 3, all.end()));
  write_text(dir / "model.safetensors.index.json", index_json);
}

std::string shard_index(const std::string& extra_entry = {}) {
  return R"({"metadata": {"total_size": 96}, "weight_map": {
    "layers.0.weight": "model-00001-of-00002.safetensors", "layers.0.bias": "model-00001-of-00002.safetensors",
    "layers.1.weight": "model-00001-of-00002.safetensors", "layers.1.bias": "model-00002-of-00002.safetensors",
    "norm.weight": "model-00002-of-00002.safetensors", "norm.bias": "model-00002-of-00002.safetensors")" +
         extra_entry + "}}";
}

bool mentions(const std::string& message, const std::string& needle) {
  return message.find(needle) != std::string::npos;
}

void verify_loaded(TinyNet& net, const NamedTensors& expected) {
  const auto params = net->named_parameters();
  for (const auto& [name, tensor] : expected) {
    const auto& p = params[name];
    QCOMPARE(p.scalar_type(), at::kFloat);
    QVERIFY2(p.equal(tensor.to(at::kFloat)), name.c_str());
  }
}

}  // namespace

#define VERIFY_MENTIONS(message, needle) \
  QVERIFY2(mentions(message, needle), qPrintable(QString::fromStdString(std::string(needle) + " not in: " + message)))

class TestWeights : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void singleFile() {
    test::TempDir dir;
    write_safetensors(dir / "model.safetensors", tiny_net_tensors());
    const auto set = WeightSet::open_folder(dir.path(), "model");
    QCOMPARE(set.names().size(), size_t(6));
    QCOMPARE(set.names().front(), std::string("layers.0.bias"));  // sorted
    QCOMPARE(set.describe(), (dir / "model.safetensors").string());
    QCOMPARE(set.file_of("norm.bias"), (dir / "model.safetensors").string());
    QCOMPARE(set.entry("layers.1.weight").shape, (std::vector<int64_t>{2, 3}));
    TinyNet net;
    load_weights(*net, set);
    verify_loaded(net, tiny_net_tensors());
  }
  void fp16VariantIsConvertedToFloat() {
    test::TempDir dir;
    write_safetensors(dir / "diffusion_pytorch_model.fp16.safetensors", tiny_net_tensors(at::kHalf));
    const auto set = WeightSet::open_folder(dir.path(), "diffusion_pytorch_model");
    QCOMPARE(set.entry("norm.weight").dtype, std::string("F16"));
    TinyNet net;
    load_weights(*net, set);
    verify_loaded(net, tiny_net_tensors());
  }
  void variantPreference() {
    test::TempDir dir;
    write_safetensors(dir / "model.safetensors", tiny_net_tensors());
    write_safetensors(dir / "model.fp16.safetensors", tiny_net_tensors(at::kHalf));
    QCOMPARE(WeightSet::open_folder(dir.path(), "model").entry("norm.bias").dtype, std::string("F32"));
    QCOMPARE(WeightSet::open_folder(dir.path(), "model", true).entry("norm.bias").dtype, std::string("F16"));
  }
  void noWeightsNamesTheFolder() {
    test::TempDir dir;
    const auto message = error_of([&] { WeightSet::open_folder(dir.path(), "model"); });
    VERIFY_MENTIONS(message, dir.path().string());
    VERIFY_MENTIONS(error_of([&] { WeightSet::open_folder(dir / "absent", "model"); }), (dir / "absent").string());
  }

  void shards() {
    test::TempDir dir;
    write_shards(dir.path(), shard_index());
    const auto set = WeightSet::open_folder(dir.path(), "model");
    QCOMPARE(set.files().size(), size_t(2));
    QCOMPARE(set.names().size(), size_t(6));
    QCOMPARE(set.describe(), (dir / "model.safetensors.index.json").string());
    QCOMPARE(set.file_of("norm.bias"), (dir / "model-00002-of-00002.safetensors").string());
    TinyNet net;
    load_weights(*net, set);
    verify_loaded(net, tiny_net_tensors());
  }
  void missingShard() {
    test::TempDir dir;
    write_shards(dir.path(), shard_index(R"(, "extra.weight": "model-00003-of-00002.safetensors")"));
    const auto message = error_of([&] { WeightSet::open_folder(dir.path(), "model"); });
    VERIFY_MENTIONS(message, "model-00003-of-00002.safetensors");
    VERIFY_MENTIONS(message, "model.safetensors.index.json");
  }
  void tensorListedButAbsent() {
    test::TempDir dir;
    write_shards(dir.path(), shard_index(R"(, "extra.weight": "model-00002-of-00002.safetensors")"));
    const auto message = error_of([&] { WeightSet::open_folder(dir.path(), "model"); });
    VERIFY_MENTIONS(message, "'extra.weight'");
    VERIFY_MENTIONS(message, (dir / "model-00002-of-00002.safetensors").string());
  }
  void malformedIndex() {
    test::TempDir dir;
    write_shards(dir.path(), R"({"weight_map": {"layers.0.weight": 3}})");
    auto message = error_of([&] { WeightSet::open_folder(dir.path(), "model"); });
    VERIFY_MENTIONS(message, "'layers.0.weight'");
    VERIFY_MENTIONS(message, "model.safetensors.index.json");
    write_text(dir / "model.safetensors.index.json", R"({"metadata": {}})");
    VERIFY_MENTIONS(error_of([&] { WeightSet::open_folder(dir.path(), "model"); }), "weight_map");
    write_text(dir / "model.safetensors.index.json", "{not json");
    VERIFY_MENTIONS(error_of([&] { WeightSet::open_folder(dir.path(), "model"); }), "model.safetensors.index.json");
  }

  void mismatchesAreReportedTogether() {
    test::TempDir dir;
    const auto path = dir / "model.safetensors";
    auto tensors = without(tiny_net_tensors(), "layers.1.bias");
    tensors[0].second = ramp({4, 3}, 0);  // layers.0.weight transposed
    tensors.push_back({"extra.weight", ramp({5}, 0)});
    write_safetensors(path, tensors);
    TinyNet net;
    const auto before = net->named_parameters()["norm.weight"].clone();
    const auto message = error_of([&] { load_weights(*net, WeightSet::open_file(path)); });
    VERIFY_MENTIONS(message, path.string());
    VERIFY_MENTIONS(message, "layers.1.bias");
    VERIFY_MENTIONS(message, "extra.weight");
    VERIFY_MENTIONS(message, "layers.0.weight");
    VERIFY_MENTIONS(message, "[4, 3]");
    VERIFY_MENTIONS(message, "[3, 4]");
    // Nothing is copied when the check fails.
    QVERIFY(net->named_parameters()["norm.weight"].equal(before));
  }
  void wrongShapeInShardNamesTheShard() {
    test::TempDir dir;
    write_shards(dir.path(), shard_index());
    write_safetensors(dir / "model-00002-of-00002.safetensors",
                      {{"layers.1.bias", ramp({3}, 0)}, {"norm.weight", ramp({2}, 0)}, {"norm.bias", ramp({2}, 0)}});
    TinyNet net;
    const auto message = error_of([&] { load_weights(*net, WeightSet::open_folder(dir.path(), "model")); });
    VERIFY_MENTIONS(message, "layers.1.bias");
    VERIFY_MENTIONS(message, "model-00002-of-00002.safetensors");
    VERIFY_MENTIONS(message, "[3]");
    VERIFY_MENTIONS(message, "[2]");
  }
  void ignoreList() {
    test::TempDir dir;
    auto tensors = without(without(tiny_net_tensors(), "layers.1.weight"), "layers.1.bias");
    tensors.push_back({"extra.weight", ramp({5}, 0)});
    tensors.push_back({"aux.a", ramp({1}, 0)});
    tensors.push_back({"aux.b", ramp({1}, 0)});
    write_safetensors(dir / "model.safetensors", tensors);
    const auto set = WeightSet::open_file(dir / "model.safetensors");
    TinyNet net;
    const auto untouched = net->named_parameters()["layers.1.weight"].clone();
    load_weights(*net, set, {"extra.weight", "aux.", "layers.1."});
    verify_loaded(net, without(without(tiny_net_tensors(), "layers.1.weight"), "layers.1.bias"));
    QVERIFY(net->named_parameters()["layers.1.weight"].equal(untouched));
    // A prefix counts only when it ends in '.'; otherwise the entry is an exact name.
    const auto message = error_of([&] { load_weights(*net, set, {"extra.weight", "aux", "layers.1."}); });
    VERIFY_MENTIONS(message, "aux.a");
    VERIFY_MENTIONS(message, "aux.b");
    QVERIFY(!mentions(message, "extra.weight"));
  }
};

PARTEDIT_TEST(TestWeights);
#undef VERIFY_MENTIONS
}  // namespace test_weights
#include "test_weights.moc"
