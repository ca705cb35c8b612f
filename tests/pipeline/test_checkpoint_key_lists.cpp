// The single-file loader's key table (models/checkpoint_layout.cpp) against the key, dtype
// and shape lists of the published sd_xl_base_1.0, v1-5-pruned-emaonly and
// v2-1_768-ema-pruned files (tests/data/checkpoint_keys, derived from the published
// architectures and checked against the files' sizes), not against itself: the tiny
// round-trip of test_single_file_checkpoint writes its files through the same table, so a
// wrong rule would pass there.
#include <QtTest>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <ATen/ATen.h>

#include "io/json_config.h"
#include "io/renamed_weights.h"
#include "io/safetensors.h"
#include "models/checkpoint_layout.h"
#include "models/clip/clip_text_model.h"
#include "models/unet/unet_2d_condition.h"
#include "models/unet/unet_config.h"
#include "models/vae/autoencoder_kl.h"
#include "models/vae/vae_config.h"
#include "pipeline/single_file_checkpoint.h"
#include "support/test_support.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_checkpoint_key_lists {

using namespace partedit;
namespace fs = std::filesystem;

namespace {

// One tensor of a published checkpoint as tests/data/checkpoint_keys lists it: "key dtype
// d0,d1,..." (a scalar has no third field).
struct ListedTensor {
  std::string key, dtype;
  std::vector<int64_t> shape;
};

std::vector<ListedTensor> read_key_list(const fs::path& file) {
  std::ifstream in(file);
  std::vector<ListedTensor> out;
  for (std::string line; std::getline(in, line);) {
    std::istringstream words(line);
    ListedTensor t;
    std::string dims;
    if (!(words >> t.key >> t.dtype)) continue;
    if (words >> dims) {
      std::istringstream d(dims);
      for (std::string dim; std::getline(d, dim, ',');) t.shape.push_back(std::stoll(dim));
    }
    out.push_back(std::move(t));
  }
  return out;
}

// A safetensors file with the listed names, dtypes and shapes whose data section is a hole
// (a sparse file): the loader sees the real file's header, and the disk holds only that.
void write_header_only(const fs::path& path, const std::vector<ListedTensor>& tensors) {
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  uint64_t offset = 0;
  for (const auto& t : tensors) {
    uint64_t numel = 1;
    for (int64_t d : t.shape) numel *= static_cast<uint64_t>(d);
    const uint64_t bytes = numel * safetensors_dtype_size(t.dtype);
    header[t.key] = {{"dtype", t.dtype}, {"shape", t.shape}, {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
  }
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');
  {
    std::ofstream out(path, std::ios::binary);
    for (int i = 0; i < 8; ++i) out.put(static_cast<char>((static_cast<uint64_t>(text.size()) >> (8 * i)) & 0xff));
    out << text;
  }
  fs::resize_file(path, 8 + text.size() + offset);
}

// Whether a stored shape can be the module's under one of the conversions the original
// layouts need (their module code, not our table): the same shape; a 1x1 convolution read as
// a linear weight (LDM's VAE attention); a matrix stored for x @ W (OpenCLIP's
// text_projection); one third of the rows of a fused q/k/v projection (OpenCLIP's in_proj).
enum class Conversion { Same, Conv1x1, Transposed, Third, None };
Conversion conversion_between(const std::vector<int64_t>& stored, const std::vector<int64_t>& model) {
  if (stored == model) return Conversion::Same;
  if (stored.size() == 4 && stored[2] == 1 && stored[3] == 1 && model == std::vector<int64_t>{stored[0], stored[1]})
    return Conversion::Conv1x1;
  if (stored.size() == 2 && model == std::vector<int64_t>{stored[1], stored[0]}) return Conversion::Transposed;
  if (!stored.empty() && stored.size() == model.size() && stored[0] == 3 * model[0] &&
      std::equal(stored.begin() + 1, stored.end(), model.begin() + 1))
    return Conversion::Third;
  return Conversion::None;
}

std::string shape_text(const std::vector<int64_t>& shape) { return c10::str(c10::IntArrayRef(shape)); }

// One component checked against the listed file: every module parameter and buffer must be
// read from a listed key of a shape that can hold it (by the rule above, and by the loader's
// own converted shape), every key the component owns must be read or ignored, and no key may
// be read into a name the module lacks.
struct ComponentReport {
  std::vector<std::string> problems;
  std::set<std::string> keys_read;
  std::map<Conversion, size_t> conversions;  // module tensors per kind of conversion
};

ComponentReport check_component(const torch::nn::Module& module, const RenamedWeights& weights,
                                const std::map<std::string, const ListedTensor*>& listed) {
  ComponentReport report;
  for (const auto& key : weights.unmapped_names()) report.problems.push_back("neither mapped nor ignored: " + key);
  std::set<std::string> names;
  auto visit = [&](const std::string& name, const at::Tensor& tensor) {
    names.insert(name);
    const std::vector<int64_t> model = tensor.sizes().vec();
    if (!weights.contains(name)) {
      report.problems.push_back("no key provides " + name + " " + shape_text(model) + " (the table reads it from " +
                                weights.source_name(name) + ")");
      return;
    }
    const std::string key = weights.file_key(name);
    report.keys_read.insert(key);
    const std::vector<int64_t>& stored = listed.at(key)->shape;
    const Conversion conversion = conversion_between(stored, model);
    ++report.conversions[conversion];
    if (conversion == Conversion::None || weights.shape(name) != model)
      report.problems.push_back("wrong shape: " + weights.source_name(name) + " " + shape_text(stored) + " read as " +
                                shape_text(weights.shape(name)) + " for " + name + " " + shape_text(model));
  };
  for (const auto& p : module.named_parameters()) visit(p.key(), p.value());
  for (const auto& b : module.named_buffers()) visit(b.key(), b.value());
  for (const auto& name : weights.names())
    if (!names.count(name))
      report.problems.push_back(weights.source_name(name) + " is read as " + name + ", which the model lacks");
  return report;
}

}  // namespace

class TestCheckpointKeyLists : public QObject {
  Q_OBJECT
  test::TempDir dir_;

 private Q_SLOTS:
  // A file with exactly the listed header is opened as the loader opens any file (family,
  // shipped shape, stray keys), and each component of the shipped shape, built without
  // weights, must find every parameter under a listed key of a shape that holds it. Every
  // listed key must be read by some parameter, or be one of the extras the list's README
  // names, which the loader must ignore by its named lists (else open() or the component
  // reports it).
  void tableMapsTheRealKeyLists_data() {
    QTest::addColumn<QString>("list");
    QTest::addColumn<int>("family");
    QTest::addColumn<QString>("shape");
    QTest::addColumn<QStringList>("extras");  // keys (or '.'-ending prefixes) no module reads
    QTest::addColumn<int>("extra_count");
    QTest::addColumn<int>("thirds");  // module tensors read as a third of a fused q/k/v
    const QStringList ddpm = {"betas", "alphas_cumprod", "alphas_cumprod_prev", "sqrt_alphas_cumprod",
                              "sqrt_one_minus_alphas_cumprod", "log_one_minus_alphas_cumprod",
                              "sqrt_recip_alphas_cumprod", "sqrt_recipm1_alphas_cumprod", "posterior_variance",
                              "posterior_log_variance_clipped", "posterior_mean_coef1", "posterior_mean_coef2",
                              "model_ema.decay", "model_ema.num_updates"};
    QTest::newRow("sdxl-base-1.0") << "sd_xl_base_1.0" << int(CheckpointFamily::SDXL) << "sdxl-base-1.0"
                                   << QStringList{"conditioner.embedders.0.transformer.text_model.embeddings."
                                                  "position_ids",
                                                  "conditioner.embedders.1.model.logit_scale"}
                                   << 2 << 32 * 6;  // 32 bigG blocks x q, k, v x weight, bias
    QTest::newRow("sd-1.5") << "v1-5-pruned-emaonly" << int(CheckpointFamily::SD1) << "sd-1.5"
                            << (QStringList{"cond_stage_model.transformer.text_model.embeddings.position_ids"} + ddpm)
                            << 15 << 0;
    // SD 2.x conditions on the penultimate block: diffusers' encoder has 23 layers, the file 24.
    QTest::newRow("sd-2.1-768") << "v2-1_768-ema-pruned" << int(CheckpointFamily::SD2) << "sd-2.x-768-v"
                                << (QStringList{"cond_stage_model.model.transformer.resblocks.23.",
                                                "cond_stage_model.model.text_projection",
                                                "cond_stage_model.model.logit_scale"} +
                                    ddpm)
                                << 12 + 2 + 14 << 23 * 6;
  }
  void tableMapsTheRealKeyLists() {
    QFETCH(QString, list);
    QFETCH(int, family);
    QFETCH(QString, shape);
    QFETCH(QStringList, extras);
    QFETCH(int, extra_count);
    QFETCH(int, thirds);
    const auto tensors = read_key_list(test::data_dir() / "checkpoint_keys" / (list.toStdString() + ".txt"));
    QVERIFY(tensors.size() > 1000);
    std::map<std::string, const ListedTensor*> listed;
    for (const auto& t : tensors) listed[t.key] = &t;
    const fs::path file = dir_ / (list.toStdString() + ".safetensors");
    write_header_only(file, tensors);

    // Opened as any file is: the family from the keys, the shipped configs, no stray keys.
    SingleFileCheckpoint checkpoint;
    const auto message = test::error_of([&] { checkpoint = SingleFileCheckpoint::open(file, {}); });
    QVERIFY2(message.empty(), message.c_str());
    QVERIFY(checkpoint.family() == CheckpointFamily(family));
    QCOMPARE(QString::fromStdString(checkpoint.shape_name()), shape);
    const DiffusersFolder& parts = checkpoint.configs();

    // Each component built at its real shape without weights (nn/layers.h allocates them
    // uninitialised: pages never touched, no memory used), against what the loader reads for it.
    std::vector<std::pair<std::string, ComponentReport>> reports;
    {
      const auto config = UNet2DConditionConfig::from_json(JsonConfig::load(parts.unet / "config.json"));
      UNet2DConditionModel unet(config);
      reports.emplace_back("UNet", check_component(*unet, checkpoint.unet_weights(config), listed));
    }
    {
      const auto config = AutoencoderKLConfig::from_json(JsonConfig::load(parts.vae / "config.json"));
      AutoencoderKL vae(config);
      reports.emplace_back("VAE", check_component(*vae, checkpoint.vae_weights(config), listed));
    }
    for (size_t i = 0; i < parts.text_encoders.size(); ++i) {
      const auto config = CLIPTextConfig::from_json(JsonConfig::load(parts.text_encoders[i] / "config.json"));
      CLIPTextModel encoder(config);
      reports.emplace_back("text encoder " + std::to_string(i + 1),
                           check_component(*encoder, checkpoint.text_encoder_weights(i, config), listed));
    }

    std::vector<std::string> problems;
    std::set<std::string> read;
    std::map<Conversion, size_t> conversions;
    std::string summary;
    for (const auto& [component, report] : reports) {
      for (const auto& p : report.problems) problems.push_back(component + ": " + p);
      read.insert(report.keys_read.begin(), report.keys_read.end());
      for (const auto& [kind, n] : report.conversions) conversions[kind] += n;
      summary += " " + component + " " + std::to_string(report.keys_read.size()) + ",";
    }
    const auto is_extra = [&](const std::string& key) {
      for (const auto& e : extras) {
        const std::string pattern = e.toStdString();
        if (key == pattern || (pattern.back() == '.' && key.rfind(pattern, 0) == 0)) return true;
      }
      return false;
    };
    std::vector<std::string> unread;
    for (const auto& t : tensors) {
      if (read.count(t.key)) continue;
      unread.push_back(t.key);
      if (!is_extra(t.key)) problems.push_back("no part of the model reads " + t.key + " " + shape_text(t.shape));
    }
    qInfo("%s: %zu listed keys; read:%s %zu unread (the README's extras); 1x1 convolutions read as linear %zu, "
          "thirds of a fused q/k/v %zu",
          qPrintable(list), tensors.size(), summary.c_str(), unread.size(), conversions[Conversion::Conv1x1],
          conversions[Conversion::Third]);
    std::string text;
    for (const auto& p : problems) text += "\n  " + p;
    QVERIFY2(problems.empty(), (std::to_string(problems.size()) + " problems:" + text).c_str());
    QCOMPARE(int(unread.size()), extra_count);
    QCOMPARE(read.size() + unread.size(), tensors.size());
    // Facts of the original module code, not of the table: LDM's VAE attention computes q, k,
    // v and proj_out with 1x1 convolutions (encoder and decoder: 8 weights); OpenCLIP fuses
    // q, k and v into one in_proj.
    QCOMPARE(conversions[Conversion::Conv1x1], size_t(8));
    QCOMPARE(int(conversions[Conversion::Third]), thirds);
  }

};

PARTEDIT_TEST(TestCheckpointKeyLists);
}  // namespace test_checkpoint_key_lists
#include "test_checkpoint_key_lists.moc"
