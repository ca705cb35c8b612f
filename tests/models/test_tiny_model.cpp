// write_tiny_model: every family writes a folder that the real loaders accept strictly and
// that runs; the files are a pure function of the options and the seed; the medium
// benchmark configuration has the intended size.
#include <QtTest>

#include <fstream>
#include <iterator>

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include "io/json_config.h"
#include "io/safetensors.h"
#include "models/clip/clip_text_model.h"
#include "models/tiny_model.h"
#include "models/unet/unet_2d_condition.h"
#include "models/vae/autoencoder_kl.h"
#include "pipeline/diffusion_model.h"
#include "pipeline/text_to_image.h"
#include "text/clip_tokenizer.h"
#include "support/test_support.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_tiny_model {

using namespace partedit;
namespace fs = std::filesystem;

namespace {

// Every regular file under `dir`, relative paths, sorted.
std::vector<std::string> files_under(const fs::path& dir) {
  std::vector<std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) files.push_back(fs::relative(e.path(), dir).string());
  std::sort(files.begin(), files.end());
  return files;
}

bool all_finite(const at::Tensor& t) { return at::isfinite(t).all().item<bool>(); }

// Loads every component of a written folder with the real loaders and runs each once.
void check_family(const std::string& family) {
  test::TempDir dir;
  TinyModelOptions options;
  options.family = family;
  options.seed = 7;
  const auto summary = write_tiny_model(options, dir.path());
  const bool xl = family == "sdxl";
  for (const auto& [name, count] : summary.parameters) qInfo("%s %s: %lld parameters", family.c_str(), name.c_str(), (long long)count);

  // 1. the folder layout and the pipeline index
  const auto index = JsonConfig::load(dir / "model_index.json");
  QCOMPARE(index.get<std::string>("_class_name"),
           std::string(xl ? "StableDiffusionXLPipeline" : "StableDiffusionPipeline"));
  QCOMPARE(fs::exists(dir / "text_encoder_2" / "model.safetensors"), xl);
  QCOMPARE(fs::exists(dir / "tokenizer_2" / "vocab.json"), xl);
  QVERIFY(fs::exists(dir / "scheduler" / "scheduler_config.json"));

  c10::InferenceMode guard;
  // 2. tokenizers: typical prompt words are single pieces
  const std::string prompt = "a photo of a cat";
  std::vector<std::string> tokenizer_dirs = {"tokenizer"};
  if (xl) tokenizer_dirs.push_back("tokenizer_2");
  std::vector<at::Tensor> ids;
  for (const auto& t : tokenizer_dirs) {
    const auto tok = ClipTokenizer::load(dir / t);
    const auto pieces = tok.tokenize(prompt);
    qInfo("%s %s: \"%s\" -> %zu pieces", family.c_str(), t.c_str(), prompt.c_str(), pieces.size());
    QVERIFY(pieces.size() < prompt.size() - 4);  // fewer pieces than letters
    QCOMPARE(pieces.size(), size_t(5));
    QCOMPARE(tok.vocab_size(), summary.vocab_size);
    QCOMPARE(tok.eos_id(), summary.vocab_size - 1);
    QCOMPARE(tok.pad_id(), t == "tokenizer_2" ? int64_t(0) : summary.vocab_size - 1);
    const auto padded = tok.encode_padded(prompt);
    ids.push_back(at::tensor(padded, at::kLong).unsqueeze(0));  // [1, 77]
  }

  // 3. text encoders (strict loading), then the UNet on their output
  std::vector<at::Tensor> states;
  at::Tensor pooled;
  for (size_t i = 0; i < ids.size(); ++i) {
    auto te = load_clip_text_model(dir / (i == 0 ? "text_encoder" : "text_encoder_2"));
    const auto out = te(ids[i]);
    QVERIFY(all_finite(out.last_hidden_state));
    states.push_back(xl ? out.penultimate_hidden_state : out.last_hidden_state);
    pooled = out.pooled;
  }
  const auto context = at::cat(states, -1);  // [1, 77, cross_attention_dim]
  auto unet = load_unet(dir / "unet");
  QCOMPARE(context.size(2), unet->config().cross_attention_dim[0]);
  const int64_t h = options.sample_size;
  const auto sample = at::randn({1, 4, h, h});
  UNetAddedConditions added;
  if (xl) {
    added.text_embeds = pooled;
    added.time_ids = at::tensor(std::vector<float>{128, 128, 0, 0, 128, 128}).unsqueeze(0);
  }
  const auto eps = unet(sample, 500.0, context, added);
  PE_VERIFY_SHAPE(eps, sample);
  QVERIFY(all_finite(eps));
  qInfo("%s UNet output std %.4f", family.c_str(), eps.std().item<double>());

  // 4. VAE round trip shapes
  auto vae = load_vae(dir / "vae", c10::kCPU, c10::kFloat, false);
  const auto image = vae->decode(sample);
  QCOMPARE(image.sizes().vec(), (std::vector<int64_t>{1, 3, 8 * h, 8 * h}));
  QVERIFY(all_finite(image));
  QVERIFY(all_finite(vae->encode(image.clamp(-1, 1)).mean));

  // 5. the whole folder through the pipeline loader and a 3-step generation (the family's
  //    own scheduler: Euler for sdxl, PNDM for sd15, DDIM + v_prediction for sd21)
  auto model = DiffusionModel::load(dir.path(), ComputeOptions{});
  QCOMPARE(model.family(), xl ? ModelFamily::SDXL : ModelFamily::SD);
  QCOMPARE(model.default_image_size(), 8 * h);
  GenerateRequest request;
  request.prompt = "a photo of a cat in a park";
  request.steps = 3;
  request.seed = 1;
  request.preview = false;
  const auto result = generate(model, request);
  QCOMPARE(result.image.sizes().vec(), (std::vector<int64_t>{3, 8 * h, 8 * h}));
  QVERIFY(all_finite(result.latents));
  qInfo("%s generate (%s, 3 steps): latents std %.3f, image mean %.3f", family.c_str(), result.scheduler.c_str(),
        result.latents.std().item<double>(), result.image.mean().item<double>());
}

}  // namespace

class TestTinyModel : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void sdxlLoadsAndRuns() { check_family("sdxl"); }
  void sd15LoadsAndRuns() { check_family("sd15"); }
  void sd21LoadsAndRuns() { check_family("sd21"); }

  // The SDXL tiny configs are the fixture's (apart from the vocabulary's merges).
  void sdxlConfigsMatchFixture() {
    test::TempDir dir;
    write_tiny_model(TinyModelOptions{}, dir.path());
    for (const char* file : {"unet/config.json", "vae/config.json", "scheduler/scheduler_config.json"}) {
      auto ours = read_json_file(dir / file), theirs = read_json_file(test::tiny_sdxl_dir() / file);
      ours.erase("sample_size");
      theirs.erase("sample_size");
      QVERIFY2(ours == theirs, file);
    }
    for (const char* te : {"text_encoder", "text_encoder_2"}) {
      auto ours = read_json_file(dir / te / "config.json"), theirs = read_json_file(test::tiny_sdxl_dir() / te / "config.json");
      for (auto* j : {&ours, &theirs}) j->erase("transformers_version");
      QVERIFY2(ours == theirs, te);
    }
  }

  void sameSeedSameFilesOtherSeedOtherWeights() {
    test::TempDir a, b, c;
    TinyModelOptions options;
    options.family = "sd21";
    options.seed = 11;
    write_tiny_model(options, a.path());
    write_tiny_model(options, b.path());
    options.seed = 12;
    write_tiny_model(options, c.path());
    const auto files = files_under(a.path());
    QCOMPARE(files, files_under(b.path()));
    QCOMPARE(files, files_under(c.path()));
    for (const auto& f : files) QVERIFY2(test::read_bytes(a / f) == test::read_bytes(b / f), f.c_str());
    for (const char* w : {"unet/diffusion_pytorch_model.safetensors", "vae/diffusion_pytorch_model.safetensors",
                          "text_encoder/model.safetensors"}) {
      SafetensorsFile fa(a / w), fc(c / w);
      QCOMPARE(fa.entries().size(), fc.entries().size());
      int differing = 0;
      for (const auto& e : fa.entries()) differing += !at::equal(fa.tensor(e.name), fc.tensor(e.name));
      qInfo("%s: %d of %zu tensors differ between seeds 11 and 12", w, differing, fa.entries().size());
      QVERIFY(differing > int(fa.entries().size()) / 2);  // norm weights/biases are constant
    }
    QVERIFY(test::read_bytes(a / "tokenizer/vocab.json") == test::read_bytes(c / "tokenizer/vocab.json"));
  }

  void mediumSdxlHasAbout91MUNetParameters() {
    test::TempDir dir;
    const auto summary = write_tiny_model(medium_sdxl_options(0), dir.path());
    const int64_t n = summary.count("unet");
    qInfo("medium UNet: %lld parameters (VAE %lld, text encoders %lld + %lld)", (long long)n,
          (long long)summary.count("vae"), (long long)summary.count("text_encoder"),
          (long long)summary.count("text_encoder_2"));
    QVERIFY(n >= 85'000'000 && n <= 97'000'000);
    const auto cfg = UNet2DConditionConfig::from_json(JsonConfig::load(dir / "unet" / "config.json"));
    QCOMPARE(cfg.block_out_channels, (std::vector<int64_t>{64, 128, 256}));
    QCOMPARE(cfg.norm_num_groups, int64_t(32));
    QCOMPARE(cfg.sample_size, int64_t(32));
  }

  void badOptionsAreRefused() {
    auto refused = [](TinyModelOptions o) {
      try {
        resolve_tiny_model_options(o);
      } catch (const Error& e) {
        qInfo("refused: %s", e.what());
        return true;
      }
      return false;
    };
    TinyModelOptions o;
    o.family = "sd3";
    QVERIFY(refused(o));
    o.family = "sdxl";
    o.widths = {8, 16};
    QVERIFY(refused(o));
    o.widths = {8, 16, 36};  // not a multiple of 8 groups
    QVERIFY(refused(o));
    o.widths = {8, 16, 32};
    o.sample_size = 6;  // not a multiple of 4
    QVERIFY(refused(o));
    o.sample_size = 16;
    QVERIFY(!refused(o));
  }
};

PARTEDIT_TEST(TestTinyModel);
}  // namespace test_tiny_model
#include "test_tiny_model.moc"
